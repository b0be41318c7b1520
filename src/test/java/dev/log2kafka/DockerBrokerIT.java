package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The same job against Apache's Kafka image, on machines with Docker; skipped where there is none. */
@Testcontainers(disabledWithoutDocker = true)
class DockerBrokerIT {

    @Container
    static final KafkaContainer KAFKA = new KafkaContainer("apache/kafka:4.1.1");

    @TempDir
    Path dir;

    @Test
    void linesArriveInABrokerRunningInDocker() throws Exception {
        Files.writeString(dir.resolve("a.log"), "first\nsecond\r\nthird");
        String topic = Topics.unique("docker");

        Run run = Run.inProcess("--files", dir + "/*.log", "--topic", topic, "--kafka-config",
                Run.clientProperties(dir, KAFKA.getBootstrapServers()).toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("first", "second", "third"),
                OneShotIT.strings(Topics.values(KAFKA.getBootstrapServers(), topic)));
    }
}
