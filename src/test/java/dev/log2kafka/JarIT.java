package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The packaged jar run as users run it, each in a process of its own. */
class JarIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    @Test
    void threeFilesOfTwoMillionLinesInAllEndAsTwoMillionRecords() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("kafka-log"));
        EduroamLog.write(logs.resolve("eduroam-1.log"), 700_000, 1);
        EduroamLog.write(logs.resolve("eduroam-2.log"), 700_000, 2);
        EduroamLog.write(logs.resolve("eduroam-3.log"), 600_000, 3);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("two-million");

        Run run = Run.jar(dir, "--files", logs + "/*.log", "--topic", topic, "--kafka-config", "client.properties",
                "--batch-size", "10000");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 2,000,000 read, 2,000,000 sent"), run.out());
        assertTrue(run.out().contains("Processing complete"), run.out());
        assertEquals(2_000_000, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    @Test
    void anEditedRouteInTheRoutesFolderIsWhatRuns() throws Exception {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        String route = Files.readString(Path.of("routes/ship-files.camel.yaml"));
        // The edit a user might make: send to a second topic named after the first.
        String edited = route.replace("uri: kafka:{{log2kafka.topic}}", "uri: kafka:{{log2kafka.topic}}-edited");
        assertFalse(edited.equals(route), "the route still has the line this test edits");
        Files.writeString(routes.resolve("ship-files.camel.yaml"), edited);
        Files.writeString(dir.resolve("a.log"), "edited route\n");
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("yaml");

        Run run = Run.jar(dir, "--files", dir + "/a.log", "--topic", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertEquals(List.of("edited route"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic + "-edited")));
    }

    @Test
    void theDemoShipsTheSampleToAnEmbeddedBrokerAndRemovesItsData() throws Exception {
        Path project = Path.of("").toAbsolutePath();

        Run run = Run.jar(project, "--embedded-kafka", "--files", "samples/*.log");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        long sampleLines = Files.readAllLines(project.resolve("samples/eduroam-sample.log")).size();
        assertTrue(run.out().contains(String.format("Lines: %,d read, %,d sent", sampleLines, sampleLines)),
                run.out());
        String data = run.out().lines().filter(l -> l.startsWith("Embedded Kafka broker"))
                .map(l -> l.replaceAll(".*data in (.*), removed at exit.*", "$1")).findFirst().orElseThrow();
        assertFalse(Files.exists(Path.of(data)), data + " was left behind");
    }
}
