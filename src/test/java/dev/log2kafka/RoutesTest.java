package dev.log2kafka;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.Settings;
import dev.log2kafka.delivery.LineLimit;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.InputFiles;
import dev.log2kafka.source.LineBatch;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routing decisions of routes/ship-files.camel.yaml, without a broker: the routes run as `java -jar` would run
 * them, with `mock:kafka` woven in place of the kafka endpoint. Which route runs in which mode, how a file is cut into
 * batches, and what a refused batch does to its file.
 */
class RoutesTest {

    /** The producer's answer when the broker did not take a batch in time: it fails the batch, not a record. */
    private static final String EXPIRED = "Expiring 2 record(s) for eduroam-log-0: 120000 ms has passed since batch"
            + " creation";

    @TempDir
    Path dir;

    @Test
    void eachModeRunsItsOwnSourceRouteAndNoOther() throws Exception {
        Files.writeString(dir.resolve("a.log"), "a\n");
        Files.createDirectories(dir.resolve("in"));

        assertEquals(List.of("dead-letters", "one-shot", "ship-lines"),
                routeIds("--files", dir + "/a.log"));
        // watch: and the route that ships what is written to a file after it was moved to .done/
        assertEquals(List.of("dead-letters", "ship-lines", "watch", "watch-late-writes"),
                routeIds("--watch", "--files", dir + "/in/*.log"));
        assertEquals(List.of("dead-letters", "follow", "ship-lines"),
                routeIds("--follow", "--files", dir + "/*.log"));
        InputStream stdin = System.in;
        System.setIn(new ByteArrayInputStream("from standard input\n".getBytes(StandardCharsets.US_ASCII)));
        try {
            assertEquals(List.of("dead-letters", "ship-lines", "stdin"), routeIds("--files", "-"));
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aFileIsSentInBatchesOfBatchSizeLinesInOrder() throws Exception {
        Files.write(dir.resolve("a.log"), java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "line " + i)
                .toList());
        Routes routes = new Routes(kafka -> { }, "--files", dir + "/a.log", "--batch-size", "10");

        RunCounters.Snapshot summary = routes.ended();

        List<LineBatch> batches = routes.kafka.getReceivedExchanges().stream()
                .map(e -> e.getIn().getBody(LineBatch.class)).toList();
        assertEquals(List.of(10, 10, 5), batches.stream().map(LineBatch::lineCount).toList());
        assertEquals(List.of(1L, 11L, 21L), batches.stream().map(LineBatch::firstLine).toList());
        assertEquals("line 25", new String(batches.get(2).records()[4].bytes()));
        assertEquals(1, summary.filesDone());
        assertEquals(25, summary.linesSent());
    }

    @Test
    void aRefusedBatchFailsItsFileAndAOneShotRunGoesOnWithTheNext() throws Exception {
        Files.write(dir.resolve("a.log"), List.of("a1", "a2"));
        Files.write(dir.resolve("b.log"), List.of("b1", "b2"));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        RunCounters.Snapshot summary;
        try {
            Routes routes = new Routes(kafka -> kafka.whenExchangeReceived(1,
                    e -> e.setException(new TimeoutException(EXPIRED))),
                    "--files", dir + "/*.log", "--batch-size", "10");
            summary = routes.ended();
        } finally {
            System.setErr(err);
            err.print(log.toString(StandardCharsets.UTF_8));
        }

        // one sentence naming the file, its lines, the topic and the cause; no stack trace
        String logged = log.toString(StandardCharsets.UTF_8);
        assertTrue(logged.contains("File " + dir.resolve("a.log") + " lines 1-2 were not sent to topic eduroam-log: "
                + EXPIRED), logged);
        assertFalse(logged.contains("\tat "), logged);

        assertEquals(1, summary.filesFailed());
        assertEquals(1, summary.filesDone());
        assertEquals(2, summary.linesSent());
        assertEquals(2, summary.linesRejected());
        assertEquals(ExitCode.FAILED, RunReport.print(summary, SourceMode.ONE_SHOT, 2, "-", Map.of(), null,
                new java.io.PrintStream(java.io.OutputStream.nullOutputStream())));
    }

    @Test
    void inWatchModeARefusedFileGoesToFailedAndTheNextToDone() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Routes routes = new Routes(kafka -> kafka.whenExchangeReceived(1,
                e -> e.setException(new TimeoutException(EXPIRED))),
                "--watch", "--files", in + "/*.log");
        try {
            Files.write(in.resolve("refused.log"), List.of("r1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(in.resolve(".failed/refused.log")));
            Files.write(in.resolve("fine.log"), List.of("f1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(in.resolve(".done/fine.log")));
        } finally {
            routes.main.completed();
        }
        RunCounters.Snapshot summary = routes.ended();
        assertEquals(1, summary.filesFailed());
        assertEquals(1, summary.filesDone());
        assertFalse(Files.exists(in.resolve("refused.log")));
        assertTrue(Files.exists(in.resolve(".done/fine.log")));
    }

    /** The ids of the routes a run with these options has once started; it is then stopped if it has not ended. */
    /**
     * Lines appended after the reader reached the end of a file, but before the file moved to .done/, are read on
     * from there: Kafka here takes half a second for the first batch, long after the reader saw the end.
     */
    @Test
    void inWatchModeLinesAppendedAfterTheReaderEndedAreShippedBeforeTheMove() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path file = in.resolve("grows.log");
        Routes routes = new Routes(kafka -> kafka.whenExchangeReceived(1, e -> {
            try {
                Thread.sleep(500);
                Files.write(file, List.of("late"), java.nio.file.StandardOpenOption.APPEND);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        }), "--watch", "--files", in + "/*.log");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream err = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            Files.write(dir.resolve("grows.log"), List.of("early"));
            Files.move(dir.resolve("grows.log"), file);
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(in.resolve(".done/grows.log")));
        } finally {
            routes.main.completed();
            System.setErr(err);
        }
        routes.ended();

        List<String> sent = routes.kafka.getReceivedExchanges().stream().map(e -> e.getIn().getBody(LineBatch.class))
                .flatMap(b -> b.lines().stream()).map(line -> new String(line.bytes())).toList();
        assertEquals(List.of("early", "late"), sent);
        assertTrue(log.toString(StandardCharsets.UTF_8).contains(file + " grew by 5 bytes while it was shipped"),
                log.toString(StandardCharsets.UTF_8));
    }

    private List<String> routeIds(String... args) throws Exception {
        Routes routes = new Routes(kafka -> { }, args);
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> routes.routeIds != null);
            return routes.routeIds;
        } finally {
            routes.main.completed();
            routes.ended();
        }
    }

    /** The routes of one run, started in the background with the kafka endpoint replaced by {@link #kafka}. */
    private final class Routes {
        final RunCounters counters = new RunCounters();
        final Main main;
        final CompletableFuture<Void> running;
        volatile MockEndpoint kafka;
        volatile List<String> routeIds;

        Routes(Consumer<MockEndpoint> kafkaBehaviour, String... args) throws Exception {
            Settings settings = Settings.load(Path.of(""), Map.of());
            Options options = Options.of(Options.parse(args, settings));
            SourceMode mode = options.mode();
            FilePattern pattern = options.pattern();
            InputFiles inputFiles = new InputFiles(pattern, mode == SourceMode.ONE_SHOT ? pattern.matchingFiles()
                    : null);
            CamelWiring wiring = new CamelWiring(options, mode, inputFiles, counters, dir.resolve("state"),
                    new KafkaConnectionCheck.Cluster("no-cluster", null), new LineLimit(1_000_000, "max.request.size"), "127.0.0.1:9", Map.of(), null, null,
                    null);
            main = wiring.main(settings.forCamel(ShippingRun.routeProperties(options, dir.resolve("state"))));
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterConfigure(BaseMainSupport configured) {
                    try {
                        CamelContext camel = configured.getCamelContext();
                        AdviceWith.adviceWith(camel, "ship-lines",
                                route -> route.weaveByToUri("kafka:*").replace().to("mock:kafka"));
                        kafka = camel.getEndpoint("mock:kafka", MockEndpoint.class);
                        kafkaBehaviour.accept(kafka);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public void afterStart(BaseMainSupport started) {
                    routeIds = started.getCamelContext().getRoutes().stream().map(Route::getRouteId).sorted().toList();
                }
            });
            running = CompletableFuture.runAsync(() -> {
                try {
                    main.run();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }

        /** Waits for the run to end (a one-shot run ends by itself) and returns its summary. */
        RunCounters.Snapshot ended() throws Exception {
            running.get(60, TimeUnit.SECONDS);
            return counters.finish();
        }
    }
}
