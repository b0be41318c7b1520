package dev.log2kafka.delivery;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.cli.Sentences;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.FollowedFile;
import dev.log2kafka.source.LateWrites;
import dev.log2kafka.source.LineBatch;
import dev.log2kafka.source.LineReader;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.Exchange;
import org.apache.camel.component.file.FileConstants;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is said and counted when lines cannot be shipped: the bean (`shippingErrors`) that the route configurations of
 * `routes/ship-files.camel.yaml` call. Whether a failure is handled (one-shot: the run goes on with the next file) or
 * not (watch mode: the file consumer moves the file to .failed/) is written there, not here.
 */
public final class ShippingErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ShippingErrors.class);

    private final RunCounters progress;
    private final String topic;
    private final SourceMode mode;
    private final Runnable stopRun;
    private volatile Stop stop;

    /**
     * @param topic   where the lines were going, for the messages
     * @param stopRun ends the run: called when a transaction failed (exactly once)
     */
    public ShippingErrors(RunCounters progress, String topic, SourceMode mode, Runnable stopRun) {
        this.progress = progress;
        this.topic = topic;
        this.mode = mode;
        this.stopRun = stopRun;
    }

    /** Why a failure ended the run (exactly once), or null if none did. */
    public Stop stop() {
        return stop;
    }

    /**
     * A failure that ended the run, as the summary says it.
     *
     * @param sentence what happened and what to do
     * @param code     the run's exit code
     */
    public record Stop(String sentence, ExitCode code) {
    }

    /** Ends the run, once: the first failure says why. */
    private synchronized void stopRun(String sentence, ExitCode code) {
        if (stop == null) {
            stop = new Stop(sentence, code);
            LOG.error(sentence);
            stopRun.run();
        }
    }

    /**
     * Kafka did not take a batch: its lines count as rejected (but those already counted in the dead letters), and the
     * log names the file, the lines and the cause.
     */
    public void batchRejected(Exchange exchange) {
        LineBatch batch = exchange.getIn().getBody(LineBatch.class);
        progress.rejected(batch.source(), batch.recordCount() - batch.refused());
        LOG.atError().addKeyValue("file", batch.source()).addKeyValue("lines", batch.firstLine() + "-"
                + batch.lastLine()).log("File {} lines {}-{} were not sent to topic {}: {}", batch.source(),
                batch.firstLine(), batch.lastLine(), topic, Sentences.sentence(cause(exchange)));
    }

    /** A file (or standard input) was not shipped completely: one sentence naming it and the cause. */
    public void sourceFailed(Exchange exchange) {
        Exception cause = cause(exchange);
        String file = source(exchange);
        if (Sentences.isCausedBy(cause, ProducerFencedException.class)
                || Sentences.isCausedBy(cause, InvalidProducerEpochException.class)) {
            stopRun("Another log2kafka with the same transactional id started, and took over (exactly once): this"
                    + " one stopped, and its open transaction is aborted. Give each run its own state directory or"
                    + " --transactional-id.", ExitCode.FENCED);
        } else if (!Sentences.isCausedBy(cause, ShippingSteps.StoppedException.class)) {
            LOG.atError().addKeyValue("file", file)
                    .log("File {} was not shipped{}: {}", file, mode == SourceMode.WATCH ? " (it goes to .failed/)"
                    : mode == SourceMode.FOLLOW ? " (it is read again from its checkpoint)" : "",
                    Sentences.sentence(cause));
        }
    }

    /** Watch mode: lines written to a file after it was moved to .done/ were not shipped; the next look tries again. */
    public void lateLinesFailed(Exchange exchange) {
        Exception cause = cause(exchange);
        LateWrites.MovedFile moved = exchange.getProperty("moved", LateWrites.MovedFile.class);
        if (moved != null && !Sentences.isCausedBy(cause, ShippingSteps.StoppedException.class)) {
            LOG.atError().addKeyValue("file", moved.path()).log("The lines written to {} after it was moved there were"
                    + " not shipped (tried again in a second): {}", moved.path(), Sentences.sentence(cause));
        }
    }

    /** The file (or `-`) whose lines the exchange was shipping. */
    private static String source(Exchange exchange) {
        String file = exchange.getIn().getHeader(FileConstants.FILE_ABSOLUTE_PATH, String.class);
        Object body = exchange.getIn().getBody();
        // follow mode: the follow route keeps the file it reads as the exchange property `followed`
        FollowedFile followed = exchange.getProperty("followed", FollowedFile.class);
        return file != null ? file : body instanceof LineReader reader ? reader.source()
                : body instanceof FollowedFile read ? read.path().toString()
                : followed != null ? followed.path().toString() : SourceMode.STANDARD_INPUT_NAME;
    }

    private static Exception cause(Exchange exchange) {
        return exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
    }
}
