package dev.log2kafka;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * --exactly-once: lines and checkpoints in Kafka transactions. What a consumer reading with
 * isolation.level=read_committed sees is every line once, whatever was killed when.
 */
class ExactlyOnceIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    /**
     * Three runs killed with SIGKILL at different points (the last transaction of each left open), then a run to the
     * end: the committed records are the file's lines, in order, each once.
     */
    @Test
    void runsKilledWithSigkillThenARerunShipEveryLineExactlyOnce() throws Exception {
        int lineCount = 1_500_000;
        Path file = dir.resolve("big.log");
        EduroamLog.write(file, lineCount, 21);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("exactly-once");
        String[] args = {"--files", file.toString(), "--topic", topic, "--state-dir", dir + "/state",
            "--exactly-once", "--transaction-lines", "50000"};

        List<Long> killedAt = new ArrayList<>();
        for (long records : List.of(100_000L, 700_000L, 1_300_000L)) {
            Process run = Run.jarProcess(dir, args).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("killed.txt").toFile()).start();
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > records || !run.isAlive());
            assertTrue(run.isAlive(), "the run ended before it was killed: " + Files.readString(dir.resolve(
                    "killed.txt")));
            killTree(run);
            killedAt.add(Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
        }

        Run last = Run.jar(dir, args);

        assertEquals(ExitCode.OK.code(), last.exitCode(), last.out() + last.err());
        assertTrue(last.err().contains("Resuming " + file + " at line "), last.err());
        long written = Topics.endOffsetSum(BROKER.bootstrapServers(), topic);
        List<byte[]> committed = Topics.committedValues(BROKER.bootstrapServers(), topic);
        System.out.printf("exactly once: SIGKILL at %s offsets; %,d offsets written in all (aborted records and"
                + " markers included); %,d records committed for %,d lines%n", killedAt, written, committed.size(),
                lineCount);
        assertTrue(written > lineCount, "nothing was aborted, so nothing was proved: " + written);
        assertLinesOfFile(file, committed);
    }

    /**
     * Two runs with one transactional id: the second one's start fences the first (a follower here), whose next
     * transaction fails; it stops with one sentence and exit code 6, and what it was sending is aborted.
     */
    @Test
    void ofTwoRunsWithOneTransactionalIdTheFirstStopsWhenTheSecondStarts() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("fenced");
        Path followed = dir.resolve("followed.log");
        Files.write(followed, List.of("followed 1", "followed 2"));
        Files.write(dir.resolve("other.log"), List.of("other 1", "other 2"));
        String id = "shared-" + topic;
        Path out = dir.resolve("first.txt");
        Process first = Run.jarProcess(dir, "--follow", "--files", followed.toString(), "--topic", topic,
                "--state-dir", dir + "/state-1", "--exactly-once", "--transactional-id", id).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.committedValues(BROKER.bootstrapServers(),
                    topic).size() == 2);

            Run second = Run.jar(dir, "--files", dir + "/other.log", "--topic", topic, "--state-dir",
                    dir + "/state-2", "--exactly-once", "--transactional-id", id);
            Files.write(followed, List.of("followed 3"), java.nio.file.StandardOpenOption.APPEND);

            assertEquals(ExitCode.OK.code(), second.exitCode(), second.out() + second.err());
            assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the fenced run still runs: " + Files.readString(out));
            String printed = Files.readString(out);
            assertEquals(ExitCode.FENCED.code(), first.exitValue(), printed);
            assertTrue(printed.contains("Another log2kafka with the same transactional id started, and took over"),
                    printed);
        } finally {
            killTree(first);
        }
        assertEquals(List.of("followed 1", "followed 2", "other 1", "other 2"),
                OneShotIT.strings(Topics.committedValues(BROKER.bootstrapServers(), topic)));
    }

    /** The broker stopped for 10 s in the middle of a run: the run waits, ends with exit 0, every line once. */
    @Test
    void aBrokerStoppedForTenSecondsMidRunIsWaitedForAndEveryLineIsCommittedOnce() throws Exception {
        EmbeddedKafka broker = new EmbeddedKafka();
        broker.start();
        try {
            int lineCount = 1_000_000;
            Path file = dir.resolve("outage.log");
            EduroamLog.write(file, lineCount, 22);
            String topic = Topics.unique("outage-exactly-once");
            Path config = Run.clientProperties(dir, broker.bootstrapServers());
            CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> Run.inProcess("--files", file.toString(),
                    "--topic", topic, "--kafka-config", config.toString(), "--state-dir", dir + "/state",
                    "--batch-size", "200", "--exactly-once", "--transaction-lines", "20000"));

            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic)
                    > 0);
            broker.stopKeepingData();
            Thread.sleep(10_000); // the outage itself, not a wait for asynchronous work
            assertTrue(!run.isDone(), "the run ended while the broker was down: "
                    + (run.isDone() ? run.get().out() + run.get().err() : ""));
            broker.startAgain();

            Run finished = run.get(5, TimeUnit.MINUTES);
            assertEquals(ExitCode.OK.code(), finished.exitCode(), finished.out() + finished.err());
            assertLinesOfFile(file, Topics.committedValues(broker.bootstrapServers(), topic));
        } finally {
            broker.stop();
        }
    }

    /**
     * Dead letters to a topic are records of the transaction that holds their line: after a SIGKILL and a rerun, a
     * read_committed consumer sees each line too long for the topic once in the dead-letter topic, and every other
     * line once in the topic.
     */
    @Test
    void deadLettersToATopicAreInTheTransactionsAndArriveOnceAfterASigkill() throws Exception {
        String topic = Topics.unique("small-records-exactly-once");
        String deadLetterTopic = topic + "-dead";
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2000"));
        Random random = new Random(5);
        List<String> lines = new ArrayList<>();
        List<String> tooLong = new ArrayList<>();
        for (int i = 1; i <= 200_000; i++) {
            if (i % 20_000 == 0) {
                tooLong.add(i + " " + HardeningIT.incompressible(random, 3_000));
                lines.add(tooLong.get(tooLong.size() - 1));
            } else {
                lines.add(EduroamLog.line(i, 23));
            }
        }
        Path file = Files.write(dir.resolve("mixed.log"), lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String[] args = {"--files", file.toString(), "--topic", topic, "--state-dir", dir + "/state",
            "--exactly-once", "--transaction-lines", "50000", "--dead-letters", "kafka:" + deadLetterTopic};

        Process killed = Run.jarProcess(dir, args).redirectErrorStream(true)
                .redirectOutput(dir.resolve("killed.txt").toFile()).start();
        // past the first transaction (50,000 lines, two dead letters), in the middle of the second
        await().atMost(Duration.ofSeconds(90)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                > 65_000 || !killed.isAlive());
        assertTrue(killed.isAlive(), "ended before it was killed: " + Files.readString(dir.resolve("killed.txt")));
        killTree(killed);
        Run rerun = Run.jar(dir, args);

        assertEquals(ExitCode.DEAD_LETTERS.code(), rerun.exitCode(), rerun.out() + rerun.err());
        List<String> shipped = OneShotIT.strings(Topics.committedValues(BROKER.bootstrapServers(), topic));
        List<String> expected = new ArrayList<>(lines);
        expected.removeAll(tooLong);
        assertEquals(expected.size(), shipped.size(), "records in " + topic);
        assertEquals(expected, shipped);
        List<String> deadLetters = OneShotIT.strings(Topics.committedValues(BROKER.bootstrapServers(),
                deadLetterTopic));
        assertEquals(tooLong.size(), deadLetters.size(), "dead letters: " + deadLetters.stream()
                .map(d -> d.substring(0, d.indexOf('\t', d.indexOf('\t') + 1))).toList());
        for (int i = 0; i < tooLong.size(); i++) {
            assertTrue(deadLetters.get(i).startsWith(file + "\t" + (i + 1) * 20_000 + "\tline of ")
                    && deadLetters.get(i).endsWith("\t" + tooLong.get(i) + "\n"), deadLetters.get(i));
        }
    }

    /**
     * A follower whose transaction Kafka refuses: the topic's max.message.bytes is lowered to 2,000 under it (log2kafka
     * checked 1 MB at its start), and a 4,000-byte line is appended. The transaction is aborted, the producer kept,
     * and the file is read again from its last committed checkpoint at each tick; once the topic's limit is back,
     * every line is committed once.
     */
    @Test
    void aFollowerWhoseTransactionFailsGoesOnFromItsLastCommittedTransaction() throws Exception {
        // producer batches under the topic's lowered limit: the Java client splits too large ones by batch.size
        Run.clientProperties(dir, BROKER.bootstrapServers(), "batch.size=1500");
        String topic = Topics.unique("follow-refused-exactly-once");
        Topics.create(BROKER.bootstrapServers(), topic, 1);
        Path followed = dir.resolve("app.log");
        List<String> lines = new ArrayList<>(java.util.stream.IntStream.rangeClosed(1, 300).mapToObj(i -> "line "
                + i).toList());
        lines.set(149, "line 150 " + HardeningIT.incompressible(new Random(9), 3_000));
        Files.write(followed, lines.subList(0, 100));
        Path out = dir.resolve("follower.txt");
        Process follower = Run.jarProcess(dir, "--follow", "--files", followed.toString(), "--topic", topic,
                "--state-dir", dir + "/state", "--exactly-once").redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        try {
            awaitOrSay(() -> Topics.committedValues(BROKER.bootstrapServers(), topic).size() == 100, out);
            Topics.alter(BROKER.bootstrapServers(), topic, "max.message.bytes", "2000");
            Files.write(followed, lines.subList(100, 200), java.nio.file.StandardOpenOption.APPEND);
            awaitOrSay(() -> Files.readString(out).contains("was not shipped (it is read again from its checkpoint)"),
                    out);
            assertEquals(100, Topics.committedValues(BROKER.bootstrapServers(), topic).size());
            Topics.alter(BROKER.bootstrapServers(), topic, "max.message.bytes", null);
            Files.write(followed, lines.subList(200, 300), java.nio.file.StandardOpenOption.APPEND);

            awaitOrSay(() -> Topics.committedValues(BROKER.bootstrapServers(), topic).size() >= 300, out);
            Thread.sleep(1000); // more than one follow tick: nothing else arrives
            assertTrue(follower.isAlive(), Files.readString(out));
        } finally {
            killTree(follower);
        }
        assertEquals(lines, OneShotIT.strings(Topics.committedValues(BROKER.bootstrapServers(), topic)));
    }

    @Test
    void standardInputAndDeadLettersToAnotherProducerAreRefusedWithASentence() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        Files.write(dir.resolve("a.log"), List.of("a"));

        Run standardInput = Run.jar(dir, "--files", "-", "--exactly-once");
        Run deadLetters = Run.jar(dir, "--files", dir + "/a.log", "--exactly-once", "--dead-letters",
                "kafka:dead?brokers=elsewhere:9092");

        assertEquals(ExitCode.BAD_SETTINGS.code(), standardInput.exitCode(), standardInput.out() + standardInput.err());
        assertTrue(standardInput.err().contains("Standard input (--files -) cannot be shipped exactly once"),
                standardInput.err());
        assertEquals(ExitCode.BAD_SETTINGS.code(), deadLetters.exitCode(), deadLetters.out() + deadLetters.err());
        assertTrue(deadLetters.err().contains("With --exactly-once, --dead-letters kafka:dead?brokers=elsewhere:9092"
                + " must be kafka:TOPIC without options"), deadLetters.err());
    }

    private static void awaitOrSay(java.util.concurrent.Callable<Boolean> condition, Path out) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(60)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("still waiting after 60 s: " + Files.readString(out), e);
        }
    }

    /** The jar's launcher and the JVM it started for log2kafka, killed with SIGKILL. */
    static void killTree(Process launcher) throws Exception {
        List<ProcessHandle> jvms = new ArrayList<>(launcher.descendants().toList());
        launcher.destroyForcibly();
        for (ProcessHandle jvm : jvms) {
            jvm.destroyForcibly();
            jvm.onExit().get(30, TimeUnit.SECONDS);
        }
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
    }

    /** The records are the file's lines, in order, each once, byte for byte. */
    static void assertLinesOfFile(Path file, List<byte[]> records) throws Exception {
        int index = 0;
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.ISO_8859_1)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine(), index++) {
                if (index >= records.size()) {
                    throw new AssertionError("only " + records.size() + " records: line " + (index + 1)
                            + " is missing");
                }
                byte[] expected = line.getBytes(StandardCharsets.ISO_8859_1);
                if (!Arrays.equals(expected, records.get(index))) {
                    throw new AssertionError("record " + index + " is not line " + (index + 1) + ": "
                            + new String(records.get(index), StandardCharsets.ISO_8859_1));
                }
            }
        }
        assertEquals(index, records.size(), "records after the last line: some lines were repeated");
    }
}
