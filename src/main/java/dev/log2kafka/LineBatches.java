package dev.log2kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.camel.component.file.GenericFile;

/**
 * The bean the shipping routes use: `batches(${body}, {{log2kafka.batch-size}})` turns the file consumer's body into
 * a stream of {@link LineBatch}es, `standardInput` does the same for standard input, and `acknowledged` counts a batch
 * Kafka has taken.
 */
public final class LineBatches {

    /** The source name of standard input. */
    public static final String STANDARD_INPUT = "-";
    /** The header the file consumer puts the file's absolute path in. */
    public static final String FILE_ABSOLUTE_PATH = "CamelFileAbsolutePath";

    private final ShippingProgress progress;
    private final boolean skipEmptyLines;
    private volatile boolean stopping;

    public LineBatches(ShippingProgress progress, boolean skipEmptyLines) {
        this.progress = progress;
        this.skipEmptyLines = skipEmptyLines;
    }

    /** A file as a stream of batches. */
    public LineReader batches(GenericFile<?> file, int batchSize) throws IOException {
        String path = file.getAbsoluteFilePath();
        return new LineReader(Files.newInputStream(Path.of(path)), path, batchSize, skipEmptyLines, progress::read,
                this::isStopping);
    }

    private boolean isStopping() {
        return stopping;
    }

    /** Standard input as a stream of batches; the bytes arrive as they are, like a file's. */
    public LineReader standardInput(int batchSize) {
        return new LineReader(System.in, STANDARD_INPUT, batchSize, skipEmptyLines, progress::read,
                this::isStopping);
    }

    /** Called after the kafka endpoint: every record of the batch was acknowledged. */
    public void acknowledged(LineBatch batch) {
        progress.acknowledged(batch);
    }

    /**
     * Called after the split: fails the source if its reader stopped early, so that a stopped run does not count a
     * half-read file as done. The batches sent before the stop were all acknowledged by then.
     */
    public void ended(LineReader reader) {
        if (reader.stopped()) {
            throw new StoppedException(reader.source());
        }
    }

    /** From now on, readers end before their next batch: the run is stopping. */
    public void stop() {
        stopping = true;
    }

    /** Says that a source was not read to its end because the run was stopped. */
    public static final class StoppedException extends IllegalStateException {

        StoppedException(String source) {
            super("stopped before the end of " + source);
        }
    }
}
