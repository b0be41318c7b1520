package dev.log2kafka;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a file cannot be shipped: one sentence in the log naming the file and the cause. In one-shot mode
 * the failure is handled so the run goes on with the next file (and exits non-zero at the end); in watch mode it is
 * not, so the file consumer moves the file to `.failed/`.
 */
public final class FileOutcomes extends RouteConfigurationBuilder {

    public static final String ID = "file-outcomes";
    private static final Logger LOG = LoggerFactory.getLogger(FileOutcomes.class);

    private final boolean watch;

    public FileOutcomes(boolean watch) {
        this.watch = watch;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(Exception.class)
                .handled(!watch)
                .logExhausted(false)
                .process(FileOutcomes::logFailure);
    }

    private static void logFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String file = exchange.getIn().getHeader(Exchange.FILE_PATH, String.class);
        LOG.error("File {} was not shipped: {}", file, Failures.sentence(cause));
    }
}
