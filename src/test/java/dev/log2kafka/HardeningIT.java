package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.kafka.EmbeddedKafka;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a hostile-but-realistic operator tries: each ends with the lines shipped, or one sentence and an exit code. */
class HardeningIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    /** The usual production setting: the cluster does not create topics. The check before the run names it. */
    @Test
    void aTopicThatDoesNotExistOnAClusterThatCreatesNoneIsNamedBeforeAnythingIsRead() throws Exception {
        EmbeddedKafka strict = new EmbeddedKafka(Map.of("auto.create.topics.enable", "false"), List.of());
        strict.start();
        try {
            Files.write(dir.resolve("a.log"), List.of("a"));
            Run.clientProperties(dir, strict.bootstrapServers());
            long start = System.nanoTime();

            Run run = Run.jar(dir, "--files", dir + "/a.log", "--topic", "missing", "--connect-timeout", "10");

            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains("Topic missing does not exist at " + strict.bootstrapServers()
                    + ", and the cluster does not create topics (auto.create.topics.enable=false)"), run.err());
            assertTrue(seconds < 30, "took " + seconds + " s");
            assertFalse(run.out().contains("Shipping 1 file"), run.out());
        } finally {
            strict.stop();
        }
    }

    /** A compacted topic takes only records with a key: every line would be refused, so the check names it. */
    @Test
    void aCompactedTopicIsNamedBeforeAnythingIsRead() throws Exception {
        String topic = Topics.unique("compacted");
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("cleanup.policy", "compact"));
        Files.write(dir.resolve("a.log"), List.of("a", "b"));
        Run.clientProperties(dir, BROKER.bootstrapServers());

        Run run = Run.jar(dir, "--files", dir + "/a.log", "--topic", topic);

        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("Topic " + topic + " at " + BROKER.bootstrapServers() + " is compacted"
                + " (cleanup.policy=compact): Kafka takes only records with a key there, and log2kafka sends each line"
                + " without one; ship to a topic that is not compacted."), run.err());
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /**
     * An OutOfMemoryError (a batch of long lines larger than the heap the user gave): the run ends within seconds with
     * a sentence that names the error and its thread, instead of living on doing nothing; a rerun with room ships every
     * line.
     */
    @Test
    void anOutOfMemoryErrorEndsTheRunWithinSecondsNamingItsThreadAndARerunShipsEveryLine() throws Exception {
        String topic = Topics.unique("out-of-memory");
        Path file = dir.resolve("long-lines.log");
        List<String> lines = new ArrayList<>();
        Random random = new Random(7);
        for (int i = 0; i < 400; i++) {
            lines.add(i + " " + incompressible(random, 250_000));
        }
        Files.write(file, lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String[] args = {"--files", file.toString(), "--topic", topic, "--state-dir", dir + "/state"};
        List<String> small = new ArrayList<>(List.of(args));
        small.addAll(List.of("--batch-size", "400"));
        long start = System.nanoTime();

        Run failed = Run.launcher(dir, Map.of("LOG2KAFKA_JAVA_OPTS", "-Xmx64m", "XDG_CACHE_HOME",
                dir.resolve("cache").toString()), small.toArray(String[]::new));

        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertEquals(ExitCode.FAILED.code(), failed.exitCode(), failed.out() + failed.err());
        assertTrue(failed.err().contains("log2kafka failed: OutOfMemoryError in thread '"), failed.err());
        assertTrue(seconds < 60, "ended " + seconds + " s after it started");

        List<String> again = new ArrayList<>(List.of(args));
        again.addAll(List.of("--batch-size", "10"));
        Run rerun = Run.jar(dir, again.toArray(String[]::new));
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertEquals(Set.copyOf(lines), Set.copyOf(OneShotIT.strings(
                Topics.values(BROKER.bootstrapServers(), topic))));
    }

    /** A checkpoint belongs to its cluster and topic: another of either ships the file whole. */
    @Test
    void aFileShippedOnceShipsWholeToAnotherTopicOrANewClusterWithTheSameStateDirectory() throws Exception {
        Files.write(dir.resolve("a.log"), List.of("1", "2", "3"));
        String topic = Topics.unique("first");
        String other = Topics.unique("other");
        EmbeddedKafka newCluster = new EmbeddedKafka();
        newCluster.start();
        try {
            Run first = ship(BROKER.bootstrapServers(), topic);
            Run again = ship(BROKER.bootstrapServers(), topic);
            Run otherTopic = ship(BROKER.bootstrapServers(), other);
            Run otherCluster = ship(newCluster.bootstrapServers(), topic);

            for (Run run : List.of(first, again, otherTopic, otherCluster)) {
                assertEquals(0, run.exitCode(), run.out() + run.err());
            }
            assertTrue(again.err().contains("was shipped completely before"), again.err());
            assertEquals(3, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
            assertEquals(3, Topics.endOffsetSum(BROKER.bootstrapServers(), other));
            assertEquals(3, Topics.endOffsetSum(newCluster.bootstrapServers(), topic));
        } finally {
            newCluster.stop();
        }
    }

    /** `**` over a link loop, a second path into a directory, a named pipe: each file once, no hang. */
    @Test
    void linkLoopsAliasesAndPipesShipEachRegularFileOnce() throws Exception {
        Path real = Files.createDirectories(dir.resolve("logs/real"));
        Files.write(real.resolve("x.log"), List.of("1", "2", "3", "4", "5", "6", "7", "8", "9", "10"));
        Files.createSymbolicLink(dir.resolve("logs/alias"), real);
        Files.createSymbolicLink(real.resolve("loop"), dir.resolve("logs"));
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("logs/pipe.log").toString()).start();
        assertEquals(0, mkfifo.waitFor());
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("links");

        Run run = Run.jar(dir, "--files", dir + "/logs/**/*.log", "--topic", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Shipping 1 file(s)"), run.out());
        assertTrue(run.err().contains("Skipping " + dir.resolve("logs/pipe.log") + ": it is not a regular file"),
                run.err());
        assertEquals(10, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /** The check before the run and the file consumer use one matcher: braces match for both. */
    @Test
    void aPatternWithBracesShipsWhatItMatches() throws Exception {
        Files.write(dir.resolve("x1.log"), List.of("x1"));
        Files.write(dir.resolve("x3.log"), List.of("x3"));
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("braces");

        Run run = Run.jar(dir, "--files", dir + "/x{1,2}.log", "--topic", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("x1"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    /**
     * A line longer than the topic takes (max.message.bytes 2000, the producer's max.request.size still 1 MB) goes
     * to the dead letters like a line over max.request.size; the rest of the file ships, and a rerun sends nothing.
     */
    @Test
    void aLineTooLongForTheTopicGoesToTheDeadLettersAndTheFileCompletes() throws Exception {
        String topic = Topics.unique("small-records");
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2000"));
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 1; i <= 5_000; i++) {
            lines.add(i == 2_500 ? incompressible(3_000) : "line " + i);
        }
        Files.write(dir.resolve("a.log"), lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String[] args = {"--files", dir + "/a.log", "--topic", topic, "--state-dir", dir + "/state"};

        Run run = Run.jar(dir, args);
        Run rerun = Run.jar(dir, args);

        assertEquals(ExitCode.DEAD_LETTERS.code(), run.exitCode(), run.out() + run.err());
        assertEquals(4_999, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
        String dead = Files.readString(dir.resolve("log2kafka-dead-letters.tsv"));
        assertTrue(dead.startsWith(dir.resolve("a.log") + "\t2500\tline of 4000 bytes is longer than the 1872 bytes"
                + " Kafka takes (max.message.bytes of topic " + topic + ")\t"), dead);
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.err().contains("was shipped completely before"), rerun.err());
        assertEquals(4_999, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /**
     * A topic that takes no record older than the moment it arrives (message.timestamp.before.max.ms=0) refuses the
     * records the producer lingered on, each for its timestamp: they go to the dead letters with the broker's reason,
     * the file completes, exit 4, and a rerun sends nothing, neither to the topic nor to the dead letters.
     */
    @Test
    void recordsTheBrokerRefusesGoToTheDeadLettersWithItsReasonAndARerunSendsNothing() throws Exception {
        String topic = Topics.unique("refusing");
        Topics.create(BROKER.bootstrapServers(), topic, 2, Map.of("message.timestamp.before.max.ms", "0"));
        List<String> lines = java.util.stream.IntStream.rangeClosed(1, 3_000).mapToObj(i -> "line " + i).toList();
        Files.write(dir.resolve("a.log"), lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String[] args = {"--files", dir + "/a.log", "--topic", topic, "--state-dir", dir + "/state"};

        Run run = Run.jar(dir, args);
        Path deadLetters = dir.resolve("log2kafka-dead-letters.tsv");
        List<String> dead = Files.readAllLines(deadLetters);
        Run rerun = Run.jar(dir, args);

        assertEquals(ExitCode.DEAD_LETTERS.code(), run.exitCode(), run.out() + run.err());
        List<String> sent = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        assertFalse(dead.isEmpty(), run.out() + run.err());
        String first = dead.get(0);
        String number = first.split("	")[1];
        assertTrue(first.startsWith(dir.resolve("a.log") + "	" + number + "	Kafka refused the record: Timestamp ")
                && first.contains("is out of range") && first.endsWith("	line " + number), first);
        System.out.printf("refused: %d lines in the topic, %d in the dead letters%n", sent.size(), dead.size());
        assertEveryLineOnce(lines, sent, dead);
        assertTrue(run.out().contains(String.format("%,d sent, %,d rejected", sent.size(), dead.size())), run.out());
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.err().contains("was shipped completely before"), rerun.err());
        assertEquals(sent.size(), Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
        assertEquals(dead, Files.readAllLines(deadLetters));
    }

    /**
     * The topic refuses records for a while in the middle of a run (its timestamp bound set to 0, then back): the
     * lines sent then go to the dead letters, those before and after are in the topic, each line in one place, once.
     * Standard input, written by the test, so that the run is in the middle when the topic changes.
     */
    @Test
    void linesRefusedInTheMiddleOfARunGoToTheDeadLettersAndTheRestShipsOnce() throws Exception {
        String topic = Topics.unique("refusing-for-a-while");
        Topics.create(BROKER.bootstrapServers(), topic, 2);
        Path out = dir.resolve("out.txt");
        Process process = shipStandardInput(topic, out);
        List<String> lines = java.util.stream.IntStream.rangeClosed(1, 6_000).mapToObj(i -> "line " + i).toList();
        Path deadLetters = dir.resolve("log2kafka-dead-letters.tsv");
        try (java.io.OutputStream pipe = process.getOutputStream()) {
            write(pipe, lines.subList(0, 2_000));
            await(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) == 2_000, out);
            Topics.alter(BROKER.bootstrapServers(), topic, "message.timestamp.before.max.ms", "0");
            write(pipe, lines.subList(2_000, 4_000));
            await(() -> Files.exists(deadLetters) && Files.readAllLines(deadLetters).size()
                    + Topics.endOffsetSum(BROKER.bootstrapServers(), topic) == 4_000, out);
            Topics.alter(BROKER.bootstrapServers(), topic, "message.timestamp.before.max.ms", null);
            write(pipe, lines.subList(4_000, 6_000));
        }
        assertEquals(ExitCode.DEAD_LETTERS.code(), exitCode(process, out));
        List<String> sent = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        List<String> dead = Files.readAllLines(deadLetters);
        System.out.printf("refused for a while: %d lines in the topic, %d in the dead letters%n", sent.size(),
                dead.size());
        assertEveryLineOnce(lines, sent, dead);
        assertTrue(dead.size() > 0 && dead.stream().allMatch(d -> d.contains("\tKafka refused the record: ")), dead
                .toString());
        assertTrue(sent.containsAll(lines.subList(0, 2_000)) && sent.containsAll(lines.subList(4_000, 6_000)));
    }

    /**
     * Kafka takes part of a batch and refuses the rest: the topic's max.message.bytes is lowered to 2,000 in the
     * middle of a run (the limit log2kafka checked at its start was 1 MB), and every tenth line is then 4,000 bytes.
     * The producer splits the batches the broker finds too large, so the short lines are acknowledged and each long
     * one is refused on its own: the long lines go to the dead letters, and the short lines of their batches are not
     * sent again.
     */
    @Test
    void linesKafkaAcknowledgedInABatchItRefusedInPartAreNotSentAgain() throws Exception {
        String topic = Topics.unique("records-getting-smaller");
        Topics.create(BROKER.bootstrapServers(), topic, 1);
        Path out = dir.resolve("out.txt");
        // producer batches below the topic's new limit: once, under load, with 256 KB batches the Java client split
        // and retried one batch after the limit dropped, endlessly, until its network thread died of a
        // StackOverflowError and the run waited for ever (a limit set before the run is fine: the test above)
        Process process = shipStandardInput(topic, out, List.of("batch.size=1500"), "--batch-size", "50");
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 1; i <= 2_000; i++) {
            lines.add(i > 1_000 && i % 10 == 0 ? i + " " + incompressible(3_000) : "line " + i);
        }
        try (java.io.OutputStream pipe = process.getOutputStream()) {
            write(pipe, lines.subList(0, 1_000));
            await(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) == 1_000, out);
            Topics.alter(BROKER.bootstrapServers(), topic, "max.message.bytes", "2000");
            write(pipe, lines.subList(1_000, 2_000));
        }
        assertEquals(ExitCode.DEAD_LETTERS.code(), exitCode(process, out));
        List<String> sent = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        List<String> dead = Files.readAllLines(dir.resolve("log2kafka-dead-letters.tsv"));
        assertEveryLineOnce(lines, sent, dead);
        assertEquals(lines.stream().filter(line -> line.startsWith("line ")).toList(), sent);
        assertEquals(100, dead.size());
        assertTrue(dead.stream().allMatch(d -> d.contains("\tKafka refused the record: The request included a message"
                + " larger than the max message size the server will accept.\t")), dead.get(0));
    }

    /** Each line is in the topic or in the dead letters (its last field), in exactly one of them, once. */
    private static void assertEveryLineOnce(List<String> lines, List<String> sent, List<String> deadLetters) {
        List<String> everywhere = new java.util.ArrayList<>(sent);
        deadLetters.forEach(d -> everywhere.add(d.substring(d.lastIndexOf('\t') + 1)));
        java.util.Collections.sort(everywhere);
        List<String> expected = new java.util.ArrayList<>(lines);
        java.util.Collections.sort(expected);
        assertEquals(expected.size(), everywhere.size(), sent.size() + " sent, " + deadLetters.size() + " dead");
        assertEquals(expected, everywhere);
    }

    /** log2kafka reading its standard input (written by the test) to the topic, its output in {@code out}. */
    private Process shipStandardInput(String topic, Path out, String... options) throws Exception {
        return shipStandardInput(topic, out, List.of(), options);
    }

    private Process shipStandardInput(String topic, Path out, List<String> clientSettings, String... options)
            throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers(), clientSettings.toArray(String[]::new));
        List<String> args = new java.util.ArrayList<>(List.of("--files", "-", "--topic", topic));
        args.addAll(List.of(options));
        return Run.jarProcess(dir, args.toArray(String[]::new)).redirectOutput(out.toFile())
                .redirectError(dir.resolve("err.txt").toFile()).start();
    }

    private int exitCode(Process process, Path out) throws Exception {
        assertTrue(process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "still running after 60 s: "
                + Files.readString(out) + Files.readString(dir.resolve("err.txt")));
        return process.exitValue();
    }

    private static void write(java.io.OutputStream pipe, List<String> lines) throws java.io.IOException {
        pipe.write((String.join("\n", lines) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        pipe.flush();
    }

    private static void await(java.util.concurrent.Callable<Boolean> condition, Path out) throws Exception {
        try {
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("still waiting after 60 s: " + Files.readString(out)
                    + Files.readString(out.resolveSibling("err.txt")), e);
        }
    }

    /**
     * A topic that takes record batches of at most 2,000 bytes (max.message.bytes), below the producer's batch.size
     * (256 KB): every line of a file that compresses badly arrives, once.
     */
    @Test
    void aTopicThatTakesSmallerRecordBatchesThanTheProducerMakesGetsEveryLine() throws Exception {
        String topic = Topics.unique("small-batches");
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2000"));
        List<String> lines = new java.util.ArrayList<>();
        java.util.Random random = new java.util.Random(3);
        for (int i = 1; i <= 20_000; i++) {
            lines.add(i + " " + incompressible(random, 100));
        }
        Files.write(dir.resolve("noise.log"), lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());

        Run run = Run.jar(dir, "--files", dir + "/noise.log", "--topic", topic, "--state-dir", dir + "/state");

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertEquals(lines, OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    /** Random Base64 of about {@code bytes} characters: compression cannot shrink it. */
    private static String incompressible(int bytes) {
        return incompressible(new java.util.Random(7), bytes);
    }

    /** Base64 of {@code bytes} bytes from {@code random}: compression shrinks neither it nor one call by another. */
    static String incompressible(java.util.Random random, int bytes) {
        byte[] noise = new byte[bytes];
        random.nextBytes(noise);
        return java.util.Base64.getEncoder().encodeToString(noise);
    }

    /**
     * A spool of small files: files overlap (bench/small-files.sh has the speed), every line arrives once, each
     * file's lines in order, and each file counts as done.
     */
    @Test
    void manySmallFilesShipEveryLineOnceWithEachFileInOrder() throws Exception {
        Path spool = Files.createDirectories(dir.resolve("spool"));
        int files = 2_000;
        for (int f = 0; f < files; f++) {
            List<String> lines = new java.util.ArrayList<>();
            for (int n = 0; n < 10; n++) {
                lines.add(String.format("file %04d line %d", f, n));
            }
            Files.write(spool.resolve(String.format("part-%04d.log", f)), lines);
        }
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("small-files");

        Run run = Run.jar(dir, "--files", spool + "/*.log", "--topic", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Files: 2,000 (2,000 done, 0 failed)"), run.out());
        List<String> records = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        assertEquals(files * 10, records.size());
        Map<String, Integer> next = new java.util.HashMap<>();
        for (String record : records) {
            String file = record.substring(0, 9);
            int line = Integer.parseInt(record.substring(record.lastIndexOf(' ') + 1));
            assertEquals(next.getOrDefault(file, 0), line, "out of order: " + record);
            next.put(file, line + 1);
        }
        assertEquals(files, next.size());
    }

    @Test
    void aMaxRequestSizeThatLeavesNoRoomForALineIsRefused() throws Exception {
        Files.write(dir.resolve("a.log"), List.of("a"));
        Run.clientProperties(dir, BROKER.bootstrapServers(), "max.request.size=100");

        Run run = Run.jar(dir, "--files", dir + "/a.log", "--topic", Topics.unique("small"));

        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("max.request.size 100 leaves no room for a line"), run.err());
    }

    private Run ship(String bootstrap, String topic) throws Exception {
        Run.clientProperties(dir, bootstrap);
        return Run.jar(dir, "--files", dir + "/a.log", "--topic", topic, "--state-dir", dir + "/state");
    }
}
