package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The service mode: files dropped into a watched directory are shipped, then moved to .done/ or .failed/. */
class WatchModeIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups");

    private final Log2Kafka[] app = new Log2Kafka[1];
    private CompletableFuture<Run> running;

    @AfterEach
    void stopApp() throws Exception {
        if (running != null && !running.isDone()) {
            app[0].stop();
            running.get();
        }
    }

    @Test
    void aFileStillBeingWrittenIsShippedWholeAndMovedToDoneOnlyAfterItsRecordsAreInKafka() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("watch");
        start(incoming, topic);

        Path file = incoming.resolve("radius.log");
        int lines = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            // A slow writer: the file grows for about two seconds, in pieces.
            for (int piece = 0; piece < 10; piece++) {
                for (int i = 0; i < 5_000; i++, lines++) {
                    out.write((EduroamLog.line(lines, 3) + "\n").getBytes(StandardCharsets.US_ASCII));
                }
                out.flush();
                Thread.sleep(200);
            }
        }

        Path done = incoming.resolve(".done/radius.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(done));
        // The move happens only after every record was acknowledged, so all are readable now.
        assertEquals(lines, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
        assertFalse(Files.exists(file));
        assertEquals(50_000, Files.readAllLines(done).size());
    }

    @Test
    void aCompressedFileDroppedInIsShippedAsItsLines() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("watch-gzip");
        List<byte[]> lines = OneShotIT.writeAwkwardLog(dir.resolve("radius.log"), 5_000);
        try (InputStream in = Files.newInputStream(dir.resolve("radius.log"));
                OutputStream out = new GZIPOutputStream(Files.newOutputStream(dir.resolve("radius.log.gz")))) {
            in.transferTo(out);
        }
        start(incoming + "/*.gz", topic);

        Files.move(dir.resolve("radius.log.gz"), incoming.resolve("radius.log.gz"));

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/radius.log.gz")));
        OneShotIT.assertRecordsEqual(lines, Topics.values(BROKER.bootstrapServers(), topic));
    }

    /** Kafka is gone longer than the producer waits (its delivery timeout): the file goes to .failed/, logged. */
    @Test
    void aFileKafkaDoesNotTakeInTimeGoesToFailedWithTheReasonLogged() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("gone");
        EmbeddedKafka own = new EmbeddedKafka();
        own.start();
        try {
            own.createTopic(topic, 1);
            start(own.bootstrapServers(), incoming + "/*.log", topic,
                    List.of("delivery.timeout.ms=3000", "request.timeout.ms=2000", "max.block.ms=3000"));
            own.stopKeepingData();

            Files.write(incoming.resolve("refused.log"), List.of("one", "two"));
            Path failed = incoming.resolve(".failed/refused.log");
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(failed));

            Run run = stop();
            assertTrue(run.err().contains("File " + incoming.resolve("refused.log") + " lines 1-2 were not sent to"
                    + " topic " + topic + ": "), run.err());
            assertTrue(run.out().contains("Files: 1 (0 done, 1 failed)"), run.out());
            own.startAgain();
            assertEquals(0, Topics.endOffsetSum(own.bootstrapServers(), topic));
        } finally {
            own.stop();
        }
    }

    @Test
    void aFileReplacedWhileItShipsIsShippedAsTheNewFileBeforeItMoves() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("replaced");
        EduroamLog.write(dir.resolve("old.log"), 2_000_000, 31);
        Files.write(dir.resolve("new.log"), List.of("new 1", "new 2", "new 3"));
        start(incoming, topic);

        Files.move(dir.resolve("old.log"), incoming.resolve("R.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > 0);
        // the rename an operator or a log writer does: the path now names another file
        Files.move(dir.resolve("new.log"), incoming.resolve("R.log"), StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/R.log")));

        Run run = stop();
        List<String> records = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        assertEquals(2_000_003, records.size());
        assertEquals(List.of("new 1", "new 2", "new 3"), records.subList(2_000_000, 2_000_003));
        assertTrue(run.err().contains(incoming.resolve("R.log") + " was replaced while it was shipped"), run.err());
        assertEquals(List.of("new 1", "new 2", "new 3"), Files.readAllLines(incoming.resolve(".done/R.log")));
    }

    @Test
    void linesAppendedWhileAFileShipsAreShippedBeforeItMoves() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("appended");
        EduroamLog.write(dir.resolve("A.log"), 2_000_000, 32);
        start(incoming, topic);

        Files.move(dir.resolve("A.log"), incoming.resolve("A.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > 0);
        Files.write(incoming.resolve("A.log"), List.of("late 1", "late 2"), StandardOpenOption.APPEND);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/A.log")));

        stop();
        // read by the same reader if it had not reached the end yet, else once it had (RoutesTest shows that case)
        List<String> records = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        assertEquals(2_000_002, records.size());
        assertEquals(List.of("late 1", "late 2"), records.subList(2_000_000, 2_000_002));
    }

    /**
     * A writer that pauses longer than the quiet time with its file open, and no done marker: the file is taken once
     * it is closed, so every line is shipped and none is written to a file already moved to .done/.
     */
    @Test
    void aWriterThatPausesWithItsFileOpenHasItsFileTakenOnceClosedWithEveryLine() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("open-writer");
        start(incoming, topic);

        try (OutputStream out = Files.newOutputStream(incoming.resolve("slow.log"))) {
            for (int i = 1; i <= 4; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // longer than the quiet time (read-lock-min-age, 1 s)
                Thread.sleep(2_000);
                assertFalse(Files.exists(incoming.resolve(".done/slow.log")), "moved while open, after line " + i);
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/slow.log")));

        stop();
        assertEquals(List.of("line 1", "line 2", "line 3", "line 4"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    /** A writer that pauses longer than the quiet time marks its file done instead; every line is shipped. */
    @Test
    void aWriterThatPausesWritesADoneMarkerAndEveryLineIsShipped() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("marker");
        start(incoming, topic, "--done-file-name", "${file:name}.done");

        try (OutputStream out = Files.newOutputStream(incoming.resolve("slow.log"))) {
            for (int i = 1; i <= 6; i++) {
                out.write(("line " + i + "\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // longer than the quiet time (read-lock-min-age, 1 s)
                Thread.sleep(1_500);
            }
        }
        Files.createFile(incoming.resolve("slow.log.done"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/slow.log")));

        stop();
        assertEquals(List.of("line 1", "line 2", "line 3", "line 4", "line 5", "line 6"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        assertFalse(Files.exists(incoming.resolve("slow.log.done")));
    }

    @Test
    void aNameDroppedTwiceKeepsBothFilesInDoneAndAnEmptyFileIsDone() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("twice");
        start(incoming, topic);

        Files.write(dir.resolve("first"), List.of("first"));
        Files.move(dir.resolve("first"), incoming.resolve("L1.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/L1.log")));
        Files.write(dir.resolve("second"), List.of("second"));
        Files.move(dir.resolve("second"), incoming.resolve("L1.log"));
        Files.createFile(incoming.resolve("empty.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/L1.log.1"))
                && Files.exists(incoming.resolve(".done/empty.log")));

        Run run = stop();
        assertEquals(List.of("first"), Files.readAllLines(incoming.resolve(".done/L1.log")));
        assertEquals(List.of("second"), Files.readAllLines(incoming.resolve(".done/L1.log.1")));
        assertEquals(List.of("first", "second"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        try (var left = Files.list(incoming)) {
            assertEquals(List.of(".done"), left.map(p -> p.getFileName().toString()).toList());
        }
        assertTrue(run.out().contains("Files: 3 (3 done, 0 failed)"), run.out());
    }

    /** A service manager stops the watcher with SIGTERM: between files, that is a clean stop. */
    @Test
    void sigtermToAWatcherBetweenFilesEndsItWithExitCodeZeroAndTheFilesCountedAsShipped() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("sigterm");
        Run.clientProperties(dir, BROKER.bootstrapServers());
        EduroamLog.write(dir.resolve("R.log"), 500_000, 33);
        Process watcher = Run.jarProcess(dir, "--watch", "--files", incoming + "/*.log", "--topic", topic)
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("watcher.txt"))
                .contains("Shipping new files matching"));
        Files.move(dir.resolve("R.log"), incoming.resolve("R.log"));
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/R.log")));

        watcher.destroy();

        assertTrue(watcher.waitFor(30, TimeUnit.SECONDS));
        String printed = Files.readString(dir.resolve("watcher.txt"));
        assertEquals(0, watcher.exitValue(), printed);
        assertTrue(printed.contains("Processing stopped: 1 of 1 file(s) shipped completely"), printed);
        assertEquals(500_000, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /**
     * A writer the watcher cannot see (the watcher runs as nobody, the writer as root): its file is taken after the
     * quiet time and moved while it is still open; what it writes after the move is shipped from the moved file, in
     * order, a line begun before a look and ended after it as one line, and a warning names the file.
     */
    @Test
    void linesAWriterItCannotSeeWritesAfterTheMoveAreShippedFromTheMovedFile() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the jar as nobody");
        Path incoming = watchedAsNobody();
        String topic = Topics.unique("unseen-writer");
        int port = ServiceIT.freePort();
        Process watcher = Run.jarProcess(dir, AS_NOBODY, "--watch", "--files", incoming + "/*.log", "--topic", topic,
                "--state-dir", incoming + "/.state", "--http-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.txt").toFile()).start();
        try (OutputStream out = Files.newOutputStream(incoming.resolve("slow.log"))) {
            out.write("line 1\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/slow.log")));
            out.write("line 2\nli".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) == 2);
            out.write("ne 3\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) == 3);
            assertEquals(0.0, ServiceIT.value(ServiceIT.get(port, "/observe/metrics").body(),
                    "log2kafka_watch_unshipped_bytes_total"));
        } finally {
            watcher.destroy();
        }
        assertTrue(watcher.waitFor(30, TimeUnit.SECONDS));
        String printed = Files.readString(dir.resolve("watcher.txt"));
        assertTrue(printed.contains(incoming.resolve(".done/slow.log") + " gained 9 bytes after it was shipped and"
                + " moved there: a writer log2kafka could not see still had " + incoming.resolve("slow.log")
                + " open. Shipping its new lines"), printed);
        assertEquals(List.of("line 1", "line 2", "line 3"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        try (Stream<Path> state = Files.list(incoming.resolve(".state"))) {
            assertEquals(List.of(), state.filter(f -> f.toString().endsWith(".checkpoint")).toList(),
                    "a moved file needs no checkpoint");
        }
    }

    /** A file the watcher cannot read goes to .failed/, and the log says why; the watcher runs as nobody. */
    @Test
    void aFileThatCannotBeReadGoesToFailedWithTheReasonLogged() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the jar as nobody");
        Path incoming = watchedAsNobody();
        String topic = Topics.unique("unreadable");
        Process watcher = Run.jarProcess(dir, AS_NOBODY, "--watch", "--files", incoming + "/*.log", "--topic", topic, "--state-dir", incoming + "/.state")
                .redirectErrorStream(true).redirectOutput(dir.resolve("watcher.txt").toFile()).start();
        try {
            Files.write(dir.resolve("closed.log"), List.of("secret"));
            Files.setPosixFilePermissions(dir.resolve("closed.log"), PosixFilePermissions.fromString("---------"));
            Files.move(dir.resolve("closed.log"), incoming.resolve("closed.log"));
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".failed/closed.log")));
        } finally {
            watcher.destroy();
        }
        assertTrue(watcher.waitFor(30, TimeUnit.SECONDS));
        String printed = Files.readString(dir.resolve("watcher.txt"));
        assertTrue(printed.contains("File " + incoming.resolve("closed.log") + " was not shipped (it goes to"
                + " .failed/): permission denied"), printed);
        assertEquals(ExitCode.FAILED.code(), watcher.exitValue(), printed);
    }

    /** A directory to watch that nobody may write, and client settings nobody may read. */
    private Path watchedAsNobody() throws IOException {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        Run.clientProperties(dir, BROKER.bootstrapServers());
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(dir.resolve("client.properties"), PosixFilePermissions.fromString("rw-r--r--"));
        Files.setOwner(incoming, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody"));
        return incoming;
    }

    private void start(Path incoming, String topic, String... options) throws IOException {
        start(incoming + "/*.log", topic, options);
    }

    private void start(String files, String topic, String... options) throws IOException {
        start(BROKER.bootstrapServers(), files, topic, List.of(), options);
    }

    private void start(String bootstrap, String files, String topic, List<String> clientSettings, String... options)
            throws IOException {
        Path config = Run.clientProperties(dir, bootstrap, clientSettings.toArray(String[]::new));
        List<String> args = new ArrayList<>(List.of("--watch", "--files", files, "--topic", topic,
                "--kafka-config", config.toString()));
        args.addAll(List.of(options));
        running = CompletableFuture.supplyAsync(() -> Run.inProcess(app, args.toArray(String[]::new)));
        await().atMost(Duration.ofSeconds(60)).until(() -> app[0] != null && app[0].started());
    }

    private Run stop() throws Exception {
        app[0].stop();
        return running.get(60, TimeUnit.SECONDS);
    }
}
