package dev.log2kafka.progress;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follow mode: notices a follower that makes no progress while its files hold bytes it has not shipped, whatever the
 * cause (a read that hangs, Kafka down or paused, a bug), so that it never stops silently. Progress is a line
 * acknowledged by Kafka, or nothing left to ship. After {@value #WARN_SECONDS} s without it (or the stall timeout, if
 * shorter) a warning names each file and its bytes behind, and {@link #stalled()} turns true (the
 * `log2kafka_follow_stalled` gauge); after the stall timeout {@link #down()} does (the health check, so that systemd or
 * Kubernetes restarts the follower). Once lines flow again, a line says so and both turn false.
 * <p>
 * {@link #check()} runs every second on a thread of its own, never on the path of a line. Time is the clock it is
 * given (monotonic: a wall clock set back changes nothing).
 */
public final class StallWatch {

    static final long WARN_SECONDS = 30;
    private static final Logger LOG = LoggerFactory.getLogger(StallWatch.class);

    private final Supplier<Map<String, Long>> bytesBehind;
    private final RunCounters counters;
    private final long timeoutNanos;
    /** {@value #WARN_SECONDS} s, or the timeout if that is shorter. */
    private final long warnNanos;
    private final LongSupplier nanoClock;
    private long progressNanos;
    private long acknowledged;
    private boolean warned;

    /**
     * @param bytesBehind for each followed file, its bytes not acknowledged yet
     * @param timeout     how long a stall lasts before {@link #down()}
     * @param nanoClock   a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public StallWatch(Supplier<Map<String, Long>> bytesBehind, RunCounters counters, Duration timeout,
            LongSupplier nanoClock) {
        this.bytesBehind = bytesBehind;
        this.counters = counters;
        this.timeoutNanos = timeout.toNanos();
        this.warnNanos = Math.min(TimeUnit.SECONDS.toNanos(WARN_SECONDS), timeoutNanos);
        this.nanoClock = nanoClock;
        this.progressNanos = nanoClock.getAsLong();
        this.acknowledged = acknowledged(counters.snapshot());
    }

    /** Looks whether the follower made progress since the last look; warns once a stall has lasted long enough. */
    public synchronized void check() {
        long now = nanoClock.getAsLong();
        Map<String, Long> behind = new TreeMap<>(bytesBehind.get());
        behind.values().removeIf(bytes -> bytes <= 0);
        long acknowledgedNow = acknowledged(counters.snapshot());
        if (behind.isEmpty() || acknowledgedNow != acknowledged) {
            acknowledged = acknowledgedNow;
            progressNanos = now;
            if (warned) {
                warned = false;
                LOG.info("Lines are acknowledged again: the follower is no longer stalled");
            }
            return;
        }
        long stalledSeconds = TimeUnit.NANOSECONDS.toSeconds(now - progressNanos);
        if (!warned && now - progressNanos >= warnNanos) {
            warned = true;
            behind.forEach((file, bytes) -> LOG.atWarn().addKeyValue("file", file).log("{} has {} bytes not shipped,"
                    + " and no line has been acknowledged for {} s: the follower is stalled (is Kafka down or"
                    + " paused?); health turns DOWN after {} s", file, bytes, stalledSeconds,
                    TimeUnit.NANOSECONDS.toSeconds(timeoutNanos)));
        }
    }

    /** Lines Kafka answered for: acknowledged, or refused into the dead letters. */
    private static long acknowledged(RunCounters.Snapshot counts) {
        return counts.linesSent() + counts.linesRejected();
    }

    /** Whether the follower has been stalled long enough to be warned about, as of the last look. */
    public synchronized boolean stalled() {
        return warned;
    }

    /** Whether the follower has been stalled for the stall timeout or more, as of the last look. */
    public synchronized boolean down() {
        return warned && nanoClock.getAsLong() - progressNanos >= timeoutNanos;
    }

    /** Seconds since the follower last made progress while it had bytes to ship; 0 when it is not stalled. */
    public synchronized long stalledSeconds() {
        return warned ? TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - progressNanos) : 0;
    }
}
