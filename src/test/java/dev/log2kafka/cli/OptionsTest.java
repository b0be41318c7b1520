package dev.log2kafka.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.log2kafka.source.SourceMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One value per setting, from the first source that sets it, checked the same way whatever the source. */
class OptionsTest {

    @TempDir
    Path dir;

    @Test
    void eachSourceWinsOverTheOnesBelowIt() throws Exception {
        Files.write(dir.resolve("application.properties"), List.of("log2kafka.topic = from-file",
                "log2kafka.files = /file/*.log", "log2kafka.batch-size = 5"));
        Map<String, String> environment = Map.of("LOG2KAFKA_FILES", "/environment/*.log", "LOG2KAFKA_BATCH_SIZE", "3");

        Options options = parse(environment, "--batch-size", "7");

        assertEquals("from-file", options.topic());
        assertEquals("/environment/*.log", options.files());
        assertEquals(7, options.batchSize());
        // the jar's copy and the declared defaults come last
        assertEquals("client.properties", options.kafkaConfig().toString());
        // what the routes see is what the run uses
        assertEquals("from-file", options.asProperties().get("log2kafka.topic"));
        assertEquals("/environment/*.log", options.asProperties().get("log2kafka.files"));
        assertEquals("7", options.asProperties().get("log2kafka.batch-size"));
    }

    @Test
    void camelsKeysTakeTheEnvironmentOverTheFileToo() throws Exception {
        Files.write(dir.resolve("application.properties"), List.of("camel.main.shutdown-timeout = 5"));
        Settings settings = Settings.load(dir, Map.of("CAMEL_COMPONENT_KAFKA_LINGER_MS", "20"));

        var camel = settings.forCamel(Map.of());

        assertEquals("5", camel.getProperty("camel.main.shutdown-timeout"));
        assertEquals("20", camel.getProperty("camel.component.kafka.linger-ms"));
        assertEquals("0", camel.getProperty("camel.component.properties.environment-variable-mode"));
    }

    @Test
    void booleansAreTrueFalseYesOrNoFromAnySource() throws Exception {
        assertEquals(SourceMode.WATCH, parse(Map.of("LOG2KAFKA_WATCH", "yes")).mode());
        assertEquals(SourceMode.ONE_SHOT, parse(Map.of("LOG2KAFKA_WATCH", "yes"), "--watch=no").mode());
        assertEquals(SourceMode.WATCH, parse(Map.of(), "--watch").mode());

        SettingsException wrong = assertThrows(SettingsException.class,
                () -> parse(Map.of("LOG2KAFKA_WATCH", "maybe")));
        assertEquals("Setting watch must be true or false (or yes or no), not 'maybe' (from environment variable"
                + " LOG2KAFKA_WATCH).", wrong.getMessage());
    }

    @Test
    void aWrongValueIsNamedWithWhereItCameFrom() throws Exception {
        Files.write(dir.resolve("application.properties"), List.of("log2kafka.batch-size = lots"));

        SettingsException fromFile = assertThrows(SettingsException.class, () -> parse(Map.of()));
        SettingsException fromCommandLine = assertThrows(SettingsException.class,
                () -> parse(Map.of(), "--topic", "bad topic"));

        assertEquals("Setting batch-size must be a positive whole number, not 'lots' (from "
                + dir.resolve("application.properties") + ").", fromFile.getMessage());
        assertEquals("Setting topic must be a Kafka topic name (1 to 249 letters, digits, '.', '_' or '-'), not"
                + " 'bad topic'.", fromCommandLine.getMessage());
    }

    @Test
    void topicNamesFollowKafkasRules() {
        for (String wrong : List.of("", ".", "..", "bad topic", "t?x=1", "x".repeat(250))) {
            assertThrows(SettingsException.class, () -> parse(Map.of(), "--topic", wrong), wrong);
        }
        assertEquals("eduroam-log.v2_x", parse(Map.of(), "--topic", "eduroam-log.v2_x").topic());
    }

    @Test
    void standardInputCannotBeWatched() {
        assertEquals(SourceMode.STANDARD_INPUT, parse(Map.of(), "--files", "-").mode());
        SettingsException wrong = assertThrows(SettingsException.class,
                () -> parse(Map.of(), "--files", "-", "--watch").mode());
        assertEquals("Watch mode needs a directory to watch, not standard input (--files -), which is read as it"
                + " comes anyway.", wrong.getMessage());
    }

    @Test
    void aClusterLockIsForAServiceNotForAOneShotRun() {
        assertEquals(SourceMode.FOLLOW, parse(Map.of(), "--follow", "--cluster-lock", "/shared/lock").mode());
        assertEquals("--cluster-lock is for a service that runs until stopped (--watch or --follow): a one-shot run"
                + " has no standby to hand over to.", assertThrows(SettingsException.class,
                        () -> parse(Map.of(), "--cluster-lock", "/shared/lock").mode()).getMessage());
    }

    @Test
    void followIsItsOwnModeAndNeitherWatchNorStandardInput() {
        assertEquals(SourceMode.FOLLOW, parse(Map.of("LOG2KAFKA_FOLLOW", "yes"), "--files", "/var/log/app.log*")
                .mode());
        assertEquals("Choose --watch (ship each complete file once, then move it) or --follow (follow live files"
                + " where they are), not both.", assertThrows(SettingsException.class,
                        () -> parse(Map.of(), "--follow", "--watch").mode()).getMessage());
        assertEquals("Follow mode needs files to follow, not standard input (--files -), which is read as it comes"
                + " anyway.", assertThrows(SettingsException.class,
                        () -> parse(Map.of(), "--follow", "--files", "-").mode()).getMessage());
    }

    /** The README's option list is what --help prints. */
    @Test
    void theReadmeShowsWhatHelpPrints() throws Exception {
        CommandLine cli = Options.parse(new String[] {"--help"}, Settings.load(Path.of(""), Map.of()));
        ByteArrayOutputStream help = new ByteArrayOutputStream();
        cli.usage(new PrintStream(help, true, StandardCharsets.UTF_8));

        String readme = Files.readString(Path.of("README.md"));
        assertTrue(readme.contains(help.toString(StandardCharsets.UTF_8).replace("\r", "").strip()),
                "README.md should show, in its Settings section, what --help prints:\n" + help);
    }

    private Options parse(Map<String, String> environment, String... args) {
        return Options.of(Options.parse(args, Settings.load(dir, environment)));
    }
}
