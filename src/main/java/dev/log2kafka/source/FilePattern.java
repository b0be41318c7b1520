package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file name or wildcard pattern (`*`, `?`, `**`) split into the directory to read and the pattern below it:
 * `/eduroam/kafka-log/*.log` is directory `/eduroam/kafka-log` with include `*.log`. Its one matcher decides for the
 * check before a run ({@link #matchingFiles()}) and for the routes' file consumers ({@link InputFiles}).
 */
public final class FilePattern {

    private static final Logger LOG = LoggerFactory.getLogger(FilePattern.class);

    private final String pattern;
    private final Path directory;
    private final String include;
    private final PathMatcher matcher;

    private FilePattern(String pattern, Path directory, String include) {
        this.pattern = pattern;
        this.directory = directory;
        this.include = include;
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + include);
        // Ant's `**/` also matches no directory at all; Java's glob needs one, so try both.
        PathMatcher top = include.startsWith("**/")
                ? FileSystems.getDefault().getPathMatcher("glob:" + include.substring(3)) : glob;
        this.matcher = p -> glob.matches(p) || top.matches(p);
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

    /** The pattern below {@link #directory()}, such as `*.log`. */
    public String include() {
        return include;
    }

    /** Whether matching files can lie below sub-directories, so the consumer must walk them. */
    public boolean recursive() {
        return include.contains("/");
    }

    /**
     * The files that match now, sorted by path, each once: hidden files and directories (starting with a dot, such as
     * `.done/`) are skipped, as are links to directories (so a link loop is no trap, and a second path into a
     * directory no second copy), and files that are not regular files (a named pipe would block the reader for ever),
     * with a warning. A link to a file is followed; two paths to one file (links) give the first.
     */
    public List<Path> matchingFiles() throws IOException {
        int depth = recursive() ? Integer.MAX_VALUE : 1;
        List<Path> files = new ArrayList<>();
        Map<Object, Path> seen = new HashMap<>();
        try (Stream<Path> paths = Files.walk(directory, depth)) {
            for (Path path : paths.filter(p -> !p.equals(directory)).filter(this::matches).sorted().toList()) {
                BasicFileAttributes file;
                try {
                    file = Files.readAttributes(path, BasicFileAttributes.class);
                } catch (NoSuchFileException e) {
                    // a broken link: the check before the run names it
                    files.add(path);
                    continue;
                }
                if (file.isDirectory()) {
                    continue;
                }
                if (!file.isRegularFile()) {
                    LOG.warn("Skipping {}: it is not a regular file (a named pipe, socket or device)", path);
                    continue;
                }
                Path first = file.fileKey() == null ? null : seen.putIfAbsent(file.fileKey(), path);
                if (first != null) {
                    LOG.warn("Skipping {}: it is the same file as {}, which is shipped once", path, first);
                    continue;
                }
                files.add(path);
            }
        }
        return files;
    }

    /**
     * Whether a path below {@link #directory()} matches: the one matcher of the check before a run and of the routes'
     * file consumers (`inputFiles`), so that they never disagree. Hidden names never match.
     */
    public boolean matches(Path path) {
        Path relative = directory.toAbsolutePath().normalize().relativize(path.toAbsolutePath().normalize());
        return !isHidden(relative) && (recursive() || relative.getNameCount() == 1) && matcher.matches(relative);
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
