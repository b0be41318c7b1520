package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Which process holds a file open for writing, as Linux's /proc tells (what `fuser` and `lsof` read): each process's
 * open files are links in /proc/PID/fd, and /proc/PID/fdinfo says how each was opened. Processes of other users are
 * seen only when log2kafka runs as root (or as their user); where /proc is missing, no writer is ever seen.
 * <p>
 * One look reads every link of every process it may see (a few thousand on a server: milliseconds), so it is asked
 * only about files about to be taken, not on the path of a line.
 */
final class Writers {

    private static final Path PROC = Path.of("/proc");
    /** O_ACCMODE of open(2): 0 is read-only, 1 write-only, 2 read and write. */
    private static final int ACCESS_MODE = 3;

    private Writers() {
    }

    /** A process that holds {@code file} open for writing, or none. */
    static OptionalLong of(Path file) {
        String target;
        try {
            target = file.toRealPath().toString();
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(PROC, "[0-9]*")) {
            for (Path process : processes) {
                if (holdsForWriting(process, target)) {
                    return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
                }
            }
        } catch (IOException e) {
            // no /proc: nobody is seen writing
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

    private static boolean holdsForWriting(Path process, String target) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                if (target.equals(linkTarget(descriptor)) && writable(process.resolve("fdinfo")
                        .resolve(descriptor.getFileName()))) {
                    return true;
                }
            }
        } catch (IOException e) {
            // gone, or another user's
        }
        return false;
    }

    private static String linkTarget(Path descriptor) {
        try {
            return Files.readSymbolicLink(descriptor).toString();
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether the descriptor's `flags:` line (octal) says it was opened for writing. */
    private static boolean writable(Path fdinfo) throws IOException {
        for (String line : Files.readAllLines(fdinfo)) {
            if (line.startsWith("flags:")) {
                return (Integer.parseInt(line.substring("flags:".length()).strip(), 8) & ACCESS_MODE) != 0;
            }
        }
        return false;
    }
}
