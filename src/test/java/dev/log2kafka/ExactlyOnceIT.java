package dev.log2kafka;

import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
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

    @Test
    void standardInputIsRefusedWithASentence() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());

        Run run = Run.jar(dir, "--files", "-", "--exactly-once");

        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("Standard input (--files -) cannot be shipped exactly once"), run.err());
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
