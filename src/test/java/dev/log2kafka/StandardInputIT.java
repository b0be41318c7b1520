package dev.log2kafka;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Standard input that pauses, as `tail -F app.log | java -jar log2kafka.jar --files -` does: the lines written before
 * a pause are in Kafka while the pipe is still open, although they fill only a small part of a batch, and SIGTERM
 * while log2kafka waits for more input ends it within seconds with its summary.
 */
class StandardInputIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    @Test
    void linesBeforeAPauseArriveAtOnceAndSigtermWhileWaitingStopsTheRun() throws Exception {
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("paused-stdin");
        Path out = dir.resolve("out.txt");
        Process process = Run.jarProcess(dir, "--files", "-", "--topic", topic, "--batch-size", "1000")
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
        List<byte[]> written = new ArrayList<>();
        try (OutputStream pipe = process.getOutputStream()) {
            write(pipe, written, 0, 10);
            // 10 of 1,000 lines: they leave after the pause, not when the batch is full or the pipe closes
            awaitRecords(topic, 10, out);
            // the last line has no newline yet: it is held, not cut into two records
            pipe.write("partial-".getBytes(StandardCharsets.UTF_8));
            pipe.flush();
            Thread.sleep(500);
            pipe.write("line\n".getBytes(StandardCharsets.UTF_8));
            written.add("partial-line".getBytes(StandardCharsets.UTF_8));
            write(pipe, written, 10, 15);
            awaitRecords(topic, 16, out);
            // exactly one full batch, then a pause: it leaves too (the Split asks for the next batch before it sends
            // this one, and must not wait for more input to get its answer)
            write(pipe, written, 15, 1015);
            awaitRecords(topic, 1016, out);

            long stopAsked = System.nanoTime();
            process.destroy();
            assertTrue(process.waitFor(15, TimeUnit.SECONDS),
                    "log2kafka waiting for standard input did not end within 15 s of SIGTERM");
            long stopMillis = (System.nanoTime() - stopAsked) / 1_000_000;
            String printed = Files.readString(out);
            assertEquals(ExitCode.INTERRUPTED.code(), process.exitValue(), printed);
            assertTrue(printed.contains("Lines: 1,016 read, 1,016 sent"), stopMillis + " ms; " + printed);
        } finally {
            process.destroyForcibly();
        }
        OneShotIT.assertRecordsEqual(written, Topics.values(BROKER.bootstrapServers(), topic));
    }

    private static void awaitRecords(String topic, long count, Path out) throws Exception {
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic)
                    == count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not " + count + " records in " + topic + " while the pipe is open: "
                    + Files.readString(out), e);
        }
    }

    private static void write(OutputStream pipe, List<byte[]> written, int from, int to) throws Exception {
        for (int i = from; i < to; i++) {
            byte[] line = ("2026-11-28 08:00:0" + (i % 10) + " Access-Accept for user" + i + "@example.org")
                    .getBytes(StandardCharsets.UTF_8);
            pipe.write(line);
            pipe.write('\n');
            written.add(line);
        }
        pipe.flush();
    }
}
