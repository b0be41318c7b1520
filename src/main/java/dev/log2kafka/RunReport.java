package dev.log2kafka;

import java.io.PrintStream;
import java.util.Map;
import java.util.TreeSet;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.delivery.ShippingErrors;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.SourceMode;

/** The end of a run: the summary, the closing line (`Processing complete`, ...) and the exit code they stand for. */
final class RunReport {

    private RunReport() {
    }

    /**
     * @param expectedFiles the files a one-shot run set out to ship
     * @param deadLetters   where rejected lines went, for the closing line
     * @param notCurrent    the files whose checkpoint could not be written, with the reason
     * @param stop          exactly once: why a failure ended the run, or null
     */
    static ExitCode print(RunCounters.Snapshot summary, SourceMode mode, int expectedFiles, String deadLetters,
            Map<String, String> notCurrent, ShippingErrors.Stop stop, PrintStream out) {
        out.print(summary.summary());
        out.println(notCurrent.isEmpty() ? "Checkpoints: current" : "Checkpoints: not current for "
                + notCurrent.size() + " file(s) (" + String.join("; ", new TreeSet<>(notCurrent.values()))
                + "): a rerun would send their acknowledged lines again");
        if (stop != null) {
            out.println(stop.sentence());
            return stop.code();
        }
        if (mode == SourceMode.FOLLOW) {
            // a follower runs until it is stopped: what it shipped is the report
            out.println("Processing interrupted: " + summary.filesStarted() + " file(s) followed, "
                    + summary.filesDone() + " of them read to their end and let go; each goes on from its checkpoint"
                    + " next time");
            return summary.filesFailed() > 0 ? ExitCode.FAILED : ExitCode.INTERRUPTED;
        }
        boolean watch = mode == SourceMode.WATCH;
        int expected = mode == SourceMode.STANDARD_INPUT ? 1 : expectedFiles;
        long files = watch ? summary.filesStarted() : expected;
        if (summary.interrupted() && (!watch || summary.filesUnfinished() > 0)) {
            out.println("Processing interrupted: " + summary.filesDone() + " of " + files
                    + " file(s) shipped completely");
            return ExitCode.INTERRUPTED;
        }
        if (summary.filesFailed() > 0 || (!watch && summary.filesDone() < expected)) {
            out.println("Processing failed: " + (watch ? summary.filesFailed() : expected - summary.filesDone())
                    + " of " + files + " file(s) not shipped completely");
            return ExitCode.FAILED;
        }
        if (summary.linesRejected() > 0) {
            out.println("Processing complete, but " + String.format("%,d", summary.linesRejected())
                    + " line(s) went to the dead letters (" + deadLetters + ")");
            return ExitCode.DEAD_LETTERS;
        }
        // a watcher stopped between files: a service stop, not a failure
        out.println(summary.interrupted() ? "Processing stopped: " + summary.filesDone() + " of " + files
                + " file(s) shipped completely" : "Processing complete");
        return ExitCode.OK;
    }
}
