package dev.log2kafka.progress;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressTest {

    private static ProgressEvent tick(long bytesRead, long bytesTotal, long sent, long rate, long elapsedSeconds) {
        return new ProgressEvent(ProgressEvent.Type.PROGRESS, new RunCounters.Snapshot(1, 0, 0, 0, 0, sent, sent, 0,
                0, bytesRead, bytesRead, bytesTotal, elapsedSeconds * 1_000_000_000L, false), null, rate);
    }

    @Test
    void theLineShowsPercentCountsRateAndEtaLikeTheOriginalTool() {
        assertEquals("Progress: 42% (103,000,000/245,062,297 bytes) - 1,234,567 lines - 635,758 lines/s - ETA 2m17s",
                ConsoleProgress.line(tick(103_000_000, 245_062_297, 1_234_567, 635_758, 100)));
    }

    @Test
    void withoutAKnownSizeTheLineShowsCountsAndRateOnly() {
        assertEquals("Progress: 5,000 lines - 2,500 lines/s", ConsoleProgress.line(tick(700_000, 0, 5_000, 2_500, 2)));
    }

    @Test
    void onATerminalTheLineIsRewrittenInPlace() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress console = new ConsoleProgress(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                Duration.ofSeconds(10));
        console.onProgress(tick(10, 100, 1_000, 1_000, 1));
        console.onProgress(tick(50, 100, 5_000, 4_000, 2));
        String shown = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\rProgress: 10% "), shown);
        assertTrue(shown.contains("\rProgress: 50% "), shown);
        assertEquals(-1, shown.indexOf('\n'), "no new line while running");
    }
}
