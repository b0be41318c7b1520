package dev.log2kafka;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.delivery.Checkpoints;
import dev.log2kafka.kafka.EmbeddedKafka;
import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Crashes and outages lose no line: a run killed with SIGKILL resumes from its checkpoint, a broker that goes away
 * and comes back is waited for, a broker that does not come back fails the run without marking the file done.
 * Each test has a broker of its own, as some stop it.
 */
class NoLineLostIT {

    private final EmbeddedKafka broker = new EmbeddedKafka();

    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() {
        broker.start();
    }

    @AfterEach
    void stopBroker() {
        broker.stop();
    }

    @Test
    void aRunKilledWithSigkillMidFileResumesFromItsCheckpointLosingNoLineAndRepeatingFew() throws Exception {
        int lineCount = 2_000_000;
        EduroamLog.write(dir.resolve("big.log"), lineCount, 11);
        Run.clientProperties(dir, broker.bootstrapServers());
        String topic = Topics.unique("killed");
        String[] args = {"--files", dir + "/big.log", "--topic", topic, "--state-dir", dir + "/state"};

        Process first = Run.jarProcess(dir, args).redirectErrorStream(true)
                .redirectOutput(dir.resolve("first.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic) > 100_000);
        // the jar's launcher and the JVM it started for log2kafka: kill the launcher, the other one follows
        List<ProcessHandle> jvms = new ArrayList<>(first.descendants().toList());
        first.destroyForcibly();
        assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        for (ProcessHandle jvm : jvms) {
            jvm.onExit().get(30, TimeUnit.SECONDS);
        }
        long beforeRerun = Topics.endOffsetSum(broker.bootstrapServers(), topic);
        assertTrue(beforeRerun < lineCount, "killed too late to prove anything: " + beforeRerun);

        Run second = Run.jar(dir, args);

        assertEquals(0, second.exitCode(), second.out() + second.err());
        assertTrue(second.err().contains("Resuming " + dir + "/big.log at line "), second.err());
        List<byte[]> records = Topics.values(broker.bootstrapServers(), topic);
        int duplicates = records.size() - lineCount;
        System.out.printf("SIGKILL after %,d records; the rerun repeated %,d lines%n", beforeRerun, duplicates);
        assertTrue(duplicates >= 0, "lines are missing: " + records.size());
        // One partition, one sender thread: the topic is the file's lines up to the kill, then again from the
        // checkpoint to the end. So every line is there, in order, and the repeated ones are one run of lines.
        int resumedAt = lineCount - (records.size() - (int) beforeRerun);
        assertRecordsAre(dir.resolve("big.log"), records, (int) beforeRerun, resumedAt);
        assertTrue(duplicates <= 200_000, "more lines repeated than the documented bound: " + duplicates);
    }

    @Test
    void aBrokerStoppedForFifteenSecondsMidRunIsWaitedForAndEveryLineArrivesOnce() throws Exception {
        int lineCount = 1_000_000;
        EduroamLog.write(dir.resolve("outage.log"), lineCount, 12);
        String topic = Topics.unique("outage");
        Path config = Run.clientProperties(dir, broker.bootstrapServers());
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.inProcess("--files",
                dir + "/outage.log", "--topic", topic, "--kafka-config", config.toString(), "--state-dir",
                dir + "/state", "--batch-size", "200"));

        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic) > 0);
        broker.stopKeepingData();
        // the outage itself, not a wait for asynchronous work (a longer one, past the request timeout, is ServiceIT's)
        Thread.sleep(15_000);
        assertTrue(!run.isDone(), "the run ended while the broker was down: " + (run.isDone() ? run.get().out() : ""));
        broker.startAgain();

        Run finished = run.get(5, TimeUnit.MINUTES);
        assertEquals(0, finished.exitCode(), finished.out() + finished.err());
        assertRecordsAre(dir.resolve("outage.log"), Topics.values(broker.bootstrapServers(), topic), lineCount,
                lineCount);
    }

    @Test
    void aBrokerThatNeverComesBackFailsTheRunWithoutMarkingTheFileDoneAndARerunResumes() throws Exception {
        int lineCount = 1_000_000;
        EduroamLog.write(dir.resolve("gone.log"), lineCount, 13);
        String topic = Topics.unique("gone");
        Path config = Run.clientProperties(dir, broker.bootstrapServers(), "delivery.timeout.ms=6000",
                "request.timeout.ms=2000", "max.block.ms=4000", "linger.ms=5");
        String[] args = {"--files", dir + "/gone.log", "--topic", topic, "--kafka-config", config.toString(),
            "--state-dir", dir + "/state", "--batch-size", "200"};
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.inProcess(args));

        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic) > 0);
        long stoppedAt = System.nanoTime();
        broker.stopKeepingData();

        Run failed = run.get(2, TimeUnit.MINUTES);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stoppedAt);
        assertEquals(ExitCode.FAILED.code(), failed.exitCode(), failed.out() + failed.err());
        assertTrue(failed.out().contains("Files: 1 (0 done, 1 failed)"), failed.out());
        assertTrue(seconds < 60, "the run took " + seconds + " s to give up on a broker that was gone");
        Checkpoints.Checkpoint checkpoint;
        try (var files = Files.list(dir.resolve("state"))) {
            checkpoint = Checkpoints.read(files.filter(f -> f.toString().endsWith(".checkpoint")).findFirst()
                    .orElseThrow());
        }
        assertTrue(checkpoint != null && !checkpoint.complete() && checkpoint.lines() < lineCount,
                "checkpoint: " + checkpoint);

        broker.startAgain();
        Run rerun = Run.inProcess(args);
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        List<byte[]> records = Topics.values(broker.bootstrapServers(), topic);
        assertTrue(records.size() >= lineCount, "lines are missing: " + records.size());
        // Lines written by the broker whose acknowledgement was lost with it come again after the checkpoint.
        int upTo = records.size() - (lineCount - (int) checkpoint.lines());
        System.out.printf("broker gone: checkpoint at line %,d, %,d lines were in the topic beyond it%n",
                checkpoint.lines(), upTo - checkpoint.lines());
        assertRecordsAre(dir.resolve("gone.log"), records, upTo, (int) checkpoint.lines());
    }

    /**
     * SIGTERM with the broker stalled, to the process a user starts (the jar's launcher, which passes it on): the run
     * ends within --stop-timeout, saying so, and a rerun loses nothing.
     */
    @Test
    void sigtermWhileTheBrokerIsStalledEndsTheRunWithinTheStopTimeoutAndARerunLosesNothing() throws Exception {
        int lineCount = 1_000_000;
        EduroamLog.write(dir.resolve("stalled.log"), lineCount, 14);
        Run.clientProperties(dir, broker.bootstrapServers());
        String topic = Topics.unique("stalled");
        String[] args = {"--files", dir + "/stalled.log", "--topic", topic, "--state-dir", dir + "/state",
            "--batch-size", "200", "--stop-timeout", "5"};
        ProcessBuilder launcher = Run.launcherProcess(dir, args).redirectErrorStream(true)
                .redirectOutput(dir.resolve("first.txt").toFile());
        launcher.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process first = launcher.start();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic) > 0);
        broker.stopKeepingData();

        long signalled = System.nanoTime();
        first.destroy();
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "still running 60 s after SIGTERM");
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - signalled);
        String printed = Files.readString(dir.resolve("first.txt"));
        assertEquals(ExitCode.INTERRUPTED.code(), first.exitValue(), printed);
        // what it printed last says where the time went (twice it took 50 s in a whole suite, never alone)
        assertTrue(seconds <= 8, "SIGTERM took " + seconds + " s with --stop-timeout 5; it printed, last:\n"
                + printed.substring(Math.max(0, printed.length() - 4000)));
        assertTrue(printed.contains("Stopped after 5 s without the acknowledgements of the lines in flight"), printed);
        assertTrue(printed.contains("Processing interrupted: 0 of 1 file(s) shipped completely"), printed);
        assertTrue(printed.contains("Checkpoints: current"), printed);
        System.out.printf("SIGTERM with the broker stalled: ended after %d s%n", seconds);

        broker.startAgain();
        long beforeRerun = Topics.endOffsetSum(broker.bootstrapServers(), topic);
        Run second = Run.jar(dir, args);
        assertEquals(0, second.exitCode(), second.out() + second.err());
        List<byte[]> records = Topics.values(broker.bootstrapServers(), topic);
        assertRecordsAre(dir.resolve("stalled.log"), records, (int) beforeRerun,
                lineCount - (records.size() - (int) beforeRerun));
    }

    /**
     * Asserts the topic holds the file's first {@code upTo} lines, then its lines from {@code resumedAt} (counted
     * from 0) to the end, byte for byte.
     */
    private static void assertRecordsAre(Path file, List<byte[]> records, int upTo, int resumedAt) throws Exception {
        List<byte[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
            lines.add(line.getBytes(StandardCharsets.ISO_8859_1));
        }
        List<byte[]> expected = new ArrayList<>(lines.subList(0, upTo));
        expected.addAll(lines.subList(resumedAt, lines.size()));
        if (records.size() != expected.size()) {
            throw new AssertionError("expected " + expected.size() + " records, found " + records.size());
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!Arrays.equals(expected.get(i), records.get(i))) {
                assertArrayEquals(expected.get(i), records.get(i), "record " + i);
            }
        }
    }
}
