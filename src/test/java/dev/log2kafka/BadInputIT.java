package dev.log2kafka;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The input real log directories hold, each with its defined outcome, and nothing else lost. */
class BadInputIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private Run ship(String topic, String files, String... more) throws Exception {
        List<String> args = new ArrayList<>(List.of("--files", files, "--topic", topic, "--state-dir",
                dir + "/state", "--dead-letters", "file:" + dir + "?fileName=dead.tsv&fileExist=Append",
                "--kafka-config", Run.clientProperties(dir, BROKER.bootstrapServers(), more).toString()));
        return Run.inProcess(args.toArray(String[]::new));
    }

    @Test
    void anEmptyFileIsDoneWithNoRecordAndAFileOfNewlinesGivesEmptyRecords() throws Exception {
        Files.createDirectories(dir.resolve("in"));
        Files.write(dir.resolve("in/empty.log"), new byte[0]);
        Files.writeString(dir.resolve("in/newlines.log"), "\n\n\r\n\n");
        String topic = Topics.unique("empty");

        Run run = ship(topic, dir + "/in/*.log");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Files: 2 (2 done, 0 failed)"), run.out());
        assertTrue(run.out().contains("Lines: 4 read, 4 sent, 0 rejected (4 empty)"), run.out());
        assertEquals(List.of("", "", "", ""), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    @Test
    void linesKafkaWillNotTakeGoToTheDeadLettersWithFileLineAndReasonAndTheRestArrives() throws Exception {
        byte[] long1 = "L".repeat(5_000).getBytes(StandardCharsets.US_ASCII);
        byte[] long2 = new byte[3_000];
        Arrays.fill(long2, (byte) 0xFF);
        Path file = dir.resolve("mixed.log");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("one\n".getBytes(StandardCharsets.US_ASCII));
            out.write(long1);
            out.write("\ntwo\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(long2);
            out.write("\nthree".getBytes(StandardCharsets.US_ASCII));
        }
        String topic = Topics.unique("dead");

        Run run = ship(topic, file.toString(), "max.request.size=2000");

        assertEquals(ExitCode.DEAD_LETTERS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 5 read, 3 sent, 2 rejected"), run.out());
        assertEquals(List.of("one", "two", "three"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        byte[] dead = Files.readAllBytes(dir.resolve("dead.tsv"));
        String reason = "bytes is longer than the 1872 bytes Kafka takes (max.request.size)";
        assertArrayEquals(concat(file + "\t2\tline of 5000 " + reason + "\t", long1, file + "\t4\tline of 3000 "
                + reason + "\t", long2), dead);
    }

    @Test
    void aFiftyMegabyteLineGoesToTheDeadLettersWhole() throws Exception {
        byte[] huge = new byte[50 * 1024 * 1024];
        Arrays.fill(huge, (byte) 'h');
        Path file = dir.resolve("huge.log");
        try (OutputStream out = Files.newOutputStream(file)) {
            out.write("before\n".getBytes(StandardCharsets.US_ASCII));
            out.write(huge);
            out.write("\nafter\n".getBytes(StandardCharsets.US_ASCII));
        }
        String topic = Topics.unique("huge");

        Run run = ship(topic, file.toString());

        assertEquals(ExitCode.DEAD_LETTERS.code(), run.exitCode(), run.out() + run.err());
        assertEquals(List.of("before", "after"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        byte[] dead = Files.readAllBytes(dir.resolve("dead.tsv"));
        String prefix = file + "\t2\tline of 52428800 bytes is longer than the 1048448 bytes Kafka takes "
                + "(max.request.size)\t";
        assertEquals(prefix.length() + huge.length + 1, dead.length);
        assertArrayEquals(concat(prefix, huge), dead);
    }

    @Test
    void directoriesMatchingThePatternAreSkippedAndSymlinksAreFollowed() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.createDirectories(in.resolve("looks-like.log"));
        Files.writeString(dir.resolve("elsewhere.txt"), "through a link\n");
        Files.createSymbolicLink(in.resolve("linked.log"), dir.resolve("elsewhere.txt"));
        Files.writeString(in.resolve("plain.log"), "plain\n");
        String topic = Topics.unique("links");

        Run run = ship(topic, in + "/*.log");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Files: 2 (2 done, 0 failed)"), run.out());
        assertEquals(List.of("through a link", "plain"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    @Test
    void aFileDeletedWhileItIsShippedIsStillShippedWhole() throws Exception {
        int lineCount = 1_000_000;
        EduroamLog.write(dir.resolve("deleted.log"), lineCount, 21);
        String topic = Topics.unique("deleted");
        CompletableFuture<Run> run = CompletableFuture.supplyAsync(() -> {
            try {
                return ship(topic, dir + "/deleted.log");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > 0);
        Files.delete(dir.resolve("deleted.log"));

        Run finished = run.get(3, TimeUnit.MINUTES);
        assertEquals(0, finished.exitCode(), finished.out() + finished.err());
        assertEquals(lineCount, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    @Test
    void aFileWithoutReadPermissionIsNamedAndNothingIsSent() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("open.log"), "x\n");
        Files.writeString(in.resolve("closed.log"), "secret\n");
        Files.setPosixFilePermissions(in.resolve("closed.log"), PosixFilePermissions.fromString("---------"));
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("closed");
        String[] args = {"--files", in + "/*.log", "--topic", topic};

        Run run;
        if ("root".equals(System.getProperty("user.name"))) {
            // root reads any file: run as nobody, who can read the directory but not the closed file
            for (Path p : List.of(dir, in, in.resolve("open.log"), dir.resolve("client.properties"))) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p)
                        ? "rwxr-xr-x" : "rw-r--r--"));
            }
            run = Run.jarAs(dir, List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"), args);
        } else {
            run = Run.jar(dir, args);
        }

        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("File " + in.resolve("closed.log") + " cannot be read: permission denied."),
                run.err());
        assertFalse(run.out().contains("Shipping 2"), run.out());
    }

    private static byte[] concat(Object... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (Object part : parts) {
            out.writeBytes(part instanceof byte[] bytes ? bytes : part.toString().getBytes(StandardCharsets.UTF_8));
            if (part instanceof byte[]) {
                out.write('\n');
            }
        }
        return out.toByteArray();
    }
}
