package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Which process holds a file open for writing, as Linux's /proc tells (what `fuser` and `lsof` read): each process's
 * open files are links in /proc/PID/fd, and /proc/PID/fdinfo says how each was opened. Processes of other users are
 * seen only when log2kafka runs as root (or as their user); where /proc is missing, no writer is ever seen.
 * <p>
 * A look reads every link of every process it may see (a few thousand on a server: milliseconds); it is used for
 * {@value #FRESH_MILLIS} ms, so that a poll of a directory holding many files looks once, not once a file. It is asked
 * only about files about to be taken, never on the path of a line.
 */
final class Writers {

    private static final Path PROC = Path.of("/proc");
    private static final long FRESH_MILLIS = 250;
    /** O_ACCMODE of open(2): 0 is read-only, 1 write-only, 2 read and write. */
    private static final int ACCESS_MODE = 3;

    /** For each file some process has open, the fdinfo of each of its descriptors to it, as of the last look. */
    private Map<String, List<Path>> open = Map.of();
    private long lookedNanos;

    /** A process that holds {@code file} open for writing, or none. */
    synchronized OptionalLong of(Path file) {
        String target;
        try {
            target = file.toRealPath().toString();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        if (lookedNanos == 0 || System.nanoTime() - lookedNanos > TimeUnit.MILLISECONDS.toNanos(FRESH_MILLIS)) {
            open = look();
            lookedNanos = System.nanoTime();
        }
        for (Path fdinfo : open.getOrDefault(target, List.of())) {
            if (writable(fdinfo)) {
                return OptionalLong.of(Long.parseLong(fdinfo.getParent().getParent().getFileName().toString()));
            }
        }
        return OptionalLong.empty();
    }

    /** The command name of a process, for a message; `?` if it is gone. */
    static String command(long pid) {
        try {
            return Files.readString(PROC.resolve(pid + "/comm")).strip();
        } catch (IOException e) {
            return "?";
        }
    }

    private static Map<String, List<Path>> look() {
        Map<String, List<Path>> files = new HashMap<>();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path descriptor : descriptors) {
                        String target = Files.readSymbolicLink(descriptor).toString();
                        if (target.startsWith("/")) {
                            files.computeIfAbsent(target, t -> new ArrayList<>())
                                    .add(process.resolve("fdinfo").resolve(descriptor.getFileName()));
                        }
                    }
                } catch (IOException e) {
                    // gone, or another user's
                }
            }
        } catch (IOException e) {
            // no /proc: nobody is seen writing
        }
        return files;
    }

    /** Whether the descriptor's `flags:` line (octal) says it was opened for writing; false once it is closed. */
    private static boolean writable(Path fdinfo) {
        try {
            for (String line : Files.readAllLines(fdinfo)) {
                if (line.startsWith("flags:")) {
                    return (Integer.parseInt(line.substring("flags:".length()).strip(), 8) & ACCESS_MODE) != 0;
                }
            }
        } catch (IOException e) {
            // closed since the look
        }
        return false;
    }
}
