package dev.log2kafka.progress;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.log2kafka.source.Line;
import dev.log2kafka.source.LineBatch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The stall watch on a clock the test moves: no sleeping, and a clock set back is a case like any other. */
class StallWatchTest {

    private final AtomicLong clock = new AtomicLong(TimeUnit.HOURS.toNanos(5));
    private final Map<String, Long> behind = new HashMap<>();
    private final RunCounters counters = new RunCounters();
    private final StallWatch watch = new StallWatch(() -> behind, counters, Duration.ofSeconds(120), clock::get);

    @Test
    void bytesBehindWithNoLineAcknowledgedWarnAfterThirtySecondsAndAreDownAfterTheTimeout() {
        behind.put("/var/log/app.log", 4_096L);
        look(29);
        assertFalse(watch.stalled());
        look(1);
        assertTrue(watch.stalled());
        assertFalse(watch.down());
        look(89);
        assertFalse(watch.down());
        look(1);
        assertTrue(watch.down());
        assertEquals(120, watch.stalledSeconds());

        acknowledge(10);
        look(1);
        assertFalse(watch.stalled());
        assertFalse(watch.down());
        assertEquals(0, watch.stalledSeconds());
    }

    @Test
    void aQuietFollowerWithNothingBehindIsNeverStalled() {
        behind.put("/var/log/app.log", 0L);
        look(3_600);
        assertFalse(watch.stalled());
    }

    @Test
    void linesAcknowledgedEveryFewSecondsAreProgressEvenWithBytesBehind() {
        behind.put("/var/log/app.log", 1_000_000L);
        for (int i = 0; i < 100; i++) {
            acknowledge(1);
            look(20);
        }
        assertFalse(watch.stalled());
    }

    @Test
    void aShorterStallTimeoutWarnsAndIsDownAtOnce() {
        StallWatch quick = new StallWatch(() -> behind, counters, Duration.ofSeconds(10), clock::get);
        behind.put("/var/log/app.log", 1L);
        quick.check();
        clock.addAndGet(TimeUnit.SECONDS.toNanos(10));
        quick.check();
        assertTrue(quick.stalled());
        assertTrue(quick.down());
    }

    @Test
    void aClockSetBackIsNeitherAStallNorAnEndOfOne() {
        behind.put("/var/log/app.log", 1L);
        look(0);
        look(-600);
        assertFalse(watch.stalled());
        look(600 + 30);
        assertTrue(watch.stalled());
        look(-3_600);
        assertTrue(watch.stalled(), "no line was acknowledged: still stalled");
    }

    private void look(long seconds) {
        clock.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
        watch.check();
    }

    private void acknowledge(int lines) {
        counters.acknowledged(new LineBatch("/var/log/app.log", 1, lines, 0, 0, lines, lines, lines, new byte[0],
                new Line[0], 0));
    }
}
