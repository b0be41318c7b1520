package dev.log2kafka;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.apache.kafka.common.utils.KafkaThread;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A StackOverflowError on the Kafka producer's network thread: that thread is a {@link KafkaThread}, whose own handler
 * logs what kills it and nothing more, so without {@link JvmErrors} the run would live on with no producer, doing
 * nothing. Here a real one overflows its stack in a JVM of its own, set up as a run sets itself up.
 */
class JvmErrorsTest {

    @TempDir
    Path dir;

    @Test
    void aStackOverflowOnTheProducersNetworkThreadEndsTheRunWithinSecondsNamingTheThreadAfterSavingCheckpoints()
            throws Exception {
        Path saved = dir.resolve("saved");
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), NetworkThreadOverflow.class.getName(), saved.toString())
                .redirectErrorStream(true).start();
        long start = System.nanoTime();

        boolean ended = process.waitFor(20, TimeUnit.SECONDS);
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        if (!ended) {
            process.destroyForcibly().waitFor();
        }
        String printed = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ended, "still running 20 s after its network thread died: " + printed);
        assertEquals(ExitCode.FAILED.code(), process.exitValue(), printed);
        assertTrue(printed.contains("log2kafka failed: StackOverflowError in thread 'kafka-producer-network-thread |"
                + " producer-1'; the checkpoints say how far Kafka acknowledged, and a rerun resumes there."), printed);
        assertEquals(List.of("checkpoints saved"), Files.readAllLines(saved));
        System.out.printf("StackOverflowError on the network thread: the process ended %,d ms after it started%n",
                millis);
    }

    /** A process whose producer network thread overflows its stack, then waits as a run would for its acks. */
    public static final class NetworkThreadOverflow {
        public static void main(String[] args) throws Exception {
            Path saved = Path.of(args[0]);
            JvmErrors.endRunOnError(() -> {
                try {
                    Files.writeString(saved, "checkpoints saved\n");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, new PrintStream(System.err, true, StandardCharsets.UTF_8));
            new KafkaThread("kafka-producer-network-thread | producer-1", () -> deeper(0), true).start();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }

        private static int deeper(int depth) {
            return deeper(depth + 1) + 1;
        }
    }
}
