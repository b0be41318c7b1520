package dev.log2kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Ties the JVM that runs log2kafka to the {@link Launcher} that started it, so that the process a user (or a
 * supervisor, or the OOM killer) signals and the process that ships live and die together:
 * <ul>
 * <li>the launcher killed (SIGKILL): log2kafka's JVM halts within {@value #LOOK_MILLIS} ms, as if it had been killed
 * too. It sees that its parent changed (the kernel gives an orphan a new parent at once, whether or not anybody has
 * reaped the launcher yet), so it never ships on its own with the state directory locked;</li>
 * <li>log2kafka's JVM killed: the launcher, waiting for it, ends at once with its exit code (137);</li>
 * <li>the launcher stopped (SIGSTOP): log2kafka's JVM stops too, and goes on once the launcher does (SIGCONT).</li>
 * </ul>
 * SIGTERM and Ctrl-C are passed on by the launcher's shutdown hook. Linux's /proc tells a process's state; where it is
 * missing, only the first two hold.
 */
final class ProcessTie {

    static final long LOOK_MILLIS = 200;

    private ProcessTie() {
    }

    /** In log2kafka's JVM: watches the launcher, its parent, from a daemon thread. */
    static void watchLauncher() {
        ProcessHandle launcher = ProcessHandle.current().parent().orElse(null);
        if (launcher == null) {
            return;
        }
        Thread watch = new Thread(() -> {
            try {
                while (true) {
                    long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                    if (parent != launcher.pid()) {
                        System.err.println("log2kafka: the process that started it (" + launcher.pid()
                                + ") has ended; stopping at once, as if killed with it");
                        Runtime.getRuntime().halt(137);
                    }
                    if (isStopped(launcher.pid())) {
                        stopWhileStopped(launcher.pid());
                    }
                    Thread.sleep(LOOK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "log2kafka-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** Whether the process is stopped by a signal (state T in /proc/PID/stat); false where that cannot be read. */
    private static boolean isStopped(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the state follows the command name, which is in parentheses and may hold any character
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'T';
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Stops this JVM until the launcher runs again (or is gone): a shell stops it, waits for the launcher to leave its
     * stopped state, and sets this JVM going again. This JVM cannot do that itself, stopped; the launcher cannot know
     * that it was stopped.
     */
    private static void stopWhileStopped(long launcher) throws InterruptedException {
        String script = "kill -STOP $1; while read -r _ _ state _ < /proc/$2/stat && [ \"$state\" = T ]; do"
                + " sleep 0.2; done; kill -CONT $1";
        try {
            new ProcessBuilder("sh", "-c", script, "sh", Long.toString(ProcessHandle.current().pid()),
                    Long.toString(launcher)).inheritIO().start().waitFor();
        } catch (IOException e) {
            // no shell: the tie holds for SIGKILL and SIGTERM only
        }
    }
}
