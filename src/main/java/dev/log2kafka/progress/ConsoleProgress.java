package dev.log2kafka.progress;

import java.io.PrintStream;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows progress the way the original tool did. On a terminal: one line, rewritten in place at every tick,
 * `Progress: 42% (102,907,116/245,062,297 bytes) - 1,234,567 lines - 635,758 lines/s - ETA 3m43s`. Elsewhere (CI, a
 * pipe): the same line in the log every {@code logEvery}, and a log line per file.
 */
public final class ConsoleProgress implements ProgressListener {

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);

    private final PrintStream terminal;
    private final long logEveryNanos;
    private long lastLogNanos = System.nanoTime();
    private int lastLength;

    /**
     * @param terminal where the live line goes, or null when output is not a terminal
     * @param logEvery how often to log progress when there is no terminal
     */
    public ConsoleProgress(PrintStream terminal, Duration logEvery) {
        this.terminal = terminal;
        this.logEveryNanos = logEvery.toNanos();
    }

    @Override
    public synchronized void onProgress(ProgressEvent event) {
        switch (event.type()) {
            case PROGRESS -> {
                if (terminal != null) {
                    String line = line(event);
                    terminal.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
                    terminal.flush();
                    lastLength = line.length();
                } else if (System.nanoTime() - lastLogNanos >= logEveryNanos) {
                    lastLogNanos = System.nanoTime();
                    LOG.info(line(event));
                }
            }
            case FILE_STARTED -> {
                if (terminal == null) {
                    LOG.atInfo().addKeyValue("file", event.file().source())
                            .log("Shipping {} ({})", event.file().source(),
                            event.file().size() < 0 ? "size unknown" : String.format("%,d bytes", event.file().size()));
                }
            }
            case FILE_DONE, FILE_FAILED -> {
                if (terminal == null) {
                    RunCounters.FileSnapshot f = event.file();
                    LOG.atInfo().addKeyValue("file", f.source()).log("{} {}: {} lines sent, {} rejected, in {}",
                            event.type() == ProgressEvent.Type.FILE_DONE ? "Done" : "Failed", f.source(),
                                    String.format("%,d", f.linesSent()),
                            String.format("%,d", f.linesRejected()), duration(Duration.ofNanos(f.elapsedNanos())));
                }
            }
            case FINISHED -> {
                if (terminal != null && lastLength > 0) {
                    // leave the last live line standing, as the original did, and end it
                    terminal.println("\r" + line(event) + " ".repeat(Math.max(0, lastLength - line(event).length())));
                    lastLength = 0;
                }
            }
        }
    }

    /** The progress line of an event. */
    public static String line(ProgressEvent event) {
        RunCounters.Snapshot total = event.total();
        StringBuilder sb = new StringBuilder("Progress: ");
        int percent = event.type() == ProgressEvent.Type.FINISHED && !total.interrupted() && total.filesFailed() == 0
                && total.bytesTotal() > 0 ? 100 : event.percent();
        if (percent >= 0) {
            sb.append(percent).append("% (").append(String.format("%,d/%,d bytes", total.bytesRead(),
                    total.bytesTotal())).append(") - ");
        }
        sb.append(String.format("%,d lines - ", total.linesSent()));
        long rate = event.type() == ProgressEvent.Type.FINISHED ? total.linesPerSecond() : event.linesPerSecondNow();
        sb.append(String.format("%,d lines/s", rate));
        Duration eta = event.eta();
        if (eta != null && event.type() != ProgressEvent.Type.FINISHED) {
            sb.append(" - ETA ").append(duration(eta));
        }
        return sb.toString();
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        if (s >= 3600) {
            return String.format("%dh%02dm%02ds", s / 3600, s / 60 % 60, s % 60);
        }
        if (s >= 60) {
            return String.format("%dm%02ds", s / 60, s % 60);
        }
        return String.format("%.1fs", d.toMillis() / 1000.0);
    }
}
