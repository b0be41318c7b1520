package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;

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

    @Test
    void theFirstRunMakesAClassDataArchiveAndTheNextStartsFromIt() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        List<String> lines = IntStream.rangeClosed(1, 1000).mapToObj(n -> "line " + n).toList();
        Files.write(dir.resolve("a.log"), lines);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String first = Topics.unique("archive-made");

        Run made = Run.launcher(dir, Map.of("XDG_CACHE_HOME", cache.toString()), "--files", dir + "/a.log",
                "--topic", first);

        assertEquals(0, made.exitCode(), made.out() + made.err());
        assertEquals(lines, OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), first)));
        List<Path> archives;
        try (Stream<Path> files = Files.list(cache.resolve("log2kafka"))) {
            archives = files.filter(f -> f.toString().endsWith(".jsa")).toList();
        }
        assertEquals(1, archives.size(), archives.toString());

        // each JVM of the next run (the launcher's and log2kafka's) logs where each of its classes came from
        String second = Topics.unique("archive-used");
        Run started = Run.launcher(dir, Map.of("XDG_CACHE_HOME", cache.toString(), "JDK_JAVA_OPTIONS",
                "-Xlog:class+load=info:file=" + dir + "/classes-%p.log"), "--files", dir + "/a.log", "--topic", second);

        assertEquals(0, started.exitCode(), started.out() + started.err());
        assertEquals(lines, OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), second)));
        String log2kafka;
        try (Stream<Path> files = Files.list(dir)) {
            log2kafka = files.filter(f -> f.getFileName().toString().startsWith("classes-")).map(JarIT::read)
                    .filter(log -> log.contains(" dev.log2kafka.ShippingRun ")).findFirst().orElseThrow();
        }
        assertTrue(log2kafka.contains(" dev.log2kafka.ShippingRun source: shared objects file"),
                "log2kafka's classes were read from the jar, not the archive");
        long shared = log2kafka.lines().filter(l -> l.contains("source: shared objects file")).count();
        assertTrue(shared > 5000, shared + " classes from the archive");
        assertTrue(Files.exists(archives.get(0)), "the archive is still there");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
