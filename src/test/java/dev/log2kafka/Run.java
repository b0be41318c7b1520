package dev.log2kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/** One run of log2kafka and what it printed: in this JVM, or as `java -jar log2kafka.jar` in a process of its own. */
record Run(int exitCode, String out, String err) {

    /** Runs log2kafka in this JVM; its log (standard error) is captured with what it prints. */
    static Run inProcess(String... args) {
        return inProcess(Map.of(), new Log2Kafka[1], args);
    }

    /** As {@link #inProcess(String...)}, handing out the instance so another thread can stop it. */
    static Run inProcess(Log2Kafka[] handle, String... args) {
        return inProcess(Map.of(), handle, args);
    }

    /** As {@link #inProcess(String...)}, with these environment variables. */
    static Run inProcess(Map<String, String> environment, String... args) {
        return inProcess(environment, new Log2Kafka[1], args);
    }

    private static Run inProcess(Map<String, String> environment, Log2Kafka[] handle, String... args) {
        return inProcess((out, err) -> handle[0] = new Log2Kafka(out, err, environment), args);
    }

    /** Runs the Log2Kafka that {@code app} makes for the given output and log streams, in this JVM. */
    static Run inProcess(BiFunction<PrintStream, PrintStream, Log2Kafka> app, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setErr(errStream);
        String[] withState = withStateDirectory(args);
        try {
            int code = app.apply(new PrintStream(out, true, StandardCharsets.UTF_8), errStream).run(withState);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setErr(originalErr);
            originalErr.print(err.toString(StandardCharsets.UTF_8));
            if (withState != args) {
                deleteRecursively(Path.of(withState[1]));
            }
        }
    }

    /** Removes the state directory a run was given here, so that the suite does not leave one per run behind. */
    private static void deleteRecursively(Path directory) {
        try (var paths = Files.walk(directory)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // left in the temporary directory
        }
    }

    /**
     * Keeps each run's checkpoints out of the project directory and away from other runs, unless the test names the
     * state directory itself (to rerun from a checkpoint).
     */
    private static String[] withStateDirectory(String[] args) {
        if (List.of(args).contains("--state-dir")) {
            return args;
        }
        try {
            List<String> all = new ArrayList<>(List.of("--state-dir",
                    Files.createTempDirectory("log2kafka-state").toString()));
            all.addAll(List.of(args));
            return all.toArray(String[]::new);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Runs the packaged jar in the given working directory, as a user does. */
    static Run jar(Path workingDirectory, String... args) throws IOException, InterruptedException {
        return jar(workingDirectory, (Path) null, args);
    }

    /** Runs the packaged jar with standard input read from a file, as in `java -jar log2kafka.jar ... < input`. */
    static Run jar(Path workingDirectory, Path input, String... args) throws IOException, InterruptedException {
        return jar(workingDirectory, input, Map.of(), args);
    }

    /** Runs the packaged jar with these variables added to its process environment. */
    static Run jar(Path workingDirectory, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return jar(workingDirectory, null, environment, args);
    }

    /** Runs the packaged jar with these variables as its whole environment, as `env -i` or cron would. */
    static Run jarInEnvironment(Path workingDirectory, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return jar(workingDirectory, null, environment, true, args);
    }

    private static Run jar(Path workingDirectory, Path input, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        return jar(workingDirectory, input, environment, false, args);
    }

    private static Run jar(Path workingDirectory, Path input, Map<String, String> environment, boolean only,
            String... args) throws IOException, InterruptedException {
        ProcessBuilder builder = only ? launcherProcess(workingDirectory, args) : jarProcess(workingDirectory, args);
        if (only) {
            builder.environment().clear();
        }
        builder.environment().putAll(environment);
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        return run(builder, args);
    }

    /** `java -jar log2kafka.jar` exactly (its launcher starts the JVM that runs log2kafka), with these variables added. */
    static Run launcher(Path workingDirectory, Map<String, String> environment, String... args)
            throws IOException, InterruptedException {
        ProcessBuilder builder = launcherProcess(workingDirectory, args);
        builder.environment().putAll(environment);
        return run(builder, args);
    }

    private static Run run(ProcessBuilder builder, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("log2kafka-out", ".txt");
        Path err = Files.createTempFile("log2kafka-err", ".txt");
        builder.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("log2kafka did not end within 5 minutes: " + List.of(args));
        }
        try {
            return new Run(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.delete(out);
            Files.delete(err);
        }
    }

    /** `java -jar log2kafka.jar` exactly, so that its launcher starts the JVM that runs log2kafka. */
    static ProcessBuilder launcherProcess(Path workingDirectory, String... args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", Path.of(System.getProperty("log2kafka.jar", "target/log2kafka.jar"))
                .toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDirectory.toFile());
    }

    /** The command line of the packaged jar, to be started by the caller. */
    static ProcessBuilder jarProcess(Path workingDirectory, String... args) {
        return jarProcess(workingDirectory, List.of(), args);
    }

    /** The command line of the packaged jar, run through {@code wrapper} (such as another user's identity). */
    static ProcessBuilder jarProcess(Path workingDirectory, List<String> wrapper, String... args) {
        String jar = System.getProperty("log2kafka.jar", "target/log2kafka.jar");
        List<String> command = new ArrayList<>(wrapper);
        command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g", "-jar",
                Path.of(jar).toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(workingDirectory.toFile());
    }

    /** Runs the packaged jar through {@code wrapper} and waits for it. */
    static Run jarAs(Path workingDirectory, List<String> wrapper, String... args)
            throws IOException, InterruptedException {
        Process process = jarProcess(workingDirectory, wrapper, args).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("log2kafka did not end within 5 minutes: " + List.of(args));
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8),
                new String(err, StandardCharsets.UTF_8));
    }

    /** Writes a Kafka properties file with the given bootstrap servers and extra lines. */
    static Path clientProperties(Path directory, String bootstrap, String... lines) throws IOException {
        Path file = directory.resolve("client.properties");
        List<String> content = new ArrayList<>(List.of("bootstrap.servers=" + bootstrap));
        content.addAll(List.of(lines));
        Files.write(file, content);
        return file;
    }
}
