package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import dev.log2kafka.cli.ExitCode;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Follow mode against a real broker, with the real logrotate rotating under a writer that appends at a steady rate:
 * every line that is in a file (the live one, the rotated ones, the compressed ones) arrives exactly once, whatever the
 * rotation style, and a kill -9 in the middle loses none.
 */
class FollowIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    private static final String LOGROTATE = "/usr/sbin/logrotate";

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private Writer writer;

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.stop();
        }
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void linesAppendedAndNewFilesArriveWhileFollowingAndAPartialLineWaitsForItsNewline() throws Exception {
        String topic = Topics.unique("follow");
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(append(live, "first ", 100));
        Path out = dir.resolve("out.txt");
        Process follower = follow(topic, dir + "/*.log", out);

        awaitRecords(topic, 100, out);
        expected.addAll(append(live, "appended ", 10));
        awaitRecords(topic, 110, out);
        expected.addAll(append(dir.resolve("later.log"), "later ", 5));
        awaitRecords(topic, 115, out);

        // a line written in two parts is one record; with the newline missing for longer than the wait, it is sent
        write(live, "written in ");
        Thread.sleep(400);
        write(live, "two parts\n");
        expected.add("written in two parts");
        write(live, "never finished");
        expected.add("never finished");
        awaitRecords(topic, 117, out);

        follower.destroy();
        assertTrue(follower.waitFor(15, TimeUnit.SECONDS), "still following 15 s after SIGTERM");
        String printed = Files.readString(out);
        assertEquals(ExitCode.INTERRUPTED.code(), follower.exitValue(), printed);
        assertTrue(printed.contains("Lines: 117 read, 117 sent"), printed);
        assertExactlyOnce(expected, records(topic), "");
    }

    @Test
    void renameAndCreateWithDelayedCompressionUnderASteadyWriterShipsEveryLineOnce() throws Exception {
        String topic = Topics.unique("rotate-create");
        Path conf = logrotateConf("create\n    compress\n    delaycompress");
        Path out = dir.resolve("out.txt");
        writer = Writer.start(dir.resolve("app.log"), false);
        Process follower = follow(topic, dir + "/app.log*", out);

        List<String> written = rotateThreeTimesThenStopWriting(conf);

        awaitRecords(topic, written.size(), out);
        Thread.sleep(1500);
        assertTrue(Files.exists(dir.resolve("app.log.2.gz")), "logrotate compressed a rotated file: "
                + fileNames());
        assertExactlyOnce(written, records(topic), "across three rotations; " + fileNames());
        assertExactlyOnce(written, linesInFiles(), "the files hold every line written");
        follower.destroy();
        assertTrue(follower.waitFor(15, TimeUnit.SECONDS));
        // four files were written (the first, and one a rotation); a rename or a compressed copy is not another
        assertTrue(Files.readString(out).contains("Files: 4 ("), Files.readString(out));
    }

    /**
     * A line longer than the topic takes, written slowly (10 KB every 50 ms, over many looks at the file): it is one
     * line, in the dead letters once, whole, and the lines after it keep their numbers.
     */
    @Test
    void aTooLongLineWrittenSlowlyIsOneDeadLetterAndTheLineNumbersStayRight() throws Exception {
        String topic = Topics.unique("slow-long-line");
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "2000"));
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(append(live, "before ", 99));
        Path out = dir.resolve("out.txt");
        Process follower = follow(topic, live.toString(), out);
        awaitRecords(topic, 99, out);

        String longLine = HardeningIT.incompressible(new java.util.Random(5), 75_000);
        for (int from = 0; from < longLine.length(); from += 10_000) {
            write(live, longLine.substring(from, Math.min(longLine.length(), from + 10_000)));
            Thread.sleep(50);
        }
        write(live, "\n");
        expected.addAll(append(live, "after ", 100));
        awaitRecords(topic, 199, out);
        Thread.sleep(1000);

        follower.destroy();
        assertTrue(follower.waitFor(15, TimeUnit.SECONDS));
        String printed = Files.readString(out);
        assertTrue(printed.contains("Lines: 200 read, 199 sent, 1 rejected"), printed);
        assertExactlyOnce(expected, records(topic), printed);
        List<String> dead = Files.readAllLines(dir.resolve("log2kafka-dead-letters.tsv"));
        assertEquals(1, dead.size(), dead.stream().map(l -> l.substring(0, Math.min(200, l.length()))).toList()
                .toString());
        assertTrue(dead.get(0).startsWith(live + "\t100\tline of " + longLine.length() + " bytes is longer than"),
                dead.get(0).substring(0, 200));
    }

    /**
     * A pattern that matches nothing (a typo, a log not written yet) is said at once, and shown in the metrics; a file
     * that comes to match it is followed from its start.
     */
    @Test
    void aPatternThatMatchesNothingIsSaidAndCountedUntilAFileMatches() throws Exception {
        String topic = Topics.unique("nothing-matches");
        Path out = dir.resolve("out.txt");
        Files.writeString(dir.resolve("radius.log"), "not this one\n");
        int port = ServiceIT.freePort();
        follow(topic, dir + "/radius-nro.log", out, Map.of("LOG2KAFKA_HTTP_PORT", Integer.toString(port)));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(out).contains("metrics at"));

        String printed = Files.readString(out);
        assertTrue(printed.contains("and following 0 file(s)"), printed);
        assertTrue(printed.contains("No file matches " + dir + "/radius-nro.log now (" + dir + " holds"), printed);
        assertTrue(printed.contains(" radius.log"), printed);
        assertEquals(0, ServiceIT.value(ServiceIT.get(port, "/observe/metrics").body(), "log2kafka_follow_files"));

        List<String> expected = append(dir.resolve("radius-nro.log"), "at last ", 10);
        awaitRecords(topic, 10, out);
        assertEquals(1, ServiceIT.value(ServiceIT.get(port, "/observe/metrics").body(), "log2kafka_follow_files"));
        assertExactlyOnce(expected, records(topic), "");
    }

    @Test
    void copytruncateWithCompressionShipsEveryLineTheFilesHoldOnce() throws Exception {
        copytruncateShipsEveryLineTheFilesHoldOnce("rotate-copytruncate", "copytruncate\n    compress", "/app.log*");
    }

    /**
     * copytruncate as distributions configure it (dated names, compressed a day late), with the pattern naming only
     * the live file: the copy is not followed, but it is found next to the live one by its content, and the lines
     * written between the last read and the truncation are shipped from it.
     */
    @Test
    void copytruncateAsDistributionsShipItWithAPatternOfTheLiveNameShipsEveryLineTheFilesHoldOnce() throws Exception {
        copytruncateShipsEveryLineTheFilesHoldOnce("copytruncate-live-name", "copytruncate\n    dateext\n"
                + "    dateformat -%Y%m%d-%s\n    compress\n    delaycompress", "/app.log");
    }

    /** logrotate three times with these directives under a steady writer; what the files hold arrives once. */
    private void copytruncateShipsEveryLineTheFilesHoldOnce(String topicPrefix, String directives, String pattern)
            throws Exception {
        String topic = Topics.unique(topicPrefix);
        Path conf = logrotateConf(directives);
        Path out = dir.resolve("out.txt");
        writer = Writer.start(dir.resolve("app.log"), false);
        Process follower = follow(topic, dir + pattern, out);
        if (!pattern.endsWith("*")) {
            // with the live name only, a copy made before the follower held the live file is not its to ship; a
            // pattern of the rotated names too ships copies made while it starts
            awaitFollowing(out);
        }

        List<String> written = rotateThreeTimesThenStopWriting(conf);
        // copytruncate loses what is written between its copy and its truncation; what the files hold is the truth
        List<String> inFiles = linesInFiles();

        awaitRecords(topic, inFiles.size(), out);
        Thread.sleep(1500);
        assertExactlyOnce(inFiles, records(topic), inFiles.size() + " of " + written.size() + " written lines are in"
                + " the files; " + fileNames() + "; " + Files.readString(out));
        follower.destroy();
        assertTrue(follower.waitFor(15, TimeUnit.SECONDS));
    }

    /**
     * A follower of the live name stopped (SIGTERM) while its writer goes on, the file rotated (create) before the
     * same command starts again: the rotated file, which the pattern no longer matches, is found by its checkpoint's
     * content and read on from there, and the new live file is read from its start.
     */
    @Test
    void aFileRotatedAwayWhileTheFollowerWasStoppedIsReadOnFromItsCheckpoint() throws Exception {
        String topic = Topics.unique("rotated-while-stopped");
        Path conf = logrotateConf("create\n    dateext\n    dateformat -%Y%m%d-%s\n    compress\n"
                + "    delaycompress");
        writer = Writer.start(dir.resolve("app.log"), false);
        Process first = follow(topic, dir + "/app.log", dir.resolve("first.txt"));
        awaitRecords(topic, 1_000, dir.resolve("first.txt"));
        first.destroy();
        assertTrue(first.waitFor(15, TimeUnit.SECONDS));
        Thread.sleep(1000); // lines the stopped follower did not read, written to the file before it is rotated
        logrotate(conf);

        Path out = dir.resolve("second.txt");
        follow(topic, dir + "/app.log", out);
        Thread.sleep(1500);
        List<String> written = writer.stop();

        awaitRecords(topic, written.size(), out);
        Thread.sleep(1500);
        assertExactlyOnce(written, records(topic), fileNames() + "; " + Files.readString(out));
    }

    /**
     * A quiet log, its files under 1 KB (too short to be known by their content), rotated as distributions do, stopped,
     * written to, rotated twice while stopped and started again: every line once. The file followed at the stop goes
     * on from its checkpoint in its compressed copy, the file created and rotated away while stopped is shipped whole,
     * and the compressed copy of the first file sends nothing.
     */
    @Test
    void aQuietLogOfShortFilesRotatedTwiceWhileStoppedShipsEveryLineOnce() throws Exception {
        quietLogRotatedTwiceWhileStopped("app.log*");
    }

    /** The same with a pattern of the live name only: the rotated files are found next to it. */
    @Test
    void aQuietLogRotatedTwiceWhileStoppedShipsEveryLineOnceWithAPatternOfTheLiveName() throws Exception {
        quietLogRotatedTwiceWhileStopped("app.log");
    }

    private void quietLogRotatedTwiceWhileStopped(String pattern) throws Exception {
        String topic = Topics.unique("quiet-log");
        Path conf = logrotateConf("create\n    compress\n    delaycompress");
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(quietLines(live, "a", 5));
        Path out = dir.resolve("first.txt");
        Process first = follow(topic, dir + "/" + pattern, out);
        awaitRecords(topic, 5, out);
        logrotate(conf);
        expected.addAll(quietLines(live, "b", 5));
        awaitRecords(topic, 10, out);
        Thread.sleep(500);
        first.destroy();
        assertTrue(first.waitFor(15, TimeUnit.SECONDS));

        expected.addAll(quietLines(live, "b", 5));
        logrotate(conf);
        expected.addAll(quietLines(live, "c", 5));
        logrotate(conf);
        expected.addAll(quietLines(live, "d", 5));
        Path second = dir.resolve("second.txt");
        follow(topic, dir + "/" + pattern, second);
        awaitRecords(topic, 25, second);
        Thread.sleep(1500);
        assertTrue(Files.exists(dir.resolve("app.log.3.gz")), fileNames());
        assertExactlyOnce(expected, records(topic), fileNames() + "; " + Files.readString(second));
    }

    /** Appends {@code count} short numbered lines, one every 20 ms, as a quiet log would (only faster). */
    private static List<String> quietLines(Path file, String prefix, int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String line = prefix + " " + System.nanoTime() + " quiet line";
            write(file, line + "\n");
            lines.add(line);
            Thread.sleep(20);
        }
        return lines;
    }

    /**
     * An older copy of the live file put in its place (`mv app.log.old app.log`) and written on: its lines up to where
     * it parts from the file it replaced are shipped already, the ones after are new and shipped at once, without
     * waiting for close-inactive (300 s here).
     */
    @Test
    void anOlderCopyPutInPlaceOfTheLiveFileShipsItsNewLinesAtOnceAndNoneTwice() throws Exception {
        String topic = Topics.unique("older-copy");
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(append(live, "first ", 1_000));
        Files.copy(live, dir.resolve("app.log.old"));
        expected.addAll(append(live, "second ", 1_000));
        Path out = dir.resolve("out.txt");
        follow(topic, live.toString(), out, Map.of("LOG2KAFKA_CLOSE_INACTIVE", "300"));
        awaitRecords(topic, 2_000, out);

        Files.move(dir.resolve("app.log.old"), live, StandardCopyOption.REPLACE_EXISTING);
        expected.addAll(append(live, "third ", 500));

        awaitRecords(topic, 2_500, out);
        Thread.sleep(2000);
        assertExactlyOnce(expected, records(topic), Files.readString(out));
    }

    /**
     * A followed file moved out of the directory while no run followed it, with lines written after the stop: the
     * next start says which file, and from where its lines were not shipped, once; the new live file is shipped.
     */
    @Test
    void aFollowedFileGoneWhileTheFollowerWasStoppedIsNamedOnceAtTheNextStart() throws Exception {
        String topic = Topics.unique("gone-while-stopped");
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(append(live, "shipped ", 1_000));
        long shippedBytes = Files.size(live);
        Process first = follow(topic, live.toString(), dir.resolve("first.txt"));
        awaitRecords(topic, 1_000, dir.resolve("first.txt"));
        first.destroy();
        assertTrue(first.waitFor(15, TimeUnit.SECONDS));
        append(live, "never shipped ", 10);
        Files.createDirectories(dir.resolve("elsewhere"));
        Files.move(live, dir.resolve("elsewhere/app.log"));
        expected.addAll(append(live, "new ", 5));

        Path out = dir.resolve("second.txt");
        Process second = follow(topic, live.toString(), out);
        awaitRecords(topic, 1_005, out);
        second.destroy();
        assertTrue(second.waitFor(15, TimeUnit.SECONDS));
        String printed = Files.readString(out);
        assertTrue(printed.contains(live + " was followed when the last run stopped (acknowledged to line 1000, byte "
                + shippedBytes + "), and no file in " + dir + " holds it any more"), printed);
        assertExactlyOnce(expected, records(topic), printed);

        Path third = dir.resolve("third.txt");
        Process again = follow(topic, live.toString(), third);
        awaitFollowing(third);
        again.destroy();
        assertTrue(again.waitFor(15, TimeUnit.SECONDS));
        assertTrue(!Files.readString(third).contains("was followed when the last run stopped"), "said once: "
                + Files.readString(third));
    }

    @Test
    void aFileTruncatedUnderTheReaderIsReadAgainFromItsStartAtOnceAndItsCopyAddsNothing() throws Exception {
        String topic = Topics.unique("truncated");
        Path conf = logrotateConf("copytruncate");
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(append(live, "before ", 1_000));
        Path out = dir.resolve("out.txt");
        // a last line is never sent for quiet here: what arrives, arrives because it was read
        follow(topic, dir + "/app.log*", out, Map.of("LOG2KAFKA_PARTIAL_LINE_WAIT", "600000"));
        awaitRecords(topic, 1_000, out);

        logrotate(conf);
        expected.addAll(append(live, "after ", 10));

        awaitRecords(topic, 1_010, out);
        Thread.sleep(1000);
        assertExactlyOnce(expected, records(topic), "the copy app.log.1 holds the first 1,000 again");
    }

    @Test
    void aFileRotatedAwayFromAPatternOfTheLiveNameIsReadToItsEndThroughItsHandle() throws Exception {
        String topic = Topics.unique("rotate-live-name");
        Path conf = logrotateConf("create");
        Path out = dir.resolve("out.txt");
        // a daemon's way: the file stays open, and the writer reopens it only some time after the rotation
        writer = Writer.start(dir.resolve("app.log"), true);
        Process follower = follow(topic, dir + "/app.log", out);

        // rotated as soon as the follower says it follows the file: before its first look for new lines, too
        awaitFollowing(out);
        logrotate(conf);
        Thread.sleep(700);
        writer.reopen();
        Thread.sleep(1500);
        List<String> written = writer.stop();

        awaitRecords(topic, written.size(), out);
        Thread.sleep(1500);
        assertExactlyOnce(written, records(topic), "the lines written to the renamed file too");
        follower.destroy();
        assertTrue(follower.waitFor(15, TimeUnit.SECONDS));
    }

    /**
     * A program that deletes its log and creates it again under the same name within a second (twice): what it
     * wrote to the deleted file is read through the follower's handle, and the new file is read from its start.
     */
    @Test
    void aFollowedFileDeletedAndCreatedAgainWithinASecondLosesNoLine() throws Exception {
        deletedAndCreatedAgain("/app.log");
    }

    /** The same with a pattern of the rotated names too. */
    @Test
    void aFollowedFileDeletedAndCreatedAgainWithinASecondLosesNoLineWithAPatternOfAllNames() throws Exception {
        deletedAndCreatedAgain("/app.log*");
    }

    private void deletedAndCreatedAgain(String pattern) throws Exception {
        String topic = Topics.unique("delete-recreate");
        Path out = dir.resolve("out.txt");
        writer = Writer.start(dir.resolve("app.log"), true);
        follow(topic, dir + pattern, out);
        awaitFollowing(out);
        for (int round = 0; round < 2; round++) {
            Thread.sleep(1500);
            writer.deleteAndCreateAgain(Duration.ofMillis(500));
        }
        Thread.sleep(1500);
        List<String> written = writer.stop();

        awaitRecords(topic, written.size(), out);
        Thread.sleep(1500);
        assertExactlyOnce(written, records(topic), fileNames() + "; " + Files.readString(out));
        assertTrue(Files.readString(out).contains("app.log (deleted)"), Files.readString(out));
    }

    @Test
    void killDashNineWhileFollowingThenARotationThenTheSameCommandLosesNoLine() throws Exception {
        int repeated = killFollowRotateRestart(false, "/app.log*");
        System.out.printf("follow, kill -9, rotation, restart: %,d repeated (the acknowledgements after the last"
                + " checkpoint write)%n", repeated);
        assertTrue(repeated <= 5_000, repeated + " lines repeated");
    }

    /** The same with a pattern of the live name only: the file rotated while none followed it is found by its bytes. */
    @Test
    void killDashNineWhileFollowingTheLiveNameThenARotationThenTheSameCommandLosesNoLine() throws Exception {
        int repeated = killFollowRotateRestart(false, "/app.log");
        System.out.printf("follow the live name, kill -9, rotation, restart: %,d repeated%n", repeated);
        assertTrue(repeated <= 5_000, repeated + " lines repeated");
    }

    /** The same with --exactly-once: what a read_committed consumer sees is each line once. */
    @Test
    void killDashNineWhileFollowingExactlyOnceThenARotationThenTheSameCommandRepeatsNoLine() throws Exception {
        assertEquals(0, killFollowRotateRestart(true, "/app.log*"));
    }

    /**
     * A follower under a writer killed with SIGKILL (its whole process tree), a rotation (create, compress,
     * delaycompress), the same command again and a second rotation: no line written is missing.
     *
     * @return how many lines are repeated in the topic (what a read_committed consumer sees with exactly once)
     */
    private int killFollowRotateRestart(boolean exactlyOnce, String pattern) throws Exception {
        String topic = Topics.unique(exactlyOnce ? "follow-kill-exactly-once" : "follow-kill");
        Map<String, String> settings = exactlyOnce ? Map.of("LOG2KAFKA_EXACTLY_ONCE", "true") : Map.of();
        java.util.function.Supplier<List<String>> records = () -> exactlyOnce
                ? OneShotIT.strings(Topics.committedValues(BROKER.bootstrapServers(), topic)) : records(topic);
        Path conf = logrotateConf("create\n    compress\n    delaycompress");
        Path out = dir.resolve("out.txt");
        writer = Writer.start(dir.resolve("app.log"), false);
        Process first = follow(topic, dir + pattern, out, settings);
        if (!pattern.endsWith("*")) {
            // with the live name only, a rotation before the follower held the live file is not its to ship
            awaitFollowing(out);
        }
        // killed while following, once the lines written before it started are shipped and checkpointed: a kill in
        // that first burst repeats everything acknowledged since the last checkpoint write (every 200 ms), which is
        // thousands of lines on a slow start (exactly once: the checkpoints are in Kafka, and nothing is repeated)
        await().atMost(Duration.ofSeconds(60)).until(() -> exactlyOnce || hasCheckpoint(dir.resolve("state")));
        int caughtUp = writer.count();
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                >= caughtUp);

        // the whole process tree at once, as systemd's SIGKILL of a unit's control group does: the launcher and
        // log2kafka's own JVM (LauncherIT kills the launcher alone)
        List<ProcessHandle> tree = new ArrayList<>(first.descendants().toList());
        tree.add(first.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle process : tree) {
            process.onExit().get(10, TimeUnit.SECONDS);
        }
        logrotate(conf);
        Thread.sleep(1000);
        Process second = follow(topic, dir + pattern, dir.resolve("out2.txt"), settings);
        Thread.sleep(1500);
        logrotate(conf);
        Thread.sleep(1000);
        List<String> written = writer.stop();

        awaitRecords(() -> (long) Set.copyOf(records.get()).size(), written.size(), "distinct lines in " + topic,
                dir.resolve("out2.txt"));
        Thread.sleep(1500);
        List<String> shipped = records.get();
        List<String> missing = new ArrayList<>(written);
        missing.removeAll(shipped);
        assertEquals(List.of(), missing.subList(0, Math.min(10, missing.size())), missing.size()
                + " lines missing after kill -9; " + Files.readString(dir.resolve("out2.txt")));
        List<String> notWritten = new ArrayList<>(Set.copyOf(shipped));
        notWritten.removeAll(Set.copyOf(written));
        assertEquals(List.of(), notWritten.subList(0, Math.min(10, notWritten.size())), notWritten.size()
                + " records that are no line written; " + fileNames() + "; " + Files.readString(out) + "; "
                + Files.readString(dir.resolve("out2.txt")));
        second.destroy();
        assertTrue(second.waitFor(15, TimeUnit.SECONDS));
        System.out.printf("follow%s, kill -9, rotation, restart: %,d lines%n", exactlyOnce ? " exactly once" : "",
                written.size());
        return shipped.size() - written.size();
    }

    private static boolean hasCheckpoint(Path stateDir) throws IOException {
        if (!Files.isDirectory(stateDir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(stateDir)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".checkpoint"));
        }
    }

    /** logrotate three times, 1.5 s apart, while the writer appends; then what the writer wrote. */
    private List<String> rotateThreeTimesThenStopWriting(Path conf) throws Exception {
        for (int rotation = 0; rotation < 3; rotation++) {
            Thread.sleep(1500);
            logrotate(conf);
        }
        Thread.sleep(1000);
        return writer.stop();
    }

    private Process follow(String topic, String files, Path out) throws IOException {
        return follow(topic, files, out, Map.of());
    }

    private Process follow(String topic, String files, Path out, Map<String, String> settings) throws IOException {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        ProcessBuilder builder = Run.jarProcess(dir, "--follow", "--files", files, "--topic", topic, "--state-dir",
                dir.resolve("state").toString()).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(Map.of("LOG2KAFKA_PARTIAL_LINE_WAIT", "1500", "LOG2KAFKA_CLOSE_INACTIVE", "2"));
        builder.environment().putAll(settings);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private Path logrotateConf(String directives) throws IOException {
        assumeTrue(Files.isExecutable(Path.of(LOGROTATE)), "logrotate is not installed (Debian package logrotate;"
                + " .ci/run installs it)");
        Path conf = dir.resolve("logrotate.conf");
        Files.writeString(conf, dir.resolve("app.log") + " {\n    rotate 10\n    missingok\n    " + directives
                + "\n}\n");
        return conf;
    }

    private void logrotate(Path conf) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(LOGROTATE, "-f", "-s", dir.resolve("logrotate.state").toString(),
                conf.toString()).redirectErrorStream(true).start();
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), printed);
    }

    /** Until the follower has said which files it follows, that is, holds them. */
    private static void awaitFollowing(Path out) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10))
                .until(() -> Files.readString(out).contains("and following "));
    }

    private void awaitRecords(String topic, long count, Path out) throws IOException, InterruptedException {
        awaitRecords(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic), count,
                "records in " + topic, out);
    }

    /**
     * Until {@code count} reaches {@code expected}; if it does not within 60 s, the failure shows what the follower
     * printed and where each of its threads is (a follower that stalls must say why).
     */
    private void awaitRecords(java.util.concurrent.Callable<Long> count, long expected, String what, Path out)
            throws IOException, InterruptedException {
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> count.call() >= expected);
        } catch (ConditionTimeoutException e) {
            StringBuilder threads = new StringBuilder();
            for (Process process : processes) {
                if (process.isAlive()) {
                    Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack")
                            .toString(), Long.toString(process.pid())).redirectErrorStream(true).start();
                    threads.append(new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
                    jstack.waitFor(30, TimeUnit.SECONDS);
                }
            }
            long now;
            try {
                now = count.call();
            } catch (Exception failed) {
                now = -1;
            }
            throw new AssertionError("not " + expected + " " + what + " but " + now + ": " + Files.readString(out)
                    + "\nThe followers' threads:\n" + threads, e);
        }
    }

    private static List<String> records(String topic) {
        return OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
    }

    /** Each expected line is among the records exactly once, and there is no other record. */
    private static void assertExactlyOnce(List<String> expected, List<String> records, String context) {
        Map<String, Integer> counts = new HashMap<>();
        for (String record : records) {
            counts.merge(record, 1, Integer::sum);
        }
        List<String> missing = new ArrayList<>();
        long repeated = 0;
        for (String line : expected) {
            Integer count = counts.remove(line);
            if (count == null) {
                missing.add(line);
            } else {
                repeated += count - 1;
            }
        }
        assertTrue(missing.isEmpty() && repeated == 0 && counts.isEmpty(), String.format("%,d lines expected,"
                + " %,d records: %,d missing (first: %s), %,d repeated, %,d unexpected (first: %s); %s",
                expected.size(), records.size(), missing.size(), missing.stream().limit(3).toList(), repeated,
                counts.size(), counts.keySet().stream().limit(3).toList(), context));
    }

    /** Every line of every file in the directory that the writer wrote (app.log*), compressed ones decompressed. */
    private List<String> linesInFiles() throws IOException {
        List<String> lines = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().startsWith("app.log")).toList()) {
                try (InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
                        : Files.newInputStream(file)) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    for (String line : text.split("\n")) {
                        if (!line.isEmpty()) {
                            lines.add(line);
                        }
                    }
                }
            }
        }
        return lines;
    }

    private String fileNames() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Map<String, Long> sizes = new TreeMap<>();
            for (Path file : files.toList()) {
                sizes.put(file.getFileName().toString(), Files.size(file));
            }
            return sizes.toString();
        }
    }

    private static List<String> append(Path file, String prefix, int count) throws IOException {
        List<String> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int n = 0; n < count; n++) {
            String line = prefix + EduroamLog.line(n, 5);
            lines.add(line);
            text.append(line).append('\n');
        }
        write(file, text.toString());
        return lines;
    }

    private static void write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    /**
     * Appends numbered lines to a log at a steady rate (about 2,000 a second, 20 every 10 ms), as a RADIUS server
     * does. Like `echo >> file`, it opens the file for each write, so after a rotation it writes to the new file;
     * or, like a daemon, it keeps the file open until told to reopen it.
     */
    static final class Writer {
        private final Path file;
        private final boolean keepOpen;
        private final List<String> written = Collections.synchronizedList(new ArrayList<>());
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicBoolean reopen = new AtomicBoolean();
        private volatile Duration deletedFor;
        private final Thread thread;

        private Writer(Path file, boolean keepOpen) {
            this.file = file;
            this.keepOpen = keepOpen;
            this.thread = new Thread(this::run, "log-writer");
        }

        static Writer start(Path file, boolean keepOpen) {
            Writer writer = new Writer(file, keepOpen);
            writer.thread.start();
            return writer;
        }

        void reopen() {
            reopen.set(true);
        }

        /** Deletes the file, writes nothing for that long, then creates it again and writes on there. */
        void deleteAndCreateAgain(Duration pause) {
            deletedFor = pause;
        }

        /** How many lines it has written so far. */
        int count() {
            return written.size();
        }

        List<String> stop() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
            return List.copyOf(written);
        }

        private void run() {
            int seq = 0;
            OutputStream open = null;
            try {
                while (running.get()) {
                    StringBuilder text = new StringBuilder();
                    List<String> lines = new ArrayList<>();
                    for (int i = 0; i < 20; i++, seq++) {
                        String line = String.format("%07d %s", seq, EduroamLog.line(seq, 9));
                        lines.add(line);
                        text.append(line).append('\n');
                    }
                    byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
                    Duration pause = deletedFor;
                    if (pause != null) {
                        deletedFor = null;
                        Files.delete(file);
                        Thread.sleep(pause.toMillis());
                        reopen.set(true);
                    }
                    if (keepOpen) {
                        if (open == null || reopen.getAndSet(false)) {
                            if (open != null) {
                                open.close();
                            }
                            open = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                        }
                        open.write(bytes);
                        open.flush();
                    } else {
                        Files.write(file, bytes, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    }
                    written.addAll(lines);
                    Thread.sleep(10);
                }
                if (open != null) {
                    open.close();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
