package dev.log2kafka;

import java.io.PrintStream;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.SourceMode;

/** The end of a run: the summary, the closing line (`Processing complete`, ...) and the exit code they stand for. */
final class RunReport {

    private RunReport() {
    }

    /**
     * @param expectedFiles the files a one-shot run set out to ship
     * @param deadLetters   where rejected lines went, for the closing line
     */
    static ExitCode print(RunCounters.Snapshot summary, SourceMode mode, int expectedFiles, String deadLetters,
            PrintStream out) {
        out.print(summary.summary());
        boolean watch = mode == SourceMode.WATCH;
        int expected = mode == SourceMode.STANDARD_INPUT ? 1 : expectedFiles;
        long files = watch ? summary.filesStarted() : expected;
        if (summary.interrupted()) {
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
        out.println("Processing complete");
        return ExitCode.OK;
    }
}
