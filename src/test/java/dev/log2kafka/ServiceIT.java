package dev.log2kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.log2kafka.kafka.EmbeddedKafka;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * log2kafka as a service (--follow --http-port): health that turns DOWN when Kafka goes away and UP when it returns,
 * metrics that say what was shipped, checked by Prometheus' own promtool and scraped by a real Prometheus server.
 * Each test has a broker of its own, as one stops it.
 */
class ServiceIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final EmbeddedKafka broker = new EmbeddedKafka();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void startBroker() {
        broker.start();
    }

    @AfterEach
    void stop() throws Exception {
        for (Process process : processes) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        broker.stop();
    }

    @Test
    void healthIsUpWhileKafkaAnswersDownWithin30SecondsOfItsGoingAndUpAgainWhenItReturns() throws Exception {
        int port = freePort();
        Files.writeString(dir.resolve("app.log"), "one line\n");
        follow(port, Topics.unique("health"));

        await().atMost(Duration.ofSeconds(60)).until(() -> status(port, "/observe/health") == 200);
        String health = get(port, "/observe/health").body();
        assertTrue(health.startsWith("{\"status\":\"UP\""), health);
        assertTrue(health.contains("{\"name\":\"kafka\",\"status\":\"UP\""), health);
        assertTrue(health.contains("{\"name\":\"route:follow\",\"status\":\"UP\""), "the follow route's check: "
                + health);
        assertEquals(200, status(port, "/observe/health/live"));
        assertEquals(200, status(port, "/observe/health/ready"));

        broker.stopKeepingData();
        long stopped = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofSeconds(1))
                .until(() -> status(port, "/observe/health") == 503);
        System.out.printf("health DOWN %d s after the broker stopped%n",
                TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stopped));
        String down = get(port, "/observe/health/ready").body();
        assertTrue(down.startsWith("{\"status\":\"DOWN\""), down);
        assertTrue(down.contains("{\"name\":\"kafka\",\"status\":\"DOWN\",\"message\":\"Kafka bootstrap server "
                + broker.bootstrapServers()), down);
        String live = get(port, "/observe/health/live").body();
        assertTrue(live.startsWith("{\"status\":\"UP\"") && live.contains("route:follow")
                && !live.contains("\"name\":\"kafka\""),
                "the process and its routes are alive: " + live);

        broker.startAgain();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> status(port, "/observe/health") == 200);
    }

    /**
     * A broker paused (SIGSTOP) for 60 s while a writer appends: the follower says it is stalled, naming the file,
     * its health and gauge say so after --stall-timeout, and once the broker goes on every line arrives, once.
     */
    @Test
    void aBrokerPausedLongerThanTheRequestTimeoutIsAStallThatIsWarnedAboutAndDownAndEveryLineArrivesOnceAfter()
            throws Exception {
        // the jar's embedded broker, in a process of its own so that it can be paused; it follows an empty directory
        Files.createDirectories(dir.resolve("broker"));
        Process brokerProcess = Run.jarProcess(dir.resolve("broker"), "--embedded-kafka", "--follow", "--files",
                dir.resolve("broker") + "/*.log", "--topic", "unused").redirectErrorStream(true)
                .redirectOutput(dir.resolve("broker.txt").toFile()).start();
        processes.add(brokerProcess);
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.readString(dir.resolve("broker.txt"))
                .contains("Shipping and following"));
        Matcher listening = Pattern.compile("listening on (\\S+) ")
                .matcher(Files.readString(dir.resolve("broker.txt")));
        assertTrue(listening.find());
        String bootstrap = listening.group(1);
        String topic = Topics.unique("paused");
        int port = freePort();
        Path log = dir.resolve("app.log");
        FollowIT.Writer writer = FollowIT.Writer.start(log, false);
        try {
            Run.clientProperties(dir, bootstrap);
            processes.add(Run.jarProcess(dir, "--follow", "--files", log.toString(), "--topic", topic, "--state-dir",
                    dir.resolve("state").toString(), "--http-port", Integer.toString(port), "--stall-timeout", "10s")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start());
            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(bootstrap, topic) > 1_000);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "/observe/health") == 200);

            long paused = System.nanoTime();
            signal("STOP", brokerProcess.pid());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(dir.resolve("out.txt"))
                    .contains(log + " has "));
            long warned = System.nanoTime();
            // liveness: the Kafka check (readiness) would take up to its 10 s timeout to answer here
            await().atMost(Duration.ofSeconds(20)).until(() -> get(port, "/observe/health/live").body()
                    .contains("{\"name\":\"follow\",\"status\":\"DOWN\""));
            long down = System.nanoTime();
            assertEquals(503, status(port, "/observe/health/live"));
            assertTrue(get(port, "/observe/health").body().contains("{\"name\":\"follow\",\"status\":\"DOWN\""));
            assertEquals(1, value(get(port, "/observe/metrics").body(), "log2kafka_follow_stalled"));
            String warning = Files.readString(dir.resolve("out.txt"));
            assertTrue(warning.contains("bytes not shipped, and no line has been acknowledged for"), warning);
            System.out.printf("broker paused: stall warned after %d s, health DOWN after %d s (--stall-timeout 10s)%n",
                    TimeUnit.NANOSECONDS.toSeconds(warned - paused), TimeUnit.NANOSECONDS.toSeconds(down - paused));
            // the pause itself, not a wait for asynchronous work: 60 s, twice the producer's request.timeout.ms, so
            // that its requests time out and are sent again, and far past the broker's own session timeouts
            Thread.sleep(Math.max(0, TimeUnit.SECONDS.toMillis(60) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime()
                    - paused)));
            signal("CONT", brokerProcess.pid());

            await().atMost(Duration.ofSeconds(60)).until(() -> status(port, "/observe/health") == 200);
            assertEquals(0, value(get(port, "/observe/metrics").body(), "log2kafka_follow_stalled"));
            List<String> written = writer.stop();
            await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(bootstrap, topic)
                    >= written.size());
            assertEquals(written, OneShotIT.strings(Topics.values(bootstrap, topic)), "every line once, in order");
            assertTrue(Files.readString(dir.resolve("out.txt")).contains("no longer stalled"));
        } finally {
            writer.stop();
        }
    }

    @Test
    void metricsCountWhatWasShippedPassPromtoolAndAPrometheusServerScrapesThem() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/promtool")) && Files.isExecutable(Path.of(
                "/usr/bin/prometheus")),
                        "Prometheus is not installed (Debian package prometheus; .ci/run installs it)");
        int port = freePort();
        String topic = Topics.unique("metrics");
        EduroamLog.write(dir.resolve("a.log"), 3_000, 1);
        EduroamLog.write(dir.resolve("b.log"), 2_000, 2);
        follow(port, topic);
        await().atMost(Duration.ofSeconds(60)).until(() -> Topics.endOffsetSum(broker.bootstrapServers(), topic)
                == 5_000);

        await().atMost(Duration.ofSeconds(10)).until(() -> value(get(port, "/observe/metrics").body(),
                "log2kafka_lines_sent_total") == 5_000);
        String metrics = get(port, "/observe/metrics").body();
        assertEquals(5_000, value(metrics, "log2kafka_lines_read_total"));
        assertEquals(0, value(metrics, "log2kafka_lines_rejected_total"));
        assertEquals(0, value(metrics, "log2kafka_file_lag_bytes{file=\"" + dir.resolve("a.log") + "\"}"));
        for (String name : List.of("log2kafka_lines_read_total", "log2kafka_lines_sent_total",
                "log2kafka_lines_rejected_total", "log2kafka_bytes_read_total", "log2kafka_files_done_total",
                "log2kafka_files_failed_total", "log2kafka_file_lag_bytes", "log2kafka_checkpoint_age_seconds",
                "kafka_producer_record_send_rate", "kafka_producer_request_latency_avg",
                "kafka_producer_buffer_available_bytes", "kafka_producer_record_error_total", "jvm_memory_used_bytes",
                "jvm_gc_pause_seconds")) {
            String family = name.replaceFirst("_total$", "");
            assertTrue(metrics.contains("# HELP " + family) || metrics.contains("# HELP " + name), "HELP of "
                    + name + " in:\n" + metrics);
            assertTrue(metrics.contains("# TYPE " + family) || metrics.contains("# TYPE " + name), "TYPE of " + name);
        }

        Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics").redirectErrorStream(true)
                .start();
        promtool.getOutputStream().write(metrics.getBytes(StandardCharsets.UTF_8));
        promtool.getOutputStream().close();
        String lint = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(promtool.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, promtool.exitValue(), "promtool check metrics: " + lint);

        int prometheusPort = freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: log2kafka\n"
                + "    metrics_path: /observe/metrics\n    static_configs:\n      - targets: ['127.0.0.1:" + port
                + "']\n");
        Process prometheus = new ProcessBuilder("/usr/bin/prometheus", "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.out").toFile()).start();
        processes.add(prometheus);
        String query = "http://127.0.0.1:" + prometheusPort + "/api/v1/query?query="
                + URLEncoder.encode("log2kafka_lines_sent_total{job=\"log2kafka\"}", StandardCharsets.UTF_8);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .until(() -> HTTP.send(HttpRequest.newBuilder(URI.create(query)).build(),
                        HttpResponse.BodyHandlers.ofString()).body().contains("\"5000\""));
    }

    @Test
    void jsonLogsAreOneObjectALineWithTheFileWhereThereIsOne() throws Exception {
        EduroamLog.write(dir.resolve("a.log"), 1_000, 1);
        Run.clientProperties(dir, broker.bootstrapServers());
        Run run = Run.jar(dir, "--files", dir + "/a.log", "--topic", Topics.unique("json-log"), "--log-format", "json");

        assertEquals(0, run.exitCode(), run.out() + run.err());
        ObjectMapper json = new ObjectMapper();
        List<String> lines = run.err().lines().toList();
        assertTrue(lines.size() >= 2, run.err());
        boolean shipping = false;
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            for (String field : List.of("time", "level", "logger", "message")) {
                assertTrue(event.hasNonNull(field), field + " in " + line);
            }
            if (event.get("message").asText().startsWith("Shipping ")) {
                assertEquals(dir.resolve("a.log").toString(), event.get("file").asText(), line);
                shipping = true;
            }
        }
        assertTrue(shipping, "the start of the file is logged: " + run.err());
        assertTrue(run.out().contains("Lines: 1,000 read, 1,000 sent"), "the summary stays text: " + run.out());
    }

    private void follow(int port, String topic) throws IOException {
        Run.clientProperties(dir, broker.bootstrapServers());
        Process process = Run.jarProcess(dir, "--follow", "--files", dir + "/*.log", "--topic", topic,
                "--state-dir", dir.resolve("state").toString(), "--http-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("out.txt").toFile()).start();
        processes.add(process);
    }

    private static void signal(String name, long pid) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start().waitFor());
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int status(int port, String path) {
        try {
            return get(port, path).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** The value of one sample, by its name and labels as written; -1 if it is not there. */
    static double value(String metrics, String sample) {
        Matcher matcher = Pattern.compile("^" + Pattern.quote(sample) + "(?:\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(metrics);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }
}
