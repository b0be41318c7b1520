package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standby failover with Camel's file-lock cluster service: two instances follow the same log with the same
 * --cluster-lock and --state-dir; one ships, the other waits. After a SIGKILL of the one that ships, the other takes
 * over from the checkpoints and no line is lost.
 */
class FailoverIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private FollowIT.Writer writer;

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
    void whenTheInstanceThatShipsIsKilledTheStandbyTakesOverAndNoLineIsLost() throws Exception {
        String topic = Topics.unique("failover");
        writer = FollowIT.Writer.start(dir.resolve("app.log"), false);
        Process first = instance(topic, "first");
        Thread.sleep(3000);
        Process second = instance(topic, "second");
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                > 2_000);
        Thread.sleep(2000);

        // exactly one of them ships
        boolean firstShips = Files.readString(dir.resolve("first.txt")).contains("Shipping " + dir);
        boolean secondShips = Files.readString(dir.resolve("second.txt")).contains("Shipping " + dir);
        assertTrue(firstShips != secondShips, "first ships: " + firstShips + ", second ships: " + secondShips);
        Process leader = firstShips ? first : second;
        String standby = firstShips ? "second" : "first";

        leader.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        long killed = System.nanoTime();
        long before = Topics.endOffsetSum(BROKER.bootstrapServers(), topic);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > before);
        long takeover = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertTrue(Files.readString(dir.resolve(standby + ".txt")).contains("Shipping " + dir),
                "the standby ships now");
        Thread.sleep(1000);
        List<String> written = writer.stop();

        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                >= written.size());
        Thread.sleep(2000);
        List<String> records = OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic));
        Set<String> arrived = new HashSet<>(records);
        List<String> missing = written.stream().filter(line -> !arrived.contains(line)).toList();
        assertEquals(List.of(), missing.subList(0, Math.min(5, missing.size())), missing.size() + " lines lost");
        System.out.printf("failover: the standby shipped %,d ms after the SIGKILL; %,d lines, %,d repeated%n",
                takeover, written.size(), records.size() - written.size());
        assertTrue(takeover < 30_000, "the standby took " + takeover + " ms");
    }

    private Process instance(String topic, String name) throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        Process process = Run.jarProcess(dir, "--follow", "--files", dir + "/app.log*", "--topic", topic,
                "--state-dir", dir.resolve("state").toString(), "--cluster-lock", dir.resolve("cluster").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".txt").toFile()).start();
        processes.add(process);
        return process;
    }
}
