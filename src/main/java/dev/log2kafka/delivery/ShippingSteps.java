package dev.log2kafka.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.LineBatch;
import dev.log2kafka.source.LineReader;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.component.file.GenericFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a source's life, as the routes call them (bean `shipping`): `batches(${body},
 * {{log2kafka.batch-size}})` opens a file from its checkpoint as a stream of {@link LineBatch}es, `standardInput`
 * does the same for standard input; `acknowledged` records a batch Kafka has taken; `ended` completes the source once
 * every batch is acknowledged, `failed` keeps its checkpoint for a rerun. Lines too long for Kafka go to the
 * {@link DeadLetters}.
 */
public final class ShippingSteps implements LineReader.Listener {
    /** The header the file consumer puts the file's absolute path in. */
    public static final String FILE_ABSOLUTE_PATH = "CamelFileAbsolutePath";

    private static final Logger LOG = LoggerFactory.getLogger(ShippingSteps.class);

    private final RunCounters progress;
    private final Checkpoints checkpoints;
    private final DeadLetters deadLetters;
    private final boolean skipEmptyLines;
    private final int maxLineBytes;
    private final boolean force;
    private final boolean rememberCompleted;
    private volatile boolean stopping;

    /**
     * @param maxLineBytes longer lines go to the dead letters (Kafka's max.request.size less a record's overhead)
     * @param force        ship files from their beginning even if a checkpoint says they were shipped
     * @param mode         a run that ends with its input keeps the checkpoint of a completed file; a watcher deletes
     *                     it, as the file is moved away
     */
    public ShippingSteps(RunCounters progress, Checkpoints checkpoints, DeadLetters deadLetters,
            boolean skipEmptyLines, int maxLineBytes, boolean force, SourceMode mode) {
        this.progress = progress;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.skipEmptyLines = skipEmptyLines;
        this.maxLineBytes = maxLineBytes;
        this.force = force;
        this.rememberCompleted = mode.endsWithItsInput();
    }

    /** A file as a stream of batches, from its checkpoint on. */
    public LineReader batches(GenericFile<?> file, int batchSize) throws IOException {
        Path path = Path.of(file.getAbsoluteFilePath());
        Checkpoints.Checkpoint start = checkpoints.resume(path);
        if (force && start.offset() > 0) {
            start = new Checkpoints.Checkpoint(start.file(), 0, 0, start.fingerprint(), start.fingerprintLength(),
                    false);
        }
        FileChannel channel = FileChannel.open(path);
        if (start.complete() && start.offset() == channel.size()) {
            LOG.info("{} was shipped completely before; not sent again (use --force to send it again)", path);
            progress.alreadyShipped();
        } else if (start.offset() > 0) {
            LOG.info("Resuming {} at line {} (byte {}), where the last run's acknowledgements ended", path,
                    start.lines() + 1, start.offset());
        }
        channel.position(start.offset());
        checkpoints.open(start);
        InputStream in = Channels.newInputStream(channel);
        return new LineReader(in, path.toString(), start.offset(), start.lines(), batchSize, skipEmptyLines,
                maxLineBytes, this);
    }

    /** Standard input as a stream of batches; the bytes arrive as they are, like a file's. */
    public LineReader standardInput(int batchSize) {
        return new LineReader(System.in, SourceMode.STANDARD_INPUT_NAME, 0, 0, batchSize, skipEmptyLines,
                maxLineBytes, this);
    }

    /** Called after the kafka endpoint: every record of the batch was acknowledged. */
    public void acknowledged(LineBatch batch) {
        progress.acknowledged(batch);
        checkpoints.acknowledged(batch);
    }

    /**
     * Called after the split, once every batch of the source is acknowledged: completes its checkpoint, or fails the
     * source if its reader stopped early (Ctrl-C, SIGTERM) so that a half-read file is not counted as done.
     */
    public void ended(LineReader reader) {
        if (reader.stopped()) {
            checkpoints.abandoned(reader.source());
            throw new StoppedException(reader.source());
        }
        checkpoints.completed(reader.source(), rememberCompleted);
    }

    /** A source failed: its checkpoint is written as it stands, for a rerun to resume. */
    public void failed(String source) {
        checkpoints.abandoned(source);
    }

    @Override
    public void read(LineBatch batch) {
        progress.read(batch);
    }

    @Override
    public void tooLong(String source, long lineNumber, long length, InputStream line) {
        deadLetters.send(source, lineNumber, "line of " + length + " bytes is longer than the " + maxLineBytes
                + " bytes Kafka takes (max.request.size)", line);
    }

    @Override
    public boolean stopRequested() {
        return stopping;
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
