package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Input and settings a user can get wrong: one sentence naming the culprit, exit code 2, nothing started. */
class BadInputTest {

    @TempDir
    Path dir;

    @Test
    void aPatternThatMatchesNothingIsNamed() throws Exception {
        Files.writeString(dir.resolve("a.txt"), "x\n");
        Run run = Run.inProcess("--files", dir + "/*.log", "--kafka-config", config().toString());
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("No file matches " + dir + "/*.log.", run.err().strip());
    }

    @Test
    void aMissingDirectoryIsNamed() throws Exception {
        Run run = Run.inProcess("--files", dir + "/nowhere/*.log", "--kafka-config", config().toString());
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("Directory " + dir + "/nowhere of pattern " + dir + "/nowhere/*.log does not exist.",
                run.err().strip());
    }

    @Test
    void aFileThatCannotBeReadIsNamed() throws Exception {
        Files.writeString(dir.resolve("good.log"), "x\n");
        Files.createSymbolicLink(dir.resolve("gone.log"), dir.resolve("deleted-target.log"));
        Run run = Run.inProcess("--files", dir + "/*.log", "--kafka-config", config().toString());
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("File " + dir.resolve("gone.log") + " cannot be read: it does not exist (a broken link?).",
                run.err().strip());
    }

    @Test
    void aMissingKafkaPropertiesFileIsNamed() throws Exception {
        Files.writeString(dir.resolve("a.log"), "x\n");
        Run run = Run.inProcess("--files", dir + "/a.log", "--kafka-config", dir + "/missing.properties");
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("Kafka properties file " + dir + "/missing.properties does not exist (set it with --kafka-config).",
                run.err().strip());
    }

    @Test
    void aBatchSizeThatIsNotAPositiveNumberIsNamed() throws Exception {
        Files.writeString(dir.resolve("a.log"), "x\n");
        Run run = Run.inProcess("--files", dir + "/a.log", "--kafka-config", config().toString(), "--batch-size",
                "0");
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("Setting batch-size must be a positive whole number, not '0'.", run.err().strip());
    }

    @Test
    void anUnknownOptionIsNamed() {
        Run run = Run.inProcess("--topik", "t");
        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode());
        assertEquals("Unknown option --topik (see --help).", run.err().strip());
    }

    @Test
    void helpListsEveryOptionWithItsDefaultAndEnvironmentVariable() {
        Run run = Run.inProcess("--help");
        assertEquals(0, run.exitCode());
        for (String option : List.of("--kafka-config", "--connect-timeout", "--topic", "--files", "--batch-size",
                "--watch", "--embedded-kafka", "--sender-threads", "--skip-empty-lines", "--interactive",
                "--progress-interval", "--state-dir", "--checkpoint-interval", "--force", "--dead-letters",
                "--version")) {
            assertTrue(run.out().contains(option), option + " in\n" + run.out());
        }
        assertTrue(run.out().contains("Default: eduroam-log"), run.out());
        assertTrue(run.out().contains("LOG2KAFKA_BATCH_SIZE"), run.out());
    }

    @Test
    void versionIsTheProjectsVersion() throws Exception {
        Run run = Run.inProcess("--version");
        assertEquals(0, run.exitCode());
        // the project's own version, as the build has it
        java.util.regex.Matcher pom = java.util.regex.Pattern
                .compile("<artifactId>log2kafka</artifactId>\\s*<version>([^<]+)").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(pom.find());
        String version = pom.group(1);
        assertEquals("log2kafka " + version, run.out().strip());
    }

    private Path config() throws Exception {
        return Run.clientProperties(dir, "127.0.0.1:9");
    }
}
