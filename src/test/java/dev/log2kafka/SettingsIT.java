package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.log2kafka.cli.ExitCode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A setting has one value, wherever it is used: the command line wins over the environment, which wins over
 * application.properties in the working directory, which wins over the jar's copy; in the routes (where the records
 * go, how lines are batched) as in the messages. Each run is the packaged jar in a process of its own, with a real
 * process environment.
 */
class SettingsIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private Path commandLineFile;
    private Path environmentFile;
    private Path propertiesFile;

    @BeforeEach
    void files() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        commandLineFile = Files.write(dir.resolve("command-line.log"), List.of("c1", "c2"));
        environmentFile = Files.write(dir.resolve("environment.log"), List.of("e1", "e2"));
        propertiesFile = Files.write(dir.resolve("properties.log"), List.of("p1", "p2"));
    }

    @Test
    void theCommandLineWinsOverTheEnvironmentForTopicAndFiles() throws Exception {
        String fromCommandLine = topic("command-line");
        String fromEnvironment = topic("environment");

        Run run = Run.jar(dir, Map.of("LOG2KAFKA_TOPIC", fromEnvironment, "LOG2KAFKA_FILES",
                environmentFile.toString()), "--topic", fromCommandLine, "--files", commandLineFile.toString());

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("matching " + commandLineFile + " to topic " + fromCommandLine), run.out());
        assertEquals(List.of("c1", "c2"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), fromCommandLine)));
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), fromEnvironment));
    }

    @Test
    void theEnvironmentWinsOverApplicationPropertiesForTopicAndFiles() throws Exception {
        String fromEnvironment = topic("environment");
        String fromProperties = topic("properties");
        writeApplicationProperties(fromProperties, propertiesFile, 5);

        Run run = Run.jar(dir, Map.of("LOG2KAFKA_TOPIC", fromEnvironment, "LOG2KAFKA_FILES",
                environmentFile.toString()));

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("matching " + environmentFile + " to topic " + fromEnvironment), run.out());
        assertEquals(List.of("e1", "e2"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), fromEnvironment)));
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), fromProperties));
    }

    @Test
    void applicationPropertiesInTheWorkingDirectoryWinOverTheJarsCopy() throws Exception {
        String fromProperties = topic("properties");
        writeApplicationProperties(fromProperties, propertiesFile, 5);

        Run run = Run.jar(dir, Map.of());

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertEquals(List.of("p1", "p2"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), fromProperties)));
    }

    /**
     * The batch size the route uses shows in a batch the broker refuses: the log names its line range. A topic that
     * takes no record older than the moment it arrives (message.timestamp.before.max.ms=0) refuses the records the
     * producer lingered on, so the first batch has refused lines, whatever its size.
     */
    @Test
    void theBatchSizeTheRouteUsesFollowsTheSamePrecedence() throws Exception {
        String refusing = Topics.unique("refusing");
        Topics.create(BROKER.bootstrapServers(), refusing, 1, Map.of("message.timestamp.before.max.ms", "0"));
        Path log = dir.resolve("refused.log");
        Files.write(log, java.util.stream.IntStream.rangeClosed(1, 20).mapToObj(i -> "line " + i).toList());
        writeApplicationProperties(refusing, log, 5);

        // each run ships the file whole (its refused lines go to the dead letters), so each has a state of its own
        Run fromProperties = Run.jar(dir, Map.of(), "--state-dir", dir + "/state-1");
        Run fromEnvironment = Run.jar(dir, Map.of("LOG2KAFKA_BATCH_SIZE", "3"), "--state-dir", dir + "/state-2");
        Run fromCommandLine = Run.jar(dir, Map.of("LOG2KAFKA_BATCH_SIZE", "3"), "--batch-size", "7", "--state-dir",
                dir + "/state-3");

        for (Run run : List.of(fromProperties, fromEnvironment, fromCommandLine)) {
            assertEquals(ExitCode.DEAD_LETTERS.code(), run.exitCode(), run.out() + run.err());
        }
        assertTrue(fromProperties.err().contains("File " + log + " lines 1-5: Kafka refused"), fromProperties.err());
        assertTrue(fromEnvironment.err().contains("File " + log + " lines 1-3: Kafka refused"), fromEnvironment.err());
        assertTrue(fromCommandLine.err().contains("File " + log + " lines 1-7: Kafka refused"), fromCommandLine.err());
    }

    /** Camel's own keys follow the same order: here the routes, from CAMEL_MAIN_ROUTES_INCLUDE_PATTERN. */
    @Test
    void theEnvironmentWinsOverApplicationPropertiesForCamelsKeysToo() throws Exception {
        String route = Files.readString(Path.of("routes/ship-files.camel.yaml"));
        Files.writeString(Files.createDirectories(dir.resolve("routes")).resolve("ship-files.camel.yaml"), route);
        Files.writeString(Files.createDirectories(dir.resolve("other-routes")).resolve("ship-files.camel.yaml"),
                route.replace("uri: kafka:{{log2kafka.topic}}", "uri: kafka:{{log2kafka.topic}}-other"));
        String topic = topic("camel");
        Topics.create(BROKER.bootstrapServers(), topic + "-other", 1);

        Run run = Run.jar(dir, Map.of("CAMEL_MAIN_ROUTES_INCLUDE_PATTERN", "file:other-routes/*.camel.yaml"),
                "--topic", topic, "--files", commandLineFile.toString());

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertEquals(List.of("c1", "c2"),
                OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic + "-other")));
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /** Each wrong setting ends the run before anything is sent, with one sentence and exit code 2. */
    @Test
    void wrongSettingsAreOneSentenceAndExitCodeTwoBeforeAnythingIsSent() throws Exception {
        String topic = topic("untouched");
        Files.write(dir.resolve("acks.properties"), List.of("bootstrap.servers=" + BROKER.bootstrapServers(),
                "acks=0"));
        Files.write(dir.resolve("linger.properties"), List.of("bootstrap.servers=" + BROKER.bootstrapServers(),
                "linger.ms=abc"));
        String file = commandLineFile.toString();
        Map<List<String>, String> cases = new java.util.LinkedHashMap<>();
        cases.put(List.of("--topic", ""), "Setting topic must be a Kafka topic name");
        cases.put(List.of("--topic", "bad topic"), "Setting topic must be a Kafka topic name");
        cases.put(List.of("--topic", "t?x=1"), "Setting topic must be a Kafka topic name");
        cases.put(List.of("--topic", topic, "--batch-size", "2147483647"),
                "Setting batch-size 2,147,483,647 is more lines than a");
        cases.put(List.of("--topic", topic, "--kafka-config", "acks.properties"), "The Kafka producer settings in"
                + " acks.properties are not valid: Must set acks to all in order to use the idempotent producer.");
        cases.put(List.of("--topic", topic, "--kafka-config", "linger.properties"), "The Kafka producer settings in"
                + " linger.properties are not valid: Invalid value abc for configuration linger.ms");

        for (Map.Entry<List<String>, String> wrong : cases.entrySet()) {
            List<String> args = new java.util.ArrayList<>(wrong.getKey());
            args.addAll(List.of("--files", file));
            Run run = Run.jar(dir, Map.of(), args.toArray(String[]::new));
            assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), args + "\n" + run.out() + run.err());
            String sentence = run.err().strip().lines().reduce((a, b) -> b).orElse("");
            assertTrue(sentence.startsWith(wrong.getValue()), args + ": " + sentence);
            assertTrue(!run.err().contains("\tat "), args + ": a stack trace\n" + run.err());
        }
        Run run = Run.jar(dir, Map.of("LOG2KAFKA_WATCH", "maybe"), "--files", file);
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.err().contains("Setting watch must be true or false (or yes or no), not 'maybe' (from"
                + " environment variable LOG2KAFKA_WATCH)."), run.err());
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    @Test
    void yesFromTheEnvironmentTurnsWatchModeOn() throws Exception {
        Path incoming = Files.createDirectories(dir.resolve("incoming"));
        ProcessBuilder watcher = Run.jarProcess(dir, "--files", incoming + "/*.log", "--topic", topic("watch"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("watch.txt").toFile());
        watcher.environment().put("LOG2KAFKA_WATCH", "yes");
        Process process = watcher.start();
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("watch.txt"))
                    .contains("Shipping new files matching " + incoming + "/*.log"));
        } finally {
            process.destroy();
        }
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), Files.readString(dir.resolve("watch.txt")));
    }

    /**
     * A directory with `&`, spaces and braces, and file names in UTF-8, run from an environment as bare as cron's
     * (C locale):
     * every line ships, and the names are printed as they are.
     */
    @Test
    void anyDirectoryAndFileNameShipsWhateverTheLocale() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("a&b c=d ünï {{x}}"));
        Path file = Files.write(odd.resolve("ßêrvér-日本.log"), List.of("ü 1", "日本 2"));
        String topic = topic("names");
        Map<String, String> bare = new java.util.HashMap<>();
        bare.put("PATH", "/usr/bin:/bin");

        Run run = Run.jarInEnvironment(dir, bare, "--files", odd + "/*.log", "--topic", topic);

        assertEquals(ExitCode.OK.code(), run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("matching " + odd + "/*.log"), run.out());
        assertTrue(run.err().contains("Done " + file), run.err());
        assertEquals(List.of("ü 1", "日本 2"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
    }

    private String topic(String prefix) throws Exception {
        String topic = Topics.unique(prefix);
        Topics.create(BROKER.bootstrapServers(), topic, 1);
        return topic;
    }

    private void writeApplicationProperties(String topic, Path files, int batchSize) throws Exception {
        Files.write(dir.resolve("application.properties"), List.of("log2kafka.topic = " + topic,
                "log2kafka.files = " + files, "log2kafka.batch-size = " + batchSize));
    }
}
