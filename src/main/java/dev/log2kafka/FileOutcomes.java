package dev.log2kafka;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when lines cannot be shipped. A batch Kafka refused is counted as rejected and logged with its file,
 * line range and topic; it fails the split, and so its file. A failed file is logged in one sentence naming it and
 * the cause. In one-shot mode that failure is handled, so the run goes on with the next file (and exits non-zero at
 * the end); in watch mode it is not, so the file consumer moves the file to `.failed/`.
 */
public final class FileOutcomes extends RouteConfigurationBuilder {

    public static final String ID = "file-outcomes";
    private static final Logger LOG = LoggerFactory.getLogger(FileOutcomes.class);

    private final boolean watch;
    private final ShippingProgress progress;

    public FileOutcomes(boolean watch, ShippingProgress progress) {
        this.watch = watch;
        this.progress = progress;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                .handled(exchange -> !watch && !isBatch(exchange))
                .logExhausted(false)
                .process(this::report);
    }

    private static boolean isBatch(Exchange exchange) {
        return exchange.getIn().getBody() instanceof LineBatch;
    }

    private void report(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (exchange.getIn().getBody() instanceof LineBatch batch) {
            progress.rejected(batch.source(), batch.recordCount());
            LOG.error("File {} lines {}-{} were not sent to topic {}: {}", batch.source(), batch.firstLine(),
                    batch.lastLine(), exchange.getContext().resolvePropertyPlaceholders("{{log2kafka.topic}}"),
                    Failures.sentence(cause));
        } else if (!Failures.isCausedBy(cause, LineBatches.StoppedException.class)) {
            String file = exchange.getIn().getHeader(LineBatches.FILE_ABSOLUTE_PATH, LineBatches.STANDARD_INPUT,
                    String.class);
            LOG.error("File {} was not shipped: {}", file, Failures.sentence(cause));
        }
    }
}
