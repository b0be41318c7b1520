package dev.log2kafka.progress;

import java.time.Duration;

/**
 * What a run has done so far, as told to {@link ProgressListener}s: at each file's start and end, at a steady
 * interval, and once at the end with the final figures (the summary).
 *
 * @param type             why the event was emitted
 * @param total            the counts over all files
 * @param file             the file the event is about (its start or end), or the file being shipped (ticks); null
 *                         when there is none
 * @param linesPerSecondNow acknowledged lines per second since the previous tick
 */
public record ProgressEvent(Type type, RunCounters.Snapshot total, RunCounters.FileSnapshot file,
        long linesPerSecondNow) {

    public enum Type {
        FILE_STARTED, PROGRESS, FILE_DONE, FILE_FAILED, FINISHED
    }

    /** Percent of the bytes to ship that were read, or -1 when the total is unknown (standard input, watch mode). */
    public int percent() {
        return total.bytesTotal() <= 0 ? -1 : (int) Math.min(100, total.bytesRead() * 100 / total.bytesTotal());
    }

    /** Time left at the average rate so far, or null when it cannot be known. */
    public Duration eta() {
        long total = this.total.bytesTotal();
        long read = this.total.bytesRead();
        if (total <= 0 || read <= 0 || this.total.elapsedNanos() <= 0) {
            return null;
        }
        return Duration.ofNanos((long) ((double) this.total.elapsedNanos() * (total - read) / read));
    }
}
