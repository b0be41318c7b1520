package dev.log2kafka;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Ties the JVM that runs log2kafka to the {@link Launcher} that started it, so that the process a user (or a
 * supervisor, or the OOM killer) signals and the process that ships live and die together:
 * <ul>
 * <li>the launcher killed (SIGKILL): log2kafka's JVM halts within {@value #LOOK_MILLIS} ms, as if it had been killed
 * too. It sees the launcher's state in /proc turn to ended (whether or not anybody has reaped it yet) with one read of
 * a file it holds open, so it never ships on its own with the state directory locked;</li>
 * <li>log2kafka's JVM killed: the launcher, waiting for it, ends at once with its exit code (137);</li>
 * <li>the launcher stopped (SIGSTOP): log2kafka's JVM stops too, and goes on once the launcher does (SIGCONT).</li>
 * </ul>
 * SIGTERM and Ctrl-C are passed on by the launcher's shutdown hook. Linux's /proc tells a process's state; where it is
 * missing, the JVM looks whether its parent changed instead, and only the first two hold.
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
            try (FileChannel stat = openStat(launcher.pid())) {
                while (true) {
                    char state = stat == null ? '?' : state(stat);
                    if (state == 'T') {
                        stopWhileStopped(launcher.pid());
                    } else if (state == 'Z' || state == 'X' || state == 0
                            || stat == null && ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L)
                            != launcher.pid()) {
                        System.err.println("log2kafka: the process that started it (" + launcher.pid()
                                + ") has ended; stopping at once, as if killed with it");
                        Runtime.getRuntime().halt(137);
                    }
                    Thread.sleep(LOOK_MILLIS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // closing a file only read from
            }
        }, "log2kafka-launcher-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /**
     * The launcher's /proc/PID/stat, open for the watch's whole life: one read a look, and bound to that process, not to
     * its number (once it is gone, reads fail, even if the number was given to another process). Null where /proc is
     * not there: then the watch looks whether its parent changed (the kernel gives an orphan a new parent at once).
     */
    private static FileChannel openStat(long pid) {
        try {
            return FileChannel.open(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The state of the process (R, S, D, T: stopped by a signal, Z: ended and not yet reaped, X), or 0 if it is gone
     * and reaped. The state follows the command name, which is in parentheses and may hold any character.
     */
    private static char state(FileChannel stat) {
        try {
            ByteBuffer buffer = ByteBuffer.allocate(1024);
            int read = stat.read(buffer, 0);
            String text = new String(buffer.array(), 0, Math.max(read, 0), StandardCharsets.US_ASCII);
            int end = text.lastIndexOf(')');
            return end > 0 && end + 2 < text.length() ? text.charAt(end + 2) : 0;
        } catch (IOException e) {
            return 0;
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
