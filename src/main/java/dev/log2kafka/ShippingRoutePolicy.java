package dev.log2kafka;

import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.support.RoutePolicySupport;

/**
 * Kept by every route that reads files: counts each file's start and end in {@link ShippingProgress}, and in one-shot
 * mode ends the run once the last file of the consumer's batch is done.
 */
public final class ShippingRoutePolicy extends RoutePolicySupport {

    private final ShippingProgress progress;
    private final Runnable whenAllFilesDone;

    /**
     * @param whenAllFilesDone run after the last file of a poll is done, or null to keep running (watch mode)
     */
    public ShippingRoutePolicy(ShippingProgress progress, Runnable whenAllFilesDone) {
        this.progress = progress;
        this.whenAllFilesDone = whenAllFilesDone;
    }

    @Override
    public void onExchangeBegin(Route route, Exchange exchange) {
        progress.fileStarted();
    }

    @Override
    public void onExchangeDone(Route route, Exchange exchange) {
        boolean failed = exchange.isFailed() || exchange.getProperty(Exchange.EXCEPTION_CAUGHT) != null;
        if (failed) {
            progress.fileFailed();
        } else {
            progress.fileDone();
        }
        if (whenAllFilesDone != null && exchange.getProperty(Exchange.BATCH_COMPLETE, false, Boolean.class)) {
            whenAllFilesDone.run();
        }
    }
}
