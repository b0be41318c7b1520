package dev.log2kafka;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The jar's entry point. `java -jar log2kafka.jar` starts a JVM with the JVM's defaults, which here means G1 and a
 * heap of a quarter of the memory: for log2kafka's traffic of short-lived lines that costs about a quarter more time
 * and more than twice the memory of the parallel collector with a 256 MB heap (bench/README.md). So, like the launch
 * scripts of Kafka and Elasticsearch, it runs log2kafka in a JVM started with those options: the ones in
 * LOG2KAFKA_JAVA_OPTS if set, else {@link #DEFAULT_JAVA_OPTIONS}. A JVM already started with heap or collector options
 * runs log2kafka itself, as the user chose. The heap is reserved and touched at start (-Xms equal to -Xmx,
 * AlwaysPreTouch), so the memory a run takes is known from its first second and does not creep up on long runs. The JIT
 * compiler's C2 tier waits for more calls than it does by default: on two cores shared with the broker, compiling the
 * code that runs once per batch cost more than it saved.
 * <p>
 * The JVM it starts reads log2kafka's classes from a {@link ClassDataArchive} once one has been made.
 * <p>
 * Standard input, output and error are the launcher's; SIGTERM and Ctrl-C are passed on and the child's exit code is
 * the launcher's; the two live and die together ({@link ProcessTie}). Under the C locale the child gets C.UTF-8, so
 * that file names in UTF-8 are read as they are.
 */
public final class Launcher {

    static final String DEFAULT_JAVA_OPTIONS = "-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch"
            // C2 compiles a method after three times the calls it would by default: the code run for each line still
            // gets there within milliseconds, the code run once per batch only after 15,000 batches (bench/README.md)
            + " -XX:Tier4InvocationThreshold=15000 -XX:Tier4CompileThreshold=45000 -XX:Tier4BackEdgeThreshold=120000";
    private static final String LAUNCHED = "log2kafka.launched";
    private static final String UTF8_ARGUMENTS = "log2kafka.utf8-arguments";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean chosen = jvmArguments.stream().anyMatch(a -> a.startsWith("-Xmx") || a.matches("-XX:\\+Use\\w+GC"));
        if (Boolean.getBoolean(LAUNCHED)) {
            ProcessTie.watchLauncher();
            String utf8Arguments = System.getProperty(UTF8_ARGUMENTS);
            Log2Kafka.main(utf8Arguments == null ? args : decode(utf8Arguments));
        } else if (chosen || Arrays.asList(args).contains("--help")) {
            Log2Kafka.main(args);
        } else {
            System.exit(launch(args));
        }
    }

    /** Whether the locale that decides how bytes become characters is C (or POSIX, or unset). */
    static boolean isPlainC(Map<String, String> environment) {
        for (String variable : List.of("LC_ALL", "LC_CTYPE", "LANG")) {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                return value.equals("C") || value.equals("POSIX");
            }
        }
        return true;
    }

    /** The last {@code count} arguments of this process as bytes, each ended by NUL; null where /proc is not there. */
    private static byte[] rawArguments(int count) {
        try {
            byte[] cmdline = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            // from the NUL that ends the last argument, back over `count` arguments
            int start = cmdline.length - 1;
            for (int n = 0; n < count; n++) {
                start--;
                while (start >= 0 && cmdline[start] != 0) {
                    start--;
                }
            }
            return Arrays.copyOfRange(cmdline, start + 1, cmdline.length);
        } catch (IOException e) {
            return null;
        }
    }

    /** The arguments {@link #rawArguments} encoded, read as UTF-8. */
    private static String[] decode(String hex) {
        String all = new String(HexFormat.of().parseHex(hex), StandardCharsets.UTF_8);
        return all.isEmpty() ? new String[0] : all.substring(0, all.length() - 1).split("\0", -1);
    }

    private static int launch(String[] args) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> options = Arrays.asList(System.getenv().getOrDefault("LOG2KAFKA_JAVA_OPTS", DEFAULT_JAVA_OPTIONS)
                .trim().split("\\s+"));
        String classPath = System.getProperty("java.class.path");
        ClassDataArchive archive = ClassDataArchive.of(System.getenv(), classPath, options);
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(options);
        if (archive != null) {
            command.addAll(archive.options());
            classPath = archive.classPath();
        }
        command.addAll(List.of("-D" + LAUNCHED + "=true", "-cp", classPath, Launcher.class.getName()));
        command.addAll(Arrays.asList(args));
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        if (isPlainC(builder.environment())) {
            // Under the C locale (cron, `env -i`, a bare service unit) a JVM decodes file names and arguments as
            // ASCII, and a name such as `ünï.log` becomes `??n?.log`. C.UTF-8 is the same locale with UTF-8 names.
            // This JVM has lost the arguments' bytes already, so they go to the child as the kernel has them.
            builder.environment().put("LC_ALL", "C.UTF-8");
            byte[] raw = rawArguments(args.length);
            if (raw != null) {
                int main = command.indexOf(Launcher.class.getName());
                command.add(main, "-D" + UTF8_ARGUMENTS + "=" + HexFormat.of().formatHex(raw));
                command.subList(main + 2, command.size()).clear();
                builder.command(command);
            }
        }
        Process child = builder.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (child.isAlive()) {
                // SIGTERM or Ctrl-C reached the launcher: pass it on, and end as the child does
                child.destroy();
                try {
                    Runtime.getRuntime().halt(child.waitFor());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "log2kafka-launcher"));
        int code = child.waitFor();
        if (archive != null) {
            try (archive) {
                archive.afterRun(code, java, options);
            }
        }
        return code;
    }
}
