package dev.log2kafka.progress;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import dev.log2kafka.source.LineBatch;

/**
 * The run's counters: what it has read, what Kafka acknowledged and how files ended, per file and in total; it tells
 * its listeners. Updated once per batch and once per file, never per line; read from any thread.
 */
public final class RunCounters {

    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, FileProgress> files = new ConcurrentHashMap<>();
    private final AtomicLong startNanos = new AtomicLong();
    private final AtomicLong endNanos = new AtomicLong();
    private final LongAdder bytesTotal = new LongAdder();
    private final Counts total = new Counts();
    private final LongAdder filesStarted = new LongAdder();
    private final LongAdder filesDone = new LongAdder();
    private final LongAdder filesFailed = new LongAdder();
    private final LongAdder filesUnfinished = new LongAdder();
    private final LongAdder filesSkipped = new LongAdder();
    private volatile String current;
    private long lastTickNanos;
    private long lastTickLines;
    private volatile boolean interrupted;

    public void addListener(ProgressListener listener) {
        listeners.add(listener);
    }

    /** Adds the size of a file that will be shipped, the denominator of the percentage. */
    public void expect(long bytes) {
        bytesTotal.add(bytes);
    }

    /** A file (or `-`, standard input) is opened; the clock starts with the first one. */
    public void fileStarted(String source, long size) {
        startNanos.compareAndSet(0, System.nanoTime());
        FileProgress file = new FileProgress(source, size, System.nanoTime());
        if (files.putIfAbsent(source, file) == null) {
            filesStarted.increment();
            current = source;
            emit(ProgressEvent.Type.FILE_STARTED, file.snapshot(), 0);
        }
    }

    /** A followed file was renamed (a rotation): its counts go on under its new name. */
    public void renamed(String from, String to) {
        FileProgress file = files.remove(from);
        if (file != null) {
            file.source = to;
            files.put(to, file);
        }
    }

    /** A batch was read out of its source. */
    public void read(LineBatch batch) {
        total.read(batch);
        FileProgress file = files.get(batch.source());
        if (file != null) {
            file.counts.read(batch);
        }
    }

    /**
     * Kafka acknowledged every record of the batch; skipped empty lines count as sent with it, lines that went to the
     * dead letters were counted as rejected when they were read (too long) or refused (after the batch was sent).
     */
    public void acknowledged(LineBatch batch) {
        int sent = batch.lineCount() - batch.deadLetters() - batch.refused();
        total.linesAcknowledged.add(sent);
        FileProgress file = files.get(batch.source());
        if (file != null) {
            file.counts.linesAcknowledged.add(sent);
        }
    }

    /** Kafka refused lines of the source (a whole batch, or a line sent to the dead letters). */
    public void rejected(String source, long lines) {
        total.linesRejected.add(lines);
        FileProgress file = files.get(source);
        if (file != null) {
            file.counts.linesRejected.add(lines);
        }
    }

    /** A file was found complete in its checkpoint and is not sent again. */
    public void alreadyShipped() {
        filesSkipped.increment();
    }

    /** A file ended: every line acknowledged (done) or not. */
    public void fileEnded(String source, boolean done) {
        FileProgress file = files.remove(source);
        if (file == null) {
            return;
        }
        (done ? filesDone : filesFailed).increment();
        file.endNanos = System.nanoTime();
        emit(done ? ProgressEvent.Type.FILE_DONE : ProgressEvent.Type.FILE_FAILED, file.snapshot(), 0);
    }

    /** The run was stopped from outside (Ctrl-C, SIGTERM) before it was complete. */
    public void interrupted() {
        interrupted = true;
    }

    public boolean isInterrupted() {
        return interrupted;
    }

    /** Emits a steady-interval event with the rate since the previous one. */
    public synchronized void tick() {
        long now = System.nanoTime();
        long lines = total.linesAcknowledged.sum();
        long rate = lastTickNanos == 0 ? 0 : Math.round((lines - lastTickLines) * 1e9 / (now - lastTickNanos));
        lastTickNanos = now;
        lastTickLines = lines;
        String source = current;
        FileProgress file = source == null ? null : files.get(source);
        emit(ProgressEvent.Type.PROGRESS, file == null ? null : file.snapshot(), rate);
    }

    /**
     * Stops the clock and emits the final event, whose totals are the summary. A file that started but never ended
     * (the run was stopped while it was shipped) counts as unfinished: neither done nor failed.
     */
    public Snapshot finish() {
        endNanos.compareAndSet(0, System.nanoTime());
        for (String source : files.keySet()) {
            if (files.remove(source) != null) {
                filesUnfinished.increment();
            }
        }
        Snapshot last = snapshot();
        for (ProgressListener listener : listeners) {
            listener.onProgress(new ProgressEvent(ProgressEvent.Type.FINISHED, last, null, 0));
        }
        return last;
    }

    private void emit(ProgressEvent.Type type, FileSnapshot file, long rate) {
        if (listeners.isEmpty()) {
            return;
        }
        ProgressEvent event = new ProgressEvent(type, snapshot(), file, rate);
        for (ProgressListener listener : listeners) {
            listener.onProgress(event);
        }
    }

    public Snapshot snapshot() {
        long start = startNanos.get();
        long end = endNanos.get();
        long elapsed = start == 0 ? 0 : (end == 0 ? System.nanoTime() : end) - start;
        return new Snapshot(filesStarted.sum(), filesDone.sum(), filesFailed.sum(), filesUnfinished.sum(),
                filesSkipped.sum(),
                total.linesRead.sum(),
                total.linesAcknowledged.sum(), total.linesRejected.sum(), total.emptyLines.sum(),
                total.bytesRead.sum(), total.lineBytes.sum(), bytesTotal.sum(), elapsed, interrupted);
    }

    /** The counters kept for the total and for each file. */
    private static final class Counts {
        final LongAdder bytesRead = new LongAdder();
        final LongAdder lineBytes = new LongAdder();
        final LongAdder linesRead = new LongAdder();
        final LongAdder emptyLines = new LongAdder();
        final LongAdder linesAcknowledged = new LongAdder();
        final LongAdder linesRejected = new LongAdder();

        void read(LineBatch batch) {
            linesRead.add(batch.lineCount());
            emptyLines.add(batch.emptyLines());
            bytesRead.add(batch.byteCount());
            lineBytes.add(batch.lineBytes());
        }
    }

    private static final class FileProgress {
        volatile String source;
        final long size;
        final long startNanos;
        final Counts counts = new Counts();
        volatile long endNanos;

        FileProgress(String source, long size, long startNanos) {
            this.source = source;
            this.size = size;
            this.startNanos = startNanos;
        }

        FileSnapshot snapshot() {
            long end = endNanos;
            return new FileSnapshot(source, size, counts.bytesRead.sum(), counts.linesRead.sum(),
                    counts.linesAcknowledged.sum(), counts.linesRejected.sum(),
                    (end == 0 ? System.nanoTime() : end) - startNanos);
        }
    }

    /** One file's counts at one moment; size is -1 when unknown (standard input). */
    public record FileSnapshot(String source, long size, long bytesRead, long linesRead, long linesSent,
            long linesRejected, long elapsedNanos) {

        public int percent() {
            return size <= 0 ? (size == 0 ? 100 : -1) : (int) Math.min(100, bytesRead * 100 / size);
        }
    }

    /** The counts over all files at one moment. */
    public record Snapshot(long filesStarted, long filesDone, long filesFailed, long filesUnfinished,
            long filesSkipped, long linesRead, long linesSent,
            long linesRejected, long emptyLines, long bytesRead, long lineBytes, long bytesTotal, long elapsedNanos,
            boolean interrupted) {

        public double seconds() {
            return elapsedNanos / 1e9;
        }

        public long linesPerSecond() {
            return elapsedNanos == 0 ? 0 : Math.round(linesSent * 1e9 / elapsedNanos);
        }

        /** The closing summary, one figure a line. */
        public String summary() {
            return String.format("Files: %,d (%,d done, %,d failed%s%s)%n", filesStarted, filesDone, filesFailed,
                    filesUnfinished == 0 ? "" : String.format(", %,d unfinished", filesUnfinished),
                    filesSkipped == 0 ? "" : String.format(", %,d of them shipped before", filesSkipped))
                    + String.format("Lines: %,d read, %,d sent, %,d rejected (%,d empty)%n", linesRead, linesSent,
                            linesRejected, emptyLines)
                    + String.format("Bytes: %,d%s%n", lineBytes, lineBytes == bytesRead ? ""
                            : String.format(" (of lines, decompressed; %,d read from the files)", bytesRead))
                    + String.format("Duration: %.1f s%n", seconds())
                    + String.format("Average: %,d lines/s%n", linesPerSecond());
        }
    }
}
