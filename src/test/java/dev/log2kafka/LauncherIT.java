package dev.log2kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The process a user starts, `java -jar log2kafka.jar`, is a launcher that runs log2kafka in a JVM of its own. Users,
 * supervisors and the OOM killer signal the launcher: these tests do too, while log2kafka follows a log a writer
 * appends to, and check that the two processes live and die together and that no line is lost.
 */
class LauncherIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    private final List<Process> launchers = new ArrayList<>();
    private FollowIT.Writer writer;

    @AfterEach
    void stop() throws Exception {
        if (writer != null) {
            writer.stop();
        }
        for (Process launcher : launchers) {
            launcher.descendants().forEach(ProcessHandle::destroyForcibly);
            launcher.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void sigkillOfTheLauncherEndsLog2KafkaWithinASecondAndTheSameCommandThenLosesNoLine() throws Exception {
        String topic = Topics.unique("launcher-killed");
        writer = FollowIT.Writer.start(dir.resolve("app.log"), false);
        Process first = follow(topic, "first.txt");
        awaitRecords(topic, 1_000);
        ProcessHandle worker = log2kafkasJvm(first);

        long killed = System.nanoTime();
        first.destroyForcibly();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(10)).until(() -> ended(worker.pid()));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        System.out.printf("SIGKILL of the launcher: log2kafka's JVM ended %d ms later%n", millis);
        assertTrue(millis <= 1_000, "log2kafka's JVM ended " + millis + " ms after its launcher's SIGKILL");

        Process second = follow(topic, "second.txt");
        List<String> written = awaitEveryLineThenStopWriting(topic);
        assertStopsOnSigterm(second, "second.txt");
        Set<String> missing = new HashSet<>(written);
        missing.removeAll(OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        assertEquals(Set.of(), missing, written.size() + " lines written");
    }

    @Test
    void sigkillOfLog2KafkasJvmEndsTheLauncherWithItsExitCode() throws Exception {
        String topic = Topics.unique("worker-killed");
        writer = FollowIT.Writer.start(dir.resolve("app.log"), false);
        Process launcher = follow(topic, "out.txt");
        awaitRecords(topic, 100);

        long killed = System.nanoTime();
        log2kafkasJvm(launcher).destroyForcibly();
        assertTrue(launcher.waitFor(30, TimeUnit.SECONDS));
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
        assertEquals(137, launcher.exitValue());
        assertTrue(millis <= 1_000, "the launcher ended " + millis + " ms after log2kafka's JVM was killed");
    }

    @Test
    void sigstopOfTheLauncherStopsLog2KafkaAndSigcontSetsBothGoingWithEveryLine() throws Exception {
        String topic = Topics.unique("launcher-stopped");
        writer = FollowIT.Writer.start(dir.resolve("app.log"), false);
        Process launcher = follow(topic, "out.txt");
        awaitRecords(topic, 1_000);
        ProcessHandle worker = log2kafkasJvm(launcher);

        signal("STOP", launcher.pid());
        await().atMost(Duration.ofSeconds(2)).until(() -> state(worker.pid()) == 'T');
        long whileStopped = Topics.endOffsetSum(BROKER.bootstrapServers(), topic);
        Thread.sleep(1_500); // the writer goes on meanwhile; nothing is shipped
        assertEquals(whileStopped, Topics.endOffsetSum(BROKER.bootstrapServers(), topic),
                "log2kafka shipped while its launcher was stopped");
        signal("CONT", launcher.pid());

        List<String> written = awaitEveryLineThenStopWriting(topic);
        assertStopsOnSigterm(launcher, "out.txt");
        Set<String> missing = new HashSet<>(written);
        missing.removeAll(OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), topic)));
        assertEquals(Set.of(), missing, written.size() + " lines written");
    }

    /** `java -jar log2kafka.jar --follow` on the writer's log, as a user types it. */
    private Process follow(String topic, String out) throws IOException {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        ProcessBuilder builder = Run.launcherProcess(dir, "--follow", "--files", dir + "/app.log", "--topic", topic,
                "--state-dir", dir.resolve("state").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve(out).toFile());
        // the class-data archive is the launcher's own business, kept out of the user's cache
        builder.environment().put("XDG_CACHE_HOME", dir.resolve("cache").toString());
        Process launcher = builder.start();
        launchers.add(launcher);
        return launcher;
    }

    private static ProcessHandle log2kafkasJvm(Process launcher) {
        List<ProcessHandle> children = launcher.children().toList();
        assertEquals(1, children.size(), "the launcher's children: " + children);
        return children.get(0);
    }

    /** Lets the writer write a little longer, stops it, and waits until its every line is in the topic. */
    private List<String> awaitEveryLineThenStopWriting(String topic) throws InterruptedException {
        Thread.sleep(1_000);
        List<String> written = writer.stop();
        awaitRecords(topic, written.size());
        return written;
    }

    /** SIGTERM to the launcher: log2kafka stops as the README says, with its summary, and both processes end. */
    private void assertStopsOnSigterm(Process launcher, String out) throws Exception {
        ProcessHandle worker = log2kafkasJvm(launcher);
        launcher.destroy();
        assertTrue(launcher.waitFor(15, TimeUnit.SECONDS), "still running 15 s after SIGTERM");
        worker.onExit().get(5, TimeUnit.SECONDS);
        String printed = Files.readString(dir.resolve(out));
        assertEquals(ExitCode.INTERRUPTED.code(), launcher.exitValue(), printed);
        assertTrue(printed.contains("Processing interrupted") && printed.contains("Checkpoints: current"), printed);
    }

    private static void awaitRecords(String topic, long count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                >= count);
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    /** The process's state letter in /proc/PID/stat (T: stopped, Z: ended, not yet reaped); X once it is gone. */
    private static char state(long pid) throws IOException {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.charAt(stat.lastIndexOf(')') + 2);
        } catch (java.nio.file.NoSuchFileException e) {
            return 'X';
        }
    }

    /**
     * Whether the process has ended: an orphan ends as a zombie until the machine's first process reaps it, which
     * takes its time; Java's ProcessHandle counts a zombie as alive.
     */
    private static boolean ended(long pid) throws IOException {
        char state = state(pid);
        return state == 'Z' || state == 'X';
    }
}
