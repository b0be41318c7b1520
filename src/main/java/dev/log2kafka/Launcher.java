package dev.log2kafka;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The jar's entry point. `java -jar log2kafka.jar` starts a JVM with the JVM's defaults, which here means G1 and a
 * heap of a quarter of the memory: for log2kafka's traffic of short-lived lines that costs about a quarter more time
 * and more than twice the memory of the parallel collector with a 256 MB heap (bench/README.md). So, like the launch
 * scripts of Kafka and Elasticsearch, it runs log2kafka in a JVM started with those options: the ones in
 * LOG2KAFKA_JAVA_OPTS if set, else {@link #DEFAULT_JAVA_OPTIONS}. A JVM already started with heap or collector options
 * runs log2kafka itself, as the user chose. The heap is reserved and touched at start (-Xms equal to -Xmx,
 * AlwaysPreTouch), so the memory a run takes is known from its first second and does not creep up on long runs.
 * <p>
 * Standard input, output and error are the launcher's; SIGTERM and Ctrl-C are passed on and the child's exit code is
 * the launcher's; if the launcher is killed, the child stops too.
 */
public final class Launcher {

    static final String DEFAULT_JAVA_OPTIONS = "-XX:+UseParallelGC -Xms256m -Xmx256m -XX:+AlwaysPreTouch";
    private static final String LAUNCHED = "log2kafka.launched";

    private Launcher() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jvmArguments = ManagementFactory.getRuntimeMXBean().getInputArguments();
        boolean chosen = jvmArguments.stream().anyMatch(a -> a.startsWith("-Xmx") || a.matches("-XX:\\+Use\\w+GC"));
        if (Boolean.getBoolean(LAUNCHED)) {
            // if the launcher is killed (SIGKILL), nobody would stop this JVM any more: stop with it
            ProcessHandle.current().parent().ifPresent(parent -> parent.onExit()
                    .thenRun(() -> Runtime.getRuntime().halt(137)));
            Log2Kafka.main(args);
        } else if (chosen || Arrays.asList(args).contains("--help")) {
            Log2Kafka.main(args);
        } else {
            System.exit(launch(args));
        }
    }

    private static int launch(String[] args) throws Exception {
        String options = System.getenv().getOrDefault("LOG2KAFKA_JAVA_OPTS", DEFAULT_JAVA_OPTIONS);
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.addAll(Arrays.asList(options.trim().split("\\s+")));
        command.addAll(List.of("-D" + LAUNCHED + "=true", "-cp", System.getProperty("java.class.path"),
                Launcher.class.getName()));
        command.addAll(Arrays.asList(args));
        Process child = new ProcessBuilder(command).inheritIO().start();
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
        return child.waitFor();
    }
}
