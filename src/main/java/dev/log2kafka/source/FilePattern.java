package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;

/**
 * A file name or wildcard pattern (`*`, `?`, `**`) split into the directory to read and the Ant-style include that
 * Camel's file consumer applies below it: `/eduroam/kafka-log/*.log` is directory `/eduroam/kafka-log` with include
 * `*.log`.
 */
public final class FilePattern {

    private final String pattern;
    private final Path directory;
    private final String include;

    private FilePattern(String pattern, Path directory, String include) {
        this.pattern = pattern;
        this.directory = directory;
        this.include = include;
    }

    public static FilePattern parse(String pattern) {
        String normalized = pattern.replace('\\', '/');
        String[] segments = normalized.split("/", -1);
        int firstWildcard = segments.length - 1;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].contains("*") || segments[i].contains("?")) {
                firstWildcard = i;
                break;
            }
        }
        String dir = String.join("/", java.util.Arrays.copyOfRange(segments, 0, firstWildcard));
        if (dir.isEmpty()) {
            dir = normalized.startsWith("/") ? "/" : ".";
        }
        String include = String.join("/", java.util.Arrays.copyOfRange(segments, firstWildcard, segments.length));
        return new FilePattern(pattern, Paths.get(dir), include);
    }

    public String pattern() {
        return pattern;
    }

    public Path directory() {
        return directory;
    }

    /** The Ant-style include relative to {@link #directory()}, as Camel's `antInclude` takes it. */
    public String include() {
        return include;
    }

    /** Whether matching files can lie below sub-directories, so the consumer must walk them. */
    public boolean recursive() {
        return include.contains("/");
    }

    /**
     * The regular files that match now, sorted by path; hidden files and directories (starting with a dot, such as
     * `.done/`) are skipped, as Camel's file consumer skips them.
     */
    public List<Path> matchingFiles() throws IOException {
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + include);
        // Ant's `**/` also matches no directory at all; Java's glob needs one, so try both.
        PathMatcher top = include.startsWith("**/")
                ? FileSystems.getDefault().getPathMatcher("glob:" + include.substring(3)) : glob;
        PathMatcher matcher = p -> glob.matches(p) || top.matches(p);
        int depth = recursive() ? Integer.MAX_VALUE : 1;
        try (Stream<Path> paths = Files.walk(directory, depth)) {
            return paths.filter(p -> !p.equals(directory))
                    .filter(p -> !Files.isDirectory(p))
                    .filter(p -> !isHidden(directory.relativize(p)))
                    .filter(p -> matcher.matches(directory.relativize(p)))
                    .sorted()
                    .toList();
        }
    }

    private static boolean isHidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
