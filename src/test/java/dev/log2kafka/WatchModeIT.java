package dev.log2kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service mode: files dropped into a watched directory are shipped, then moved to .done/ or .failed/. */
class WatchModeIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

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
    void aFileTheBrokerRefusesGoesToFailedWithTheReasonLoggedAndTheNextFileIsShipped() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        String topic = Topics.unique("refused");
        // The producer would send these lines; the broker refuses records over 1,000 bytes on this topic.
        Topics.create(BROKER.bootstrapServers(), topic, 1, Map.of("max.message.bytes", "1000"));
        start(incoming, topic);

        Files.write(incoming.resolve("too-big.log"), incompressibleLines(2, 3_000));
        Path failed = incoming.resolve(".failed/too-big.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(failed));

        Files.writeString(incoming.resolve("fine.log"), "fine\n");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(incoming.resolve(".done/fine.log")));

        app[0].stop();
        Run run = running.get();
        assertTrue(run.err().contains("File " + incoming.resolve("too-big.log") + " lines 1-2 were not sent to topic "
                + topic + ": "), run.err());
        assertTrue(run.err().contains("larger than the max message size"), run.err());
        assertTrue(run.out().contains("Files: 2 (1 done, 1 failed)"), run.out());
        assertEquals(List.of("fine"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    /**
     * Lines of about {@code bytes} random Base64 characters each, so that compression cannot shrink them under a
     * topic's max.message.bytes.
     */
    static List<String> incompressibleLines(int count, int bytes) {
        java.util.Random random = new java.util.Random(7);
        List<String> lines = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] noise = new byte[bytes * 3 / 4];
            random.nextBytes(noise);
            lines.add(java.util.Base64.getEncoder().encodeToString(noise));
        }
        return lines;
    }

    private void start(Path incoming, String topic, String... kafkaLines) throws IOException {
        Path config = Run.clientProperties(dir, BROKER.bootstrapServers(), kafkaLines);
        running = CompletableFuture.supplyAsync(() -> Run.inProcess(app, "--watch", "--files", incoming + "/*.log",
                "--topic", topic, "--kafka-config", config.toString()));
    }
}
