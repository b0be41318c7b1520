package dev.log2kafka.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.FileInput;
import dev.log2kafka.source.FollowedFile;
import dev.log2kafka.source.Follower;
import dev.log2kafka.source.LateWrites;
import dev.log2kafka.source.LineBatch;
import dev.log2kafka.source.LineReader;
import dev.log2kafka.source.ReadAhead;
import dev.log2kafka.source.SourceMode;
import dev.log2kafka.source.StandardInput;
import org.apache.camel.Exchange;
import org.apache.camel.Ordered;
import org.apache.camel.support.SynchronizationAdapter;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The steps of a source's life, as the routes call them (bean `shipping`): `batches(${body},
 * {{log2kafka.batch-size}})` opens a file from its checkpoint as a stream of {@link LineBatch}es, `standardInput`
 * does the same for standard input; `acknowledged` records a batch Kafka has taken; `ended` completes the source once
 * every batch is acknowledged, `failed` keeps its checkpoint for a rerun. Lines too long for Kafka go to the
 * {@link DeadLetters}.
 */
public final class ShippingSteps implements LineReader.Listener, Follower.State {

    private static final Logger LOG = LoggerFactory.getLogger(ShippingSteps.class);
    /** How long live input may pause before the lines read so far are sent without a full batch. */
    static final long PAUSE_MILLIS = 100;

    private final RunCounters progress;
    private final Checkpoints checkpoints;
    private final DeadLetters deadLetters;
    private final boolean skipEmptyLines;
    private final LineLimit lineLimit;
    private final boolean force;
    private final String checkpointsTopic;
    private final LateWrites lateWrites;
    /** Each file being read, from when it was opened. */
    private final Map<String, Read> opened = new ConcurrentHashMap<>();
    /** What was read of each file shipped in this run: its identity and where its last reader ended. */
    private final Map<String, Read> reads = new ConcurrentHashMap<>();
    /** Exactly once: the sources whose batches a thread reads ahead of the transactions. */
    private final Map<String, ReadAhead> readingAhead = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * @param lineLimit    longer lines go to the dead letters
     * @param force        ship files from their beginning even if a checkpoint says they were shipped
     * @param checkpointsTopic exactly once: where each transaction writes its checkpoint; null otherwise
     * @param lateWrites   watch mode: told of each file shipped to its end before it is moved
     */
    public ShippingSteps(RunCounters progress, Checkpoints checkpoints, DeadLetters deadLetters,
            boolean skipEmptyLines, LineLimit lineLimit, boolean force, String checkpointsTopic,
            LateWrites lateWrites) {
        this.progress = progress;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.skipEmptyLines = skipEmptyLines;
        this.lineLimit = lineLimit;
        this.force = force;
        this.checkpointsTopic = checkpointsTopic;
        this.lateWrites = lateWrites;
    }

    /**
     * A file as a stream of batches, from its checkpoint on; a gzip file is read as its decompressed lines (offsets,
     * line numbers and checkpoints count those).
     */
    public LineReader batches(String file, int batchSize) throws IOException {
        Path path = Path.of(file);
        FileChannel channel = FileChannel.open(path);
        try {
            Object identity = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
            Checkpoints.Checkpoint start = checkpoints.resume(path, channel, false);
            // --force sends a file again from its start once per run, not again when it is read on (watch mode)
            if (force && start.offset() > 0 && !reads.containsKey(file)) {
                start = start.fromTheStart();
            }
            FileInput in = FileInput.open(channel);
            if (start.complete() && (in.gzip() || start.offset() == channel.size())) {
                LOG.atInfo().addKeyValue("file", path)
                        .log("{} was shipped completely before; not sent again (use --force to send it again)", path);
                progress.alreadyShipped();
            } else if (start.offset() > 0 && !reads.containsKey(file)) {
                resuming(start);
            }
            in.skipTo(start.offset());
            checkpoints.open(start);
            opened.put(file, new Read(identity, start, -1, -1, null, in.gzip()));
            LineReader reader = new LineReader(in, file, start.offset(), start.lines(), batchSize, skipEmptyLines,
                    lineLimit.bytes(), this);
            return in.gzip() ? reader.countingFileBytes(in::consumed) : reader;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * A followed file as a stream of batches, from where it was read to (or its checkpoint, the first time) up to its
     * size when the tick looked; a last line without its newline is left for the next read unless the file has been
     * quiet long enough. A compressed file is read to its end.
     */
    public LineReader follow(FollowedFile file, int batchSize) throws IOException {
        String source = file.path().toString();
        Checkpoints.Checkpoint start;
        if (file.offset() < 0) {
            start = checkpoints.resume(file.path(), file.channel(), true);
            if (start.offset() > 0) {
                resuming(start);
            }
        } else {
            start = new Checkpoints.Checkpoint(source, file.offset(), file.lines(), file.head(),
                    HexFormat.of().formatHex(file.tail()), false, file.key().toString());
            if (file.headGrew()) {
                checkpoints.identityGrew(source, file.key().toString());
            }
        }
        checkpoints.open(start);
        if (file.gzip()) {
            FileInput in = FileInput.openShared(file.channel());
            in.skipTo(start.offset());
            return new LineReader(in, source, start.offset(), start.lines(), batchSize, skipEmptyLines,
                    lineLimit.bytes(), this).countingFileBytes(in::consumed);
        }
        return new LineReader(FileInput.slice(file.channel(), start.offset(), Math.max(start.offset(), file.size())),
                source, start.offset(), start.lines(), batchSize, skipEmptyLines, lineLimit.bytes(), this)
                .holdingPartialLine(!file.sendPartialLine());
    }

    /**
     * Whether the file open in {@code channel} has a checkpoint and holds lines after it. A compressed file is
     * measured by the size its gzip trailer gives (modulo 4 GiB), not read.
     */
    @Override
    public boolean unshippedAfter(FileChannel channel) throws IOException {
        Checkpoints.Checkpoint saved = checkpoints.of(channel);
        if (saved == null) {
            return false;
        }
        return FileInput.isGzip(channel) ? FileInput.gzipSize(channel) != (saved.offset() & 0xFFFFFFFFL)
                : channel.size() > saved.offset();
    }

    @Override
    public boolean shippedBefore(FileChannel channel) throws IOException {
        return checkpoints.of(channel) != null;
    }

    @Override
    public long lastRunMillis() throws IOException {
        return checkpoints.lastWrittenMillis();
    }

    private static void resuming(Checkpoints.Checkpoint start) {
        LOG.atInfo().addKeyValue("file", start.file()).log("Resuming {} at line {} (byte {}), where the last run's"
                + " acknowledgements ended", start.file(), start.lines() + 1, start.offset());
    }

    /**
     * Whether the file at this path holds lines that were not shipped: true before it was read, and after it was read
     * if it grew since (the new lines are read on from the checkpoint) or was replaced by another file (which is read
     * from its start). Watch mode asks this before a file is moved to .done/.
     */
    public boolean unshipped(String file) throws IOException {
        Read read = reads.get(file);
        if (read == null) {
            return true;
        }
        Path path = Path.of(file);
        BasicFileAttributes now = Files.readAttributes(path, BasicFileAttributes.class);
        if (!Objects.equals(now.fileKey(), read.identity())) {
            LOG.atWarn().addKeyValue("file", path)
                    .log("{} was replaced while it was shipped; shipping the file now there too", path);
            reads.remove(file);
            checkpoints.forget(read.start());
            return true;
        }
        if (!read.gzip() && now.size() > read.endOffset()) {
            LOG.atWarn().addKeyValue("file", path)
                    .log("{} grew by {} bytes while it was shipped; shipping the new lines too", path,
                    now.size() - read.endOffset());
            return true;
        }
        return false;
    }

    /**
     * The file is done and moves away (watch mode): its checkpoint and what was read of it are forgotten, and what
     * is written to it after the move is looked for ({@link LateWrites}).
     */
    public void forget(String file) {
        Read read = reads.remove(file);
        if (read != null) {
            checkpoints.forget(read.start());
            if (!read.gzip()) {
                lateWrites.shipped(Path.of(file), read.identity(), read.endOffset(), read.endLines(), read.endTail());
            }
        }
    }

    /**
     * Watch mode: the lines written to a file after it was shipped and moved to .done/, by a writer log2kafka could
     * not see ({@link LateWrites}), from where its shipping ended; a last line without its newline is left for the
     * next look unless the file has been quiet long enough.
     */
    public LineReader lateLines(LateWrites.MovedFile file, int batchSize) throws IOException {
        String source = file.path().toString();
        FileChannel channel = FileChannel.open(file.path());
        try {
            Checkpoints.Checkpoint start = new Checkpoints.Checkpoint(source, file.offset(), file.lines(),
                    FileInput.head(channel), HexFormat.of().formatHex(file.tail()), false, file.identity().toString());
            FileInput in = FileInput.open(channel);
            in.skipTo(start.offset());
            checkpoints.open(start);
            opened.put(source, new Read(file.identity(), start, -1, -1, null, false));
            return new LineReader(in, source, start.offset(), start.lines(), batchSize, skipEmptyLines,
                    lineLimit.bytes(), this).holdingPartialLine(!file.sendPartialLine());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Watch mode: the late lines the reader read were acknowledged; the moved file needs no checkpoint. */
    public void lateLinesShipped(LateWrites.MovedFile file, LineReader reader) {
        lateWrites.readTo(file, reader);
        Read read = reads.remove(reader.source());
        if (read != null) {
            checkpoints.forget(read.start());
        }
    }

    /**
     * Standard input as a stream of batches; the bytes arrive as they are, like a file's. When the writer pauses
     * (`tail -F app.log | ...`), the lines read so far leave within {@value #PAUSE_MILLIS} ms instead of waiting for
     * a full batch, and a stop ends a read that waits.
     */
    public LineReader standardInput(int batchSize) {
        return new LineReader(new StandardInput(System.in, this::stopRequested), SourceMode.STANDARD_INPUT_NAME, 0, 0,
                batchSize, skipEmptyLines, lineLimit.bytes(), this).handOutAfterPause(PAUSE_MILLIS);
    }

    /**
     * Exactly once: a source's batches as Kafka transactions of at least {@code lines} lines each, every one ending
     * with the checkpoint after its lines.
     */
    public Iterator<Transaction> transactions(LineReader reader, int lines, Exchange exchange) {
        ReadAhead batches = new ReadAhead(reader);
        ReadAhead before = readingAhead.put(reader.source(), batches);
        if (before != null) {
            before.close();
        }
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public Transaction next() {
                return new Transaction(batches, lines, checkpoints, deadLetters, checkpointsTopic,
                        exchange.getContext());
            }
        };
    }

    /**
     * Exactly once: called before the kafka endpoint, which begins the transaction, and commits it (or aborts it) once
     * the exchange is done. Then, after camel-kafka: a committed transaction's checkpoint is the one a file read again
     * in this run resumes from. Before camel-kafka: a transaction that failed with a Kafka exception is handed to it
     * wrapped, so that it aborts the transaction and keeps its producer (it closes the producer, without aborting,
     * on a Kafka exception; the broker would then hold the transaction open until it times out, and the next run with
     * the same transactional id would wait for that).
     */
    public void beginning(Transaction transaction, Exchange exchange) {
        exchange.getExchangeExtension().addOnCompletion(new BeforeCamelKafka());
        exchange.getExchangeExtension().addOnCompletion(new AfterCamelKafka(transaction));
    }

    /** Exactly once: called after the kafka endpoint, which has every record of the transaction. */
    public void sent(Transaction transaction) {
        transaction.batches().forEach(this::acknowledged);
    }

    /** Says that a transaction failed, around the Kafka exception that camel-kafka would close its producer for. */
    public static final class TransactionFailedException extends RuntimeException {
        TransactionFailedException(Exception cause) {
            super("The Kafka transaction failed and was aborted: " + cause.getMessage(), cause);
        }
    }

    private static final class BeforeCamelKafka extends SynchronizationAdapter implements Ordered {
        @Override
        public void onDone(Exchange exchange) {
            if (exchange.getException() instanceof KafkaException failure
                    && !(failure instanceof ProducerFencedException)) {
                exchange.setException(new TransactionFailedException(failure));
            }
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST;
        }
    }

    private final class AfterCamelKafka extends SynchronizationAdapter implements Ordered {
        private final Transaction transaction;

        AfterCamelKafka(Transaction transaction) {
            this.transaction = transaction;
        }

        @Override
        public void onDone(Exchange exchange) {
            if (exchange.getException() == null && !exchange.isRollbackOnly() && transaction.checkpoint() != null) {
                checkpoints.committed(transaction.checkpoint());
            }
        }

        @Override
        public int getOrder() {
            return Ordered.LOWEST;
        }
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
    public void ended(LineReader reader) throws InterruptedException {
        stopReadingAhead(reader.source());
        if (reader.stopped()) {
            checkpoints.abandoned(reader.source());
            throw new StoppedException(reader.source());
        }
        checkpoints.completed(reader.source());
        Read read = opened.remove(reader.source());
        if (read != null) {
            reads.put(reader.source(), new Read(read.identity(), read.start(), reader.offset(), reader.lines(),
                    reader.lastBytes(), read.gzip()));
        }
    }

    /** Follow mode: the file was read to its end and let go; its checkpoint says so. */
    @Override
    public void ended(FollowedFile file) {
        checkpoints.ended(file.path().toString(), file.head(), file.key().toString());
    }

    /**
     * Follow mode, at start: a checkpoint of a file in {@code directory} that the last run was following when it
     * stopped, whose content no file there has any more (deleted, or moved elsewhere, while no run followed it), is
     * said once: what was written to that file after its checkpoint was not shipped. One whose file is there but not
     * followed (it has no line after its checkpoint) is done with, like a file let go.
     *
     * @param followed the files followed from now on
     */
    @Override
    public void sayWhichAreGone(Path directory, List<FileChannel> followed) throws IOException {
        List<Checkpoints.Checkpoint> notEnded = new ArrayList<>();
        for (Checkpoints.Checkpoint checkpoint : checkpoints.notEnded()) {
            if (directory.equals(Path.of(checkpoint.file()).getParent()) && !anyStartsWith(followed,
                    checkpoint.head())) {
                notEnded.add(checkpoint);
            }
        }
        if (notEnded.isEmpty()) {
            return;
        }
        List<FileChannel> files = new ArrayList<>();
        try {
            try (DirectoryStream<Path> names = Files.newDirectoryStream(directory)) {
                for (Path name : names) {
                    if (Files.isRegularFile(name, LinkOption.NOFOLLOW_LINKS)) {
                        try {
                            files.add(FileChannel.open(name));
                        } catch (IOException e) {
                            // gone, or not readable: not one of ours
                        }
                    }
                }
            }
            for (Checkpoints.Checkpoint checkpoint : notEnded) {
                if (!anyStartsWith(files, checkpoint.head())) {
                    LOG.atWarn().addKeyValue("file", checkpoint.file()).log("{} was followed when the last run"
                            + " stopped (acknowledged to line {}, byte {}), and no file in {} holds it any more (deleted,"
                            + " or moved elsewhere while no run followed it): what was written to it after byte {} was"
                            + " not shipped", checkpoint.file(), checkpoint.lines(), checkpoint.offset(), directory,
                            checkpoint.offset());
                }
                checkpoints.ended(checkpoint.file(), checkpoint.head(), checkpoint.inode());
            }
        } finally {
            for (FileChannel file : files) {
                file.close();
            }
        }
    }

    private static boolean anyStartsWith(List<FileChannel> files, FileInput.Fingerprint head) {
        for (FileChannel file : files) {
            try (FileInput in = FileInput.openShared(file)) {
                if (in.fingerprint(head.length()).equals(head)) {
                    return true;
                }
            } catch (IOException e) {
                // a compressed file still being written: not this one
            }
        }
        return false;
    }

    /** A source failed: its checkpoint is written as it stands, for a rerun to resume. */
    @Override
    public void failed(String source) {
        stopReadingAhead(source);
        checkpoints.abandoned(source);
    }

    private void stopReadingAhead(String source) {
        ReadAhead batches = readingAhead.remove(source);
        if (batches != null) {
            batches.close();
        }
    }

    @Override
    public void read(LineBatch batch) {
        progress.read(batch);
    }

    @Override
    public void tooLong(String source, long lineNumber, long length, InputStream line) {
        deadLetters.send(source, lineNumber, "line of " + length + " bytes is longer than the " + lineLimit.bytes()
                + " bytes Kafka takes (" + lineLimit.setting() + ")", line);
    }

    @Override
    public boolean stopRequested() {
        return stopping;
    }

    /** From now on, readers end before their next batch: the run is stopping. */
    public void stop() {
        stopping = true;
    }

    /**
     * A file's identity (inode) when it was read, its checkpoint when it was opened, and the offset its reader ended
     * at (-1 while it reads).
     */
    private record Read(Object identity, Checkpoints.Checkpoint start, long endOffset, long endLines, byte[] endTail,
            boolean gzip) {
    }

    /** Says that a source was not read to its end because the run was stopped. */
    public static final class StoppedException extends IllegalStateException {

        StoppedException(String source) {
            super("stopped before the end of " + source);
        }
    }
}
