package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A file is known by its content: gzip files are read as their lines, and a file renamed or compressed by a rotation
 * between two runs goes on from its checkpoint instead of being shipped again, while two files that only share their
 * first bytes are two files. Each test reruns with the same state directory and counts the records in the topic.
 */
class FileIdentityIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    @Test
    void aGzipFileArrivesAsItsDecompressedLinesByteForByte() throws Exception {
        List<byte[]> lines = OneShotIT.writeAwkwardLog(dir.resolve("plain"), 30_000);
        gzip(dir.resolve("plain"), dir.resolve("radius.log.2.gz"));
        String topic = Topics.unique("gzip");

        Run run = ship(dir + "/*.gz", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 30,000 read, 30,000 sent"), run.out());
        assertTrue(run.out().contains(String.format("Bytes: %,d (of lines, decompressed; %,d read from the files)",
                Files.size(dir.resolve("plain")), Files.size(dir.resolve("radius.log.2.gz")))),
                "the bytes of the lines, and the compressed bytes read: " + run.out());
        OneShotIT.assertRecordsEqual(lines, Topics.values(BROKER.bootstrapServers(), topic));
    }

    @Test
    void aFileRenamedAndThenCompressedByARotationIsNotShippedAgain() throws Exception {
        Path live = dir.resolve("eduroam-nro.log");
        List<byte[]> expected = new ArrayList<>(append(live, 0, 5_000));
        String topic = Topics.unique("rotated");
        assertEquals(0, ship(dir + "/eduroam-nro.log*", topic).exitCode());

        // the writer goes on, then logrotate renames the file and a new one starts
        expected.addAll(append(live, 5_000, 1_000));
        Files.move(live, dir.resolve("eduroam-nro.log.1"));
        expected.addAll(append(live, 6_000, 700));
        Run second = ship(dir + "/eduroam-nro.log*", topic);
        assertEquals(0, second.exitCode(), second.out() + second.err());
        assertTrue(second.out().contains("Lines: 1,700 read, 1,700 sent"), second.out());

        // a day later the rotated file is compressed (delaycompress), and the live one rotated again
        gzip(dir.resolve("eduroam-nro.log.1"), dir.resolve("eduroam-nro.log.2.gz"));
        Files.delete(dir.resolve("eduroam-nro.log.1"));
        Files.move(live, dir.resolve("eduroam-nro.log.1"));
        Run third = ship(dir + "/eduroam-nro.log*", topic);
        assertEquals(0, third.exitCode(), third.out() + third.err());
        assertTrue(third.out().contains("Lines: 0 read, 0 sent"), third.out());

        assertEquals(OneShotIT.multiset(expected), OneShotIT.multiset(Topics.values(BROKER.bootstrapServers(),
                topic)), "every line exactly once across the renames and the compression");
    }

    @Test
    void twoFilesThatShareTheirFirstKilobyteAreTwoFiles() throws Exception {
        String header = "# RADIUS accounting export, fields: time, nas, user, station, result\n".repeat(20);
        Files.writeString(dir.resolve("monday.log"), header + "monday 1\nmonday 2\n");
        String topic = Topics.unique("header");
        assertEquals(0, ship(dir + "/monday.log", topic).exitCode());
        Files.writeString(dir.resolve("tuesday.log"), header + "tuesday 1\ntuesday 2\ntuesday 3\n");

        Run run = ship(dir + "/*.log", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 23 read, 23 sent"), "tuesday.log whole, monday.log not again: "
                + run.out());
    }

    @Test
    void aFileShorterThanItsIdentityResumesUnderItsPathAndKeepsItsCheckpointOnceItGrows() throws Exception {
        Path small = dir.resolve("small.log");
        List<byte[]> expected = new ArrayList<>(append(small, 0, 3));
        String topic = Topics.unique("small");
        assertEquals(0, ship(small.toString(), topic).exitCode());
        expected.addAll(append(small, 3, 2));
        assertTrue(ship(small.toString(), topic).out().contains("Lines: 2 read, 2 sent"));
        // now longer than the 1 KB of an identity: the checkpoint moves to the content, and renaming does not matter
        expected.addAll(append(small, 5, 40));
        Run third = ship(small.toString(), topic);
        assertTrue(third.out().contains("Lines: 40 read, 40 sent"), third.out());
        Files.move(small, dir.resolve("small.log.1"));
        expected.addAll(append(dir.resolve("small.log.1"), 45, 1));
        Run fourth = ship(dir + "/small.log*", topic);
        assertTrue(fourth.out().contains("Lines: 1 read, 1 sent"), fourth.out());

        assertEquals(OneShotIT.strings(expected), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    @Test
    void aNewFileOnAReusedInodeIsANewFile() throws Exception {
        Path log = dir.resolve("radius.log");
        append(log, 0, 2_000);
        String topic = Topics.unique("inode");
        assertEquals(0, ship(log.toString(), topic).exitCode());
        Object inode = Files.getAttribute(log, "unix:ino");
        Files.delete(log);
        // the same name, the same size, other lines: the file system is free to give it the same inode
        List<byte[]> lines = append(log, 5_000, 2_000);

        Run run = ship(log.toString(), topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 2,000 read, 2,000 sent"), "inode " + inode + " then "
                + Files.getAttribute(log, "unix:ino") + ": " + run.out());
        List<byte[]> records = Topics.values(BROKER.bootstrapServers(), topic);
        OneShotIT.assertRecordsEqual(lines, records.subList(2_000, records.size()));
    }

    private Run ship(String files, String topic) throws IOException {
        return Run.inProcess("--files", files, "--topic", topic, "--state-dir", dir.resolve("state").toString(),
                "--kafka-config", Run.clientProperties(dir, BROKER.bootstrapServers()).toString());
    }

    /** Appends {@code count} eduroam-like lines to a file, as a live log grows. */
    private static List<byte[]> append(Path file, int first, int count) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int n = first; n < first + count; n++) {
            String line = EduroamLog.line(n, 3);
            lines.add(line.getBytes(StandardCharsets.US_ASCII));
            text.append(line).append('\n');
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        return lines;
    }

    private static void gzip(Path from, Path to) throws IOException {
        try (InputStream in = Files.newInputStream(from); OutputStream out = new GZIPOutputStream(
                Files.newOutputStream(to))) {
            in.transferTo(out);
        }
    }
}
