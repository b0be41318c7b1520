package dev.log2kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One-shot runs against a real broker started in this JVM: what is in the topic afterwards, byte for byte. */
class OneShotIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    @Test
    void everyLineOfALargeFileArrivesOnceByteForByteAndInOrder() throws Exception {
        List<byte[]> lines = writeAwkwardLog(dir.resolve("big.log"), 200_000);
        String topic = Topics.unique("in-order");

        Run run = Run.inProcess("--files", dir.resolve("big.log").toString(), "--topic", topic,
                "--kafka-config", Run.clientProperties(dir, BROKER.bootstrapServers()).toString(),
                "--batch-size", "1000");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 200,000 read, 200,000 sent"), run.out());
        assertTrue(run.out().contains("Processing complete"), run.out());
        assertRecordsEqual(lines, Topics.values(BROKER.bootstrapServers(), topic));
    }

    @Test
    void parallelProcessingDeliversEveryLineOnceInAnyOrder() throws Exception {
        List<byte[]> lines = writeAwkwardLog(dir.resolve("big.log"), 200_000);
        String topic = Topics.unique("parallel");
        Topics.create(BROKER.bootstrapServers(), topic, 3);

        Run run = Run.inProcess("--files", dir.resolve("big.log").toString(), "--topic", topic,
                "--kafka-config", Run.clientProperties(dir, BROKER.bootstrapServers()).toString(),
                "--sender-threads", "3", "--batch-size", "500");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(multiset(lines), multiset(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    @Test
    void aWildcardPicksEveryMatchingFileAndNothingElse() throws Exception {
        Files.createDirectories(dir.resolve("logs/2026/11"));
        Files.writeString(dir.resolve("logs/a.log"), "a1\na2\n");
        Files.writeString(dir.resolve("logs/b.log"), "b1\n");
        Files.writeString(dir.resolve("logs/notes.txt"), "not a log\n");
        Files.writeString(dir.resolve("logs/2026/11/c.log"), "c1\nc2\nc3");
        Path config = Run.clientProperties(dir, BROKER.bootstrapServers());

        String flat = Topics.unique("flat");
        Run run = Run.inProcess("--files", dir + "/logs/*.log", "--topic", flat, "--kafka-config", config.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("a1", "a2", "b1"), strings(Topics.values(BROKER.bootstrapServers(), flat)));

        String deep = Topics.unique("deep");
        run = Run.inProcess("--files", dir + "/logs/**/*.log", "--topic", deep, "--kafka-config", config.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Files: 3 (3 done, 0 failed)"), run.out());
        assertEquals(List.of("a1", "a2", "b1", "c1", "c2", "c3"),
                strings(Topics.values(BROKER.bootstrapServers(), deep)).stream().sorted().toList());
        assertTrue(Files.exists(dir.resolve("logs/a.log")), "one-shot leaves the files where they are");
    }

    @Test
    void emptyLinesAreSentAsEmptyRecordsOrSkippedButAlwaysCounted() throws Exception {
        Files.writeString(dir.resolve("gaps.log"), "one\n\ntwo\r\n\r\n\nthree");
        Path config = Run.clientProperties(dir, BROKER.bootstrapServers());

        String kept = Topics.unique("kept");
        Run run = Run.inProcess("--files", dir.resolve("gaps.log").toString(), "--topic", kept,
                "--kafka-config", config.toString());
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("one", "", "two", "", "", "three"), strings(Topics.values(BROKER.bootstrapServers(), kept)));
        assertTrue(run.out().contains("Lines: 6 read, 6 sent, 0 rejected (3 empty)"), run.out());

        String skipped = Topics.unique("skipped");
        run = Run.inProcess("--files", dir.resolve("gaps.log").toString(), "--topic", skipped,
                "--kafka-config", config.toString(), "--skip-empty-lines");
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("one", "two", "three"), strings(Topics.values(BROKER.bootstrapServers(), skipped)));
        assertTrue(run.out().contains("Lines: 6 read, 6 sent, 0 rejected (3 empty)"), run.out());
    }

    @Test
    void settingsComeFromTheEnvironmentWhenNotGivenAsOptions() throws Exception {
        Files.writeString(dir.resolve("env.log"), "from-env\n");
        String topic = Topics.unique("env");
        Path config = Run.clientProperties(dir, BROKER.bootstrapServers());
        Log2Kafka app = new Log2Kafka(System.out, System.err, Map.of(
                "LOG2KAFKA_FILES", dir.resolve("env.log").toString(),
                "LOG2KAFKA_TOPIC", topic,
                "LOG2KAFKA_KAFKA_CONFIG", config.toString(),
                "LOG2KAFKA_BATCH_SIZE", "7"));

        assertEquals(0, app.run());
        assertEquals(List.of("from-env"), strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    /**
     * Writes eduroam-like lines mixed with what real logs contain: CRLF endings, empty lines, invalid UTF-8 and NUL
     * bytes, a long line, and a last line without a newline. Returns each line as it must arrive.
     */
    static List<byte[]> writeAwkwardLog(Path file, int count) throws IOException {
        List<byte[]> lines = new ArrayList<>(count);
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file))) {
            for (int n = 0; n < count; n++) {
                byte[] line;
                if (n % 1000 == 999 && n != count - 1) {
                    line = new byte[0];
                } else if (n % 997 == 0) {
                    line = new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF, 'x'};
                } else if (n == 12_345) {
                    line = "x".repeat(700_000).getBytes(StandardCharsets.US_ASCII);
                } else {
                    line = EduroamLog.line(n, 7).getBytes(StandardCharsets.US_ASCII);
                }
                lines.add(line);
                out.write(line);
                if (n == count - 1) {
                    break;
                }
                out.write(n % 777 == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
            }
        }
        return lines;
    }

    static void assertRecordsEqual(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "record count");
        for (int i = 0; i < expected.size(); i++) {
            int index = i;
            assertArrayEquals(expected.get(i), actual.get(i), () -> "record " + index);
        }
    }

    static Map<String, Long> multiset(List<byte[]> values) {
        return values.stream().collect(Collectors.groupingBy(v -> Arrays.toString(v), TreeMap::new,
                Collectors.counting()));
    }

    static List<String> strings(List<byte[]> values) {
        return values.stream().map(v -> new String(v, StandardCharsets.UTF_8)).toList();
    }
}
