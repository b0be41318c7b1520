package dev.log2kafka;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.progress.ProgressEvent;
import dev.log2kafka.cli.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What an operator sees and does: progress events, the questions, standard input, and stopping a run. */
class ProgressIT {

    @RegisterExtension
    static final Broker BROKER = new Broker();

    @TempDir
    Path dir;

    @Test
    void eventsCountEveryLineReachOneHundredPercentNeverGoBackAndEndWithTheSummary() throws Exception {
        EduroamLog.write(dir.resolve("a.log"), 150_000, 1);
        EduroamLog.write(dir.resolve("b.log"), 50_000, 2);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        String topic = Topics.unique("progress");

        Run run = Run.inProcess((out, err) -> {
            Log2Kafka app = new Log2Kafka(out, err, Map.of());
            app.addProgressListener(events::add);
            return app;
        }, "--files", dir + "/*.log", "--topic", topic, "--batch-size", "500", "--progress-interval", "20",
                "--kafka-config", Run.clientProperties(dir, BROKER.bootstrapServers()).toString());

        assertEquals(0, run.exitCode(), run.out() + run.err());
        // files overlap, so they may end in either order
        List<ProgressEvent> done = events.stream().filter(e -> e.type() == ProgressEvent.Type.FILE_DONE)
                .sorted(java.util.Comparator.comparing(e -> e.file().source())).toList();
        assertEquals(List.of(dir + "/a.log", dir + "/b.log"), done.stream().map(e -> e.file().source()).toList());
        assertEquals(List.of(150_000L, 50_000L), done.stream().map(e -> e.file().linesSent()).toList());
        assertEquals(List.of(100, 100), done.stream().map(e -> e.file().percent()).toList());

        int percent = -1;
        long sent = -1;
        for (ProgressEvent event : events) {
            assertTrue(event.percent() >= percent, "percent went back from " + percent + " to " + event.percent());
            assertTrue(event.total().linesSent() >= sent, "lines sent went back");
            percent = event.percent();
            sent = event.total().linesSent();
        }
        assertTrue(events.stream().filter(e -> e.type() == ProgressEvent.Type.PROGRESS).count() > 0,
                "no tick in a run of " + run.out());

        ProgressEvent last = events.get(events.size() - 1);
        assertEquals(ProgressEvent.Type.FINISHED, last.type());
        assertEquals(100, last.percent());
        assertEquals(200_000, last.total().linesSent());
        assertTrue(run.out().contains(last.total().summary()), run.out());
        assertTrue(run.out().contains("Processing complete"), run.out());
    }

    @Test
    void theQuestionsKeepDefaultsOnEnterAndAreAskedAgainAfterAWrongAnswer() throws Exception {
        Files.writeString(dir.resolve("asked.log"), "answered\n");
        Path config = Run.clientProperties(dir, BROKER.bootstrapServers());
        String answers = String.join("\n",
                dir + "/no-such.properties", config.toString(),   // a file that is not there, then one that is
                "",                                                // Enter: the default topic
                dir + "/*.txt", dir + "/*.log",                    // a pattern that matches nothing, then one that does
                "zero", "") + "\n";                                // not a number, then Enter: the default batch size

        Run run = Run.inProcess((out, err) -> new Log2Kafka(out, err, Map.of(),
                new ByteArrayInputStream(answers.getBytes(StandardCharsets.UTF_8)), false), "--interactive");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Enter Kafka properties file (default: client.properties): "
                + "There is no file " + dir + "/no-such.properties. Please try again."), run.out());
        assertTrue(run.out().contains("Enter Kafka topic (default: eduroam-log): "), run.out());
        assertTrue(run.out().contains("No file matches " + dir + "/*.txt. Please try again."), run.out());
        assertTrue(run.out().contains("Enter batch size (default: 1000): The batch size must be a positive number."),
                run.out());
        assertEquals(List.of("answered"), OneShotIT.strings(Topics.values(BROKER.bootstrapServers(), "eduroam-log")));
    }

    @Test
    void linesPipedIntoStandardInputArriveByteForByte() throws Exception {
        List<byte[]> lines = OneShotIT.writeAwkwardLog(dir.resolve("piped.log"), 20_000);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("stdin");

        Run run = Run.jar(dir, dir.resolve("piped.log"), "--files", "-", "--topic", topic);

        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("Lines: 20,000 read, 20,000 sent"), run.out());
        OneShotIT.assertRecordsEqual(lines, Topics.values(BROKER.bootstrapServers(), topic));
    }

    @Test
    void sigtermInTheMiddleOfAFileLeavesItUnfinishedLosesNoSentLineAndExitsInterrupted() throws Exception {
        EduroamLog.write(dir.resolve("big.log"), 3_000_000, 5);
        Run.clientProperties(dir, BROKER.bootstrapServers());
        String topic = Topics.unique("sigterm");
        Path out = dir.resolve("out.txt");
        Process process = Run.jarProcess(dir, "--files", dir + "/big.log", "--topic", topic, "--batch-size", "1000")
                .redirectOutput(out.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();

        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(BROKER.bootstrapServers(), topic) > 0);
        process.destroy();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "log2kafka did not end within 60 s of SIGTERM");

        String printed = Files.readString(out);
        assertEquals(ExitCode.INTERRUPTED.code(), process.exitValue(), printed);
        assertTrue(printed.contains("Files: 1 (0 done, 0 failed, 1 unfinished)"), printed);
        assertTrue(printed.contains("Processing interrupted: 0 of 1 file(s) shipped completely"), printed);
        long inTopic = Topics.endOffsetSum(BROKER.bootstrapServers(), topic);
        assertTrue(inTopic < 3_000_000, "the run was not stopped in the middle: " + inTopic);
        // Every line the summary counts as sent is in the topic; none is lost, none is sent twice.
        assertTrue(printed.contains(String.format("%,d sent", inTopic)), inTopic + " records, but " + printed);
    }
}
