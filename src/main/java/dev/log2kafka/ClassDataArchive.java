package dev.log2kafka;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Application Class-Data Sharing for the JVM the {@link Launcher} starts. log2kafka loads about 7,000 classes before
 * its first record leaves (Camel, the Kafka client, Log4j); read from an archive of the JVM's own format instead of
 * the jar, a 1,000-line run takes about 0.6 x the time (bench/README.md).
 * <p>
 * The archive is made on the first run that ends well: that run's JVM lists the classes it loads
 * (-XX:DumpLoadedClassList), and once it has ended the launcher has a JVM write them into an archive (-Xshare:dump,
 * a few seconds, once). Later runs start with -XX:SharedArchiveFile. An archive fits one jar (its path, size and time)
 * on one JVM with one set of options; the JVM ignores an archive that does not fit and then shares no class at all, so
 * its name says what it was made for, and another jar or JVM makes its own. An archive of an earlier build of the same
 * jar is deleted when the new one is written. The archives are kept in $XDG_CACHE_HOME/log2kafka, else
 * ~/.cache/log2kafka; without either (a service with no home, `env -i`), or with JVM options that choose class data
 * sharing themselves, none is made or used. A JVM that fails to write one (exit code, or not within two minutes) is
 * not asked again for that jar.
 */
final class ClassDataArchive implements AutoCloseable {

    /** How long the archive may take to write before it is given up (it takes about 3 s). */
    private static final long DUMP_TIMEOUT_SECONDS = 120;

    private final Path jar;
    private final Path archive;
    private final Path classList;
    private final FileChannel lockFile;
    private final FileLock lock;

    private ClassDataArchive(Path jar, Path archive, Path classList, FileChannel lockFile, FileLock lock) {
        this.jar = jar;
        this.archive = archive;
        this.classList = classList;
        this.lockFile = lockFile;
        this.lock = lock;
    }

    /**
     * The archive for a JVM started with {@code options} on {@code classPath}; null where none can be used: the class
     * path is not one jar, the options choose class data sharing themselves, or there is no cache directory.
     */
    static ClassDataArchive of(Map<String, String> environment, String classPath, List<String> options) {
        if (options.stream().anyMatch(o -> o.startsWith("-Xshare") || o.contains("SharedArchiveFile")
                || o.contains("SharedClassListFile") || o.contains("DumpLoadedClassList"))) {
            return null;
        }
        Path directory = cacheDirectory(environment);
        try {
            Path jar = Path.of(classPath).toRealPath();
            if (directory == null || !Files.isRegularFile(jar)) {
                return null;
            }
            Files.createDirectories(directory);
            String jarId = hash(jar.toString());
            String runId = hash(Files.size(jar) + " " + Files.getLastModifiedTime(jar).toMillis() + " "
                    + System.getProperty("java.home") + " " + System.getProperty("java.vm.version") + " " + options);
            Path archive = directory.resolve("log2kafka-" + jarId + "-" + runId + ".jsa");
            if (Files.isRegularFile(archive)) {
                return new ClassDataArchive(jar, archive, null, null, null);
            }
            if (Files.exists(failedMarker(archive))) {
                // this JVM could not write the archive before: no run pays for trying again
                return null;
            }
            // one run at a time lists its classes and writes the archive; the others run without
            FileChannel lockFile = FileChannel.open(directory.resolve("log2kafka-" + jarId + ".lock"),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock lock = lockFile.tryLock();
            if (lock == null) {
                lockFile.close();
                return new ClassDataArchive(jar, archive, null, null, null);
            }
            Path classList = directory.resolve(archive.getFileName() + ".classlist");
            Files.deleteIfExists(classList);
            return new ClassDataArchive(jar, archive, classList, lockFile, lock);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** $XDG_CACHE_HOME/log2kafka, else ~/.cache/log2kafka; null if neither is an absolute directory name. */
    static Path cacheDirectory(Map<String, String> environment) {
        String xdg = environment.get("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "log2kafka");
        }
        String home = environment.get("HOME");
        return home != null && home.startsWith("/") && !home.equals("/") ? Path.of(home, ".cache", "log2kafka")
                : null;
    }

    /** The jar as the archive knows it: the JVM must be given this exact class path for the archive to fit. */
    String classPath() {
        return jar.toString();
    }

    /** The JVM options for this run: start from the archive, or list the classes to make it from. */
    List<String> options() {
        if (classList != null) {
            return List.of("-XX:DumpLoadedClassList=" + classList);
        }
        return Files.isRegularFile(archive) ? List.of("-XX:SharedArchiveFile=" + archive, "-Xshare:auto") : List.of();
    }

    /**
     * After the run: if it listed its classes and ended well (exit code 0), writes the archive from them with the
     * run's {@code java} and {@code options}. Whatever goes wrong here only means no archive yet.
     */
    void afterRun(int exitCode, String java, List<String> options) {
        if (classList == null || exitCode != 0 || !Files.isRegularFile(classList)) {
            return;
        }
        Path written = archive.resolveSibling(archive.getFileName() + ".tmp");
        try {
            // Lambda proxies are left out: this JDK 17 crashes dumping them (and would regenerate them anyway).
            List<String> classes = new ArrayList<>();
            for (String line : Files.readAllLines(classList, StandardCharsets.UTF_8)) {
                if (!line.startsWith("@")) {
                    classes.add(line);
                }
            }
            Files.write(classList, classes, StandardCharsets.UTF_8);
            List<String> command = new ArrayList<>(List.of(java));
            options.stream().filter(o -> !o.equals("-XX:+AlwaysPreTouch")).forEach(command::add);
            command.addAll(List.of("-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                    "-XX:SharedArchiveFile=" + written, "-cp", jar.toString()));
            Process dump = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            boolean ended = dump.waitFor(DUMP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (ended && dump.exitValue() == 0 && Files.isRegularFile(written)) {
                removeEarlierArchives(written);
                Files.move(written, archive, StandardCopyOption.ATOMIC_MOVE);
            } else {
                dump.destroyForcibly();
                removeEarlierArchives(written);
                Files.createFile(failedMarker(archive));
            }
        } catch (IOException e) {
            // no archive this time
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(written);
            } catch (IOException e) {
                // left for the next run to overwrite
            }
        }
    }

    /** Says that this JVM could not write the archive. */
    private static Path failedMarker(Path archive) {
        return archive.resolveSibling(archive.getFileName() + ".failed");
    }

    /**
     * The archives of earlier builds of this jar (or of other JVMs or options) in the cache directory, and the marks of
     * those that could not be written.
     */
    private void removeEarlierArchives(Path written) throws IOException {
        String prefix = archive.getFileName().toString().replaceFirst("-[0-9a-f]+\\.jsa$", "-");
        try (DirectoryStream<Path> archives = Files.newDirectoryStream(archive.getParent(), prefix + "*.jsa*")) {
            for (Path earlier : archives) {
                if (!earlier.equals(written) && !earlier.equals(classList)) {
                    Files.deleteIfExists(earlier);
                }
            }
        }
    }

    /** Lets another run make the archive, and removes the class list. */
    @Override
    public void close() {
        try {
            if (classList != null) {
                Files.deleteIfExists(classList);
            }
            if (lock != null) {
                lock.release();
                lockFile.close();
            }
        } catch (IOException e) {
            // the lock goes with the process anyway
        }
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
