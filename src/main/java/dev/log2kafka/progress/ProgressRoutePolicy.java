package dev.log2kafka.progress;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.log2kafka.delivery.ShippingSteps;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * The route policy (bean `progress`) of the routes that read a source, named by their `routePolicyRef`. Tells
 * {@link RunCounters} when each source starts and ends, emits progress at a steady interval while a route runs, and in
 * a run that ends with its input ends it once the last source is done. Nothing here runs per line: once per source and
 * per tick.
 */
public final class ProgressRoutePolicy extends RoutePolicySupport {

    private final RunCounters progress;
    private final ShippingSteps shipping;
    private final long intervalMillis;
    private final Runnable whenAllDone;
    private final boolean exchangePerSource;
    private final Set<String> runningRoutes = ConcurrentHashMap.newKeySet();
    /** Files of the run's one poll that ended (one-shot); a watcher does not end by itself. */
    private final AtomicInteger endedOfPoll = new AtomicInteger();
    private ScheduledExecutorService ticker;

    /**
     * @param intervalMillis time between two progress events
     * @param whenAllDone    run after the last file of a poll (or standard input) is done; null to keep
     *                       running (watch mode)
     * @param exchangePerSource whether each exchange of the routes is one source (a file, standard input); the
     *                          follow route's are ticks, and its files start and end as it follows them
     */
    public ProgressRoutePolicy(RunCounters progress, ShippingSteps shipping, long intervalMillis,
            Runnable whenAllDone, boolean exchangePerSource) {
        this.exchangePerSource = exchangePerSource;
        this.progress = progress;
        this.shipping = shipping;
        this.intervalMillis = intervalMillis;
        this.whenAllDone = whenAllDone;
    }

    @Override
    public synchronized void onStart(Route route) {
        if (runningRoutes.add(route.getRouteId()) && ticker == null) {
            ticker = route.getCamelContext().getExecutorServiceManager()
                    .newSingleThreadScheduledExecutor(this, "progress");
            ticker.scheduleAtFixedRate(progress::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public synchronized void onStop(Route route) {
        if (runningRoutes.remove(route.getRouteId()) && runningRoutes.isEmpty() && ticker != null) {
            route.getCamelContext().getExecutorServiceManager().shutdown(ticker);
            ticker = null;
        }
    }

    @Override
    public void onRemove(Route route) {
        onStop(route);
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        if (!exchangePerSource) {
            return;
        }
        String file = exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, String.class);
        if (file != null) {
            progress.fileStarted(file, exchange.getIn().getHeader(Exchange.FILE_LENGTH, -1L, Long.class));
        } else {
            progress.fileStarted(SourceMode.STANDARD_INPUT_NAME, -1);
        }
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        if (!exchangePerSource) {
            return;
        }
        boolean failed = exchange.isFailed() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null;
        String file = exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, String.class);
        boolean lastOfBatch;
        if (file != null) {
            if (failed) {
                shipping.failed(file);
            }
            progress.fileEnded(file, !failed);
            // files overlap (one-shot), so they may end in another order than they started: count them
            lastOfBatch = endedOfPoll.incrementAndGet() == exchange.getProperty(Exchange.BATCH_SIZE, 1,
                    Integer.class);
        } else {
            // standard input: one exchange for the whole stream
            progress.fileEnded(SourceMode.STANDARD_INPUT_NAME, !failed);
            lastOfBatch = true;
        }
        if (whenAllDone != null && lastOfBatch) {
            whenAllDone.run();
        }
    }
}
