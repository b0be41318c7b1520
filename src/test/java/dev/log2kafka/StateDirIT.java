package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The state directory: one run at a time, writable before anything is sent, and checkpoint writes that fail are
 * retried and reported. The permission cases run the jar as nobody, since root may write anywhere.
 */
class StateDirIT {

    private static final List<String> AS_NOBODY = List.of("setpriv", "--reuid=65534", "--regid=65534",
            "--clear-groups");

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private Path state;
    private String topic;

    @BeforeEach
    void files() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        state = dir.resolve("state");
        topic = Topics.unique("state");
        Topics.create(BROKER.bootstrapServers(), topic, 1);
    }

    @Test
    void aSecondRunOnTheSameStateDirectoryIsRefusedAndEveryLineArrivesOnce() throws Exception {
        int lineCount = 2_000_000;
        EduroamLog.write(dir.resolve("big.log"), lineCount, 41);
        String[] args = {"--files", dir + "/big.log", "--topic", topic, "--state-dir", state.toString()};
        Process first = Run.jarProcess(dir, args).redirectErrorStream(true)
                .redirectOutput(dir.resolve("first.txt").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > 0);

        Run second = Run.jar(dir, args);

        assertEquals(ExitCode.STATE_DIRECTORY_IN_USE.code(), second.exitCode(), second.out() + second.err());
        assertEquals("State directory " + state + " is in use by another log2kafka run (process " + first.pid()
                + "); wait for it to end, or give this run a --state-dir of its own.", lastLine(second.err()));
        assertTrue(first.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, first.exitValue(), Files.readString(dir.resolve("first.txt")));
        assertEquals(lineCount, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    @Test
    void aStateDirectoryThatCannotBeWrittenIsNamedBeforeAnythingIsSent() throws Exception {
        assumeRoot();
        Files.write(dir.resolve("a.log"), List.of("a"));
        Files.createDirectories(state);
        openTo(dir, dir.resolve("a.log"), dir.resolve("client.properties"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("r-xr-xr-x"));

        Run run = Run.jarAs(dir, AS_NOBODY, "--files", dir + "/a.log", "--topic", topic, "--state-dir",
                state.toString());

        assertEquals(ExitCode.BAD_SETTINGS.code(), run.exitCode(), run.out() + run.err());
        assertEquals("State directory " + state + " cannot be written: permission denied (set another with"
                + " --state-dir).", lastLine(run.err()));
        assertEquals(0, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    /** The disk full for a moment, or a permission taken away and given back: checkpoints catch up. */
    @Test
    void checkpointWritesThatFailMidRunAreRetriedAndTheRunSaysWhenTheyAreCurrentAgain() throws Exception {
        assumeRoot();
        int lineCount = 3_000_000;
        EduroamLog.write(dir.resolve("big.log"), lineCount, 42);
        Process run = startAsNobodyWithAStateDirectoryOfItsOwn("big.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> hasCheckpoint());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("r-xr-xr-x"));
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("run.txt"))
                .contains("Cannot write the checkpoint of " + dir.resolve("big.log") + " in " + state
                        + ": permission denied; trying again every 200 ms"));
        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertTrue(run.waitFor(2, TimeUnit.MINUTES));
        String printed = Files.readString(dir.resolve("run.txt"));
        assertEquals(0, run.exitValue(), printed);
        assertTrue(printed.contains("The checkpoint of " + dir.resolve("big.log") + " is written again"), printed);
        assertTrue(printed.contains("Checkpoints: current"), printed);
        assertEquals(lineCount, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));

        Run rerun = Run.jarAs(dir, AS_NOBODY, "--files", dir + "/big.log", "--topic", topic, "--state-dir",
                state.toString());
        assertEquals(0, rerun.exitCode(), rerun.out() + rerun.err());
        assertTrue(rerun.err().contains("was shipped completely before"), rerun.err());
        assertEquals(lineCount, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    @Test
    void aCheckpointThatCannotBeWrittenTillTheEndIsReportedInTheSummary() throws Exception {
        assumeRoot();
        int lineCount = 1_000_000;
        EduroamLog.write(dir.resolve("big.log"), lineCount, 43);
        Process run = startAsNobodyWithAStateDirectoryOfItsOwn("big.log");
        await().atMost(Duration.ofSeconds(60)).until(() -> hasCheckpoint());

        Files.setPosixFilePermissions(state, PosixFilePermissions.fromString("r-xr-xr-x"));

        assertTrue(run.waitFor(2, TimeUnit.MINUTES));
        String printed = Files.readString(dir.resolve("run.txt"));
        assertEquals(0, run.exitValue(), printed);
        assertTrue(printed.contains("Checkpoints: not current for 1 file(s) (permission denied): a rerun would send"
                + " their acknowledged lines again"), printed);
        assertEquals(lineCount, Topics.endOffsetSum(BROKER.bootstrapServers(), topic));
    }

    private Process startAsNobodyWithAStateDirectoryOfItsOwn(String file) throws Exception {
        Files.createDirectories(state);
        openTo(dir, dir.resolve(file), dir.resolve("client.properties"));
        UserPrincipal nobody = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(state, nobody);
        return Run.jarProcess(dir, AS_NOBODY, "--files", dir.resolve(file).toString(), "--topic", topic,
                "--state-dir", state.toString(), "--batch-size", "200").redirectErrorStream(true)
                .redirectOutput(dir.resolve("run.txt").toFile()).start();
    }

    private boolean hasCheckpoint() throws Exception {
        try (var files = Files.list(state)) {
            return files.anyMatch(p -> p.toString().endsWith(".checkpoint"));
        }
    }

    private static String lastLine(String text) {
        List<String> lines = text.strip().lines().toList();
        return lines.get(lines.size() - 1);
    }

    private static void assumeRoot() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to run the jar as nobody");
    }

    /** Lets nobody read the files and enter the directory (the run's output goes to a file root writes). */
    private static void openTo(Path directory, Path... files) throws Exception {
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
        for (Path file : files) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        }
    }
}
