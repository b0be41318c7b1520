package dev.log2kafka;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts what a run has read, what Kafka acknowledged and how files ended, in total. Updated once per batch and once
 * per file, never per line; read from any thread.
 */
public final class ShippingProgress {

    private final AtomicLong startNanos = new AtomicLong();
    private final AtomicLong endNanos = new AtomicLong();
    private final LongAdder bytesTotal = new LongAdder();
    private final LongAdder bytesRead = new LongAdder();
    private final LongAdder linesRead = new LongAdder();
    private final LongAdder emptyLines = new LongAdder();
    private final LongAdder linesAcknowledged = new LongAdder();
    private final LongAdder linesRejected = new LongAdder();
    private final LongAdder filesStarted = new LongAdder();
    private final LongAdder filesDone = new LongAdder();
    private final LongAdder filesFailed = new LongAdder();

    /** Adds the size of a file that will be shipped, the denominator of the percentage. */
    public void expect(long bytes) {
        bytesTotal.add(bytes);
    }

    /** A file is opened; the clock starts with the first one. */
    public void fileStarted() {
        startNanos.compareAndSet(0, System.nanoTime());
        filesStarted.increment();
    }

    /** A batch was read out of its source. */
    public void read(LineBatch batch) {
        linesRead.add(batch.lineCount());
        emptyLines.add(batch.emptyLines());
        bytesRead.add(batch.byteCount());
    }

    /** Kafka acknowledged every record of the batch; skipped empty lines count as done with it. */
    public void acknowledged(LineBatch batch) {
        linesAcknowledged.add(batch.lineCount());
    }

    public void fileDone() {
        filesDone.increment();
    }

    public void fileFailed() {
        filesFailed.increment();
    }

    public void finish() {
        endNanos.compareAndSet(0, System.nanoTime());
    }

    public Snapshot snapshot() {
        long start = startNanos.get();
        long end = endNanos.get();
        long elapsed = start == 0 ? 0 : (end == 0 ? System.nanoTime() : end) - start;
        return new Snapshot(filesStarted.sum(), filesDone.sum(), filesFailed.sum(), linesRead.sum(),
                linesAcknowledged.sum(), linesRejected.sum(), emptyLines.sum(), bytesRead.sum(), bytesTotal.sum(),
                elapsed);
    }

    /** The counts at one moment. */
    public record Snapshot(long filesStarted, long filesDone, long filesFailed, long linesRead, long linesSent,
            long linesRejected, long emptyLines, long bytesRead, long bytesTotal, long elapsedNanos) {

        public double seconds() {
            return elapsedNanos / 1e9;
        }

        public long linesPerSecond() {
            return elapsedNanos == 0 ? 0 : Math.round(linesSent * 1e9 / elapsedNanos);
        }

        /** The closing summary, one figure a line. */
        public String summary() {
            return String.format("Files: %,d (%,d done, %,d failed)%n", filesStarted, filesDone, filesFailed)
                    + String.format("Lines: %,d read, %,d sent, %,d rejected (%,d empty)%n", linesRead, linesSent,
                            linesRejected, emptyLines)
                    + String.format("Bytes: %,d%n", bytesRead)
                    + String.format("Duration: %.1f s%n", seconds())
                    + String.format("Average: %,d lines/s%n", linesPerSecond());
        }
    }
}
