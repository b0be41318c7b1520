package dev.log2kafka;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.log2kafka.kafka.EmbeddedKafka;
import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.cli.ExitCode;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shipping over SASL_PLAINTEXT (PLAIN, SCRAM-SHA-512) and SASL_SSL (a self-signed certificate made here), with Java
 * and librdkafka-style properties files; the failures a user can cause, each one sentence, exit code 3 and fast; and
 * the password nowhere in what log2kafka prints or logs.
 */
class SecurityIT {

    /** Alice's password, distinctive enough that finding it anywhere in the output means it leaked. */
    private static final String PASSWORD = "alice-pw-Q7v9Zk";
    /** Environment variable the properties files take the password from. */
    private static final String PASSWORD_VARIABLE = "KAFKA_PASSWORD";
    /** A failure must come within this: seconds, not the minute or two of the producer's defaults. */
    private static final Duration BOUND = Duration.ofSeconds(30);
    private static final String PLAIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    private static final String SCRAM_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";

    private static Path certificates;
    private static TestCertificate certificate;
    private static EmbeddedKafka broker;

    @TempDir
    Path dir;

    @BeforeAll
    static void startBroker() throws Exception {
        certificates = Files.createTempDirectory("log2kafka-certificates-");
        certificate = TestCertificate.selfSigned(certificates);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512");
        for (String listener : List.of("sasl_plaintext", "sasl_ssl")) {
            config.put("listener.name." + listener + ".plain.sasl.jaas.config", PLAIN_MODULE
                    + " required username=\"admin\" password=\"admin-secret\" user_alice=\"" + PASSWORD
                    + "\" user_log2kafka=\"" + PASSWORD + "\";");
            config.put("listener.name." + listener + ".scram-sha-512.sasl.jaas.config", SCRAM_MODULE + " required;");
        }
        config.put("ssl.keystore.location", certificate.keyStore().toString());
        config.put("ssl.keystore.type", "PKCS12");
        config.put("ssl.keystore.password", certificate.password());
        config.put("ssl.key.password", certificate.password());
        // alice for the tests, log2kafka for the examples in client.properties.example.
        broker = new EmbeddedKafka(config, List.of("SCRAM-SHA-512=[name=alice,password=" + PASSWORD + "]",
                "SCRAM-SHA-512=[name=log2kafka,password=" + PASSWORD + "]"),
                Map.of("SASL_PLAINTEXT", "SASL_PLAINTEXT", "SASL_SSL", "SASL_SSL"));
        broker.start();
    }

    @AfterAll
    static void stopBroker() throws IOException {
        if (broker != null) {
            broker.stop();
        }
        try (Stream<Path> files = Files.walk(certificates)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void linesArriveOverSaslPlaintextWithPlainAndAJavaStyleFile() throws Exception {
        assertLinesArrive(
                "bootstrap.servers=" + broker.bootstrapServers("SASL_PLAINTEXT"),
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=" + PLAIN_MODULE
                        + " required username=\"alice\" password=\"${env:KAFKA_PASSWORD}\";");
    }

    @Test
    void linesArriveOverSaslPlaintextWithScramAndALibrdkafkaStyleFile() throws Exception {
        assertLinesArrive(
                "bootstrap.servers=" + broker.bootstrapServers("SASL_PLAINTEXT"),
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanisms=SCRAM-SHA-512",
                "sasl.username=alice",
                "sasl.password={{env:KAFKA_PASSWORD}}");
    }

    @Test
    void linesArriveOverSaslSslWithScramAndATrustStore() throws Exception {
        assertLinesArrive(
                "bootstrap.servers=" + broker.bootstrapServers("SASL_SSL"),
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=" + SCRAM_MODULE + " required username=\"alice\" password=\"${env:KAFKA_PASSWORD}\";",
                "ssl.truststore.location=" + certificate.trustStore(),
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.password=" + certificate.password());
    }

    @Test
    void linesArriveOverSaslSslWithALibrdkafkaStyleFileAndAPemCaFile() throws Exception {
        // What Confluent Cloud's client.properties for Go, C and Python clients looks like, plus the CA file.
        assertLinesArrive(
                "bootstrap.servers=" + broker.bootstrapServers("SASL_SSL"),
                "security.protocol=SASL_SSL",
                "sasl.mechanisms=PLAIN",
                "sasl.username=alice",
                "sasl.password=${env:KAFKA_PASSWORD}",
                "ssl.ca.location=" + certificate.caPem(),
                "session.timeout.ms=45000");
    }

    @Test
    void everyBlockOfTheExampleFileShipsLinesWithOnlyItsHostsAndFilesChanged() throws Exception {
        Map<String, List<String>> blocks = exampleBlocks(Path.of("client.properties.example"));
        assertEquals(List.of("1. Plain", "2. SASL_PLAINTEXT with PLAIN", "3. SASL_SSL with SCRAM-SHA-512",
                "4. Confluent Cloud style"), List.copyOf(blocks.keySet()));
        List<String> servers = List.of(broker.bootstrapServers(), broker.bootstrapServers("SASL_PLAINTEXT"),
                broker.bootstrapServers("SASL_SSL"), broker.bootstrapServers("SASL_SSL"));
        Map<String, String> environment = Map.of(PASSWORD_VARIABLE, PASSWORD,
                "KAFKA_TRUSTSTORE_PASSWORD", certificate.password(),
                "CONFLUENT_API_KEY", "log2kafka",
                "CONFLUENT_API_SECRET", PASSWORD);
        int n = 0;
        for (Map.Entry<String, List<String>> block : blocks.entrySet()) {
            String server = servers.get(n++);
            List<String> properties = new ArrayList<>(block.getValue().stream()
                    .map(line -> line.startsWith("bootstrap.servers=") ? "bootstrap.servers=" + server : line)
                    .map(line -> line.startsWith("ssl.truststore.location=")
                            ? "ssl.truststore.location=" + certificate.trustStore() : line)
                    .toList());
            if (block.getKey().startsWith("4.")) {
                // Confluent Cloud's CAs are public; this test broker's is not.
                properties.add("ssl.ca.location=" + certificate.caPem());
            }
            assertLinesArrive(environment, properties.toArray(String[]::new));
        }
    }

    @Test
    void aWrongPasswordEndsTheRunAtOnceNamingTheUserAndTheServer() throws Exception {
        String server = broker.bootstrapServers("SASL_PLAINTEXT");
        String wrong = "not-" + PASSWORD;
        Failure failure = runUntilItFails(Map.of(PASSWORD_VARIABLE, wrong),
                "bootstrap.servers=" + server,
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanisms=SCRAM-SHA-512",
                "sasl.username=alice",
                "sasl.password=${env:KAFKA_PASSWORD}");

        failure.assertSentence("Kafka authentication failed for user alice at " + server
                + " (SCRAM-SHA-512): invalid credentials with SASL mechanism SCRAM-SHA-512.");
        assertFalse(failure.run.out().contains(wrong) || failure.run.err().contains(wrong), failure.run.err());
    }

    @Test
    void anUntrustedCertificateEndsTheRunAtOnceWithATlsSentenceNamingTheServer() throws Exception {
        String server = broker.bootstrapServers("SASL_SSL");
        // No trust store: the JDK's own CAs do not trust a self-signed certificate.
        Failure failure = runUntilItFails(Map.of(PASSWORD_VARIABLE, PASSWORD),
                "bootstrap.servers=" + server,
                "security.protocol=SASL_SSL",
                "sasl.mechanisms=SCRAM-SHA-512",
                "sasl.username=alice",
                "sasl.password=${env:KAFKA_PASSWORD}");

        failure.assertSentence("TLS handshake with " + server + " failed: its certificate is not trusted; set"
                + " ssl.truststore.location (or ssl.ca.location) to the CA that signed it.");
    }

    @Test
    void aCertificateForAnotherHostEndsTheRunAtOnceWithATlsSentenceNamingTheServer() throws Exception {
        // The certificate is for 127.0.0.1; asking for localhost (the same address) must fail host name checking.
        String server = broker.bootstrapServers("SASL_SSL").replace("127.0.0.1", "localhost");
        Failure failure = runUntilItFails(Map.of(PASSWORD_VARIABLE, PASSWORD),
                "bootstrap.servers=" + server,
                "security.protocol=SASL_SSL",
                "sasl.mechanisms=SCRAM-SHA-512",
                "sasl.username=alice",
                "sasl.password=${env:KAFKA_PASSWORD}",
                "ssl.ca.location=" + certificate.caPem());

        // The part in brackets is the JDK's own words, which differ between versions.
        failure.assertSentence("TLS handshake with " + server + " failed: its certificate is not for that host name (");
        assertTrue(failure.run.err().contains("matching localhost found)."), failure.run.err());
    }

    @Test
    void aServerNobodyListensOnEndsTheRunAtOnceNamingIt() throws Exception {
        String server = "127.0.0.1:" + closedPort();
        Failure failure = runUntilItFails(Map.of(), "bootstrap.servers=" + server);

        failure.assertSentence("Kafka bootstrap server " + server + " cannot be reached: connection refused.");
    }

    @Test
    void aServerThatNeverAnswersEndsTheRunWithinTheConnectTimeoutNamingIt() throws Exception {
        // Accepts connections (the kernel does, into the backlog) but never says a word, like a wedged broker.
        try (ServerSocket silent = new ServerSocket(0)) {
            String server = "127.0.0.1:" + silent.getLocalPort();
            Failure failure = runUntilItFails(Map.of(), List.of("--connect-timeout", "3"),
                    "bootstrap.servers=" + server);

            failure.assertSentence("Kafka bootstrap server " + server + " cannot be reached: no Kafka answer within 3 s"
                    + " (is it a Kafka listener, and does security.protocol match it?).");
            assertTrue(failure.elapsed.compareTo(Duration.ofSeconds(3)) >= 0, "gave up before the timeout");
        }
    }

    @Test
    void thePasswordAppearsNowhereInWhatTheAppPrintsOrLogsEvenAtInfoLevel() throws Exception {
        // INFO everywhere: Camel Main's configuration summary, the Kafka clients' configuration dumps, and more.
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.INFO);
        List<Run> runs = new ArrayList<>();
        try {
            Files.writeString(dir.resolve("a.log"), "secret-free line\n");
            // The password written in the file, in each key style, and a run that fails after reading it.
            runs.add(run(Map.of(), List.of(),
                    "bootstrap.servers=" + broker.bootstrapServers("SASL_SSL"),
                    "security.protocol=SASL_SSL",
                    "sasl.mechanism=SCRAM-SHA-512",
                    "sasl.jaas.config=" + SCRAM_MODULE + " required username=\"alice\" password=\"" + PASSWORD + "\";",
                    "ssl.truststore.location=" + certificate.trustStore(),
                    "ssl.truststore.password=" + certificate.password()));
            runs.add(run(Map.of(), List.of(),
                    "bootstrap.servers=" + broker.bootstrapServers("SASL_PLAINTEXT"),
                    "security.protocol=SASL_PLAINTEXT",
                    "sasl.mechanisms=PLAIN",
                    "sasl.username=alice",
                    "sasl.password=" + PASSWORD));
            runs.add(run(Map.of(), List.of(),
                    "bootstrap.servers=" + broker.bootstrapServers("SASL_SSL"),
                    "security.protocol=SASL_SSL",
                    "sasl.mechanisms=PLAIN",
                    "sasl.username=alice",
                    "sasl.password=" + PASSWORD));
        } finally {
            Configurator.reconfigure();
        }

        assertEquals(List.of(0, 0, ExitCode.KAFKA_CONNECTION.code()), runs.stream().map(Run::exitCode).toList(),
                () -> runs.stream().map(r -> r.out() + r.err()).toList().toString());
        for (Run run : runs) {
            assertFalse(run.out().contains(PASSWORD), run.out());
            assertFalse(run.err().contains(PASSWORD), run.err());
            // What was shown instead: log2kafka's settings dump, and Kafka's own.
            assertTrue(run.err().contains("sasl.jaas.config=" + KafkaClientSettings.MASK), run.err());
            assertTrue(run.err().contains("sasl.jaas.config = [hidden]"), run.err());
        }
    }

    private void assertLinesArrive(String... properties) throws Exception {
        assertLinesArrive(Map.of(PASSWORD_VARIABLE, PASSWORD), properties);
    }

    private void assertLinesArrive(Map<String, String> environment, String... properties) throws Exception {
        List<byte[]> lines = List.of("first line".getBytes(StandardCharsets.US_ASCII),
                new byte[] {'b', 'a', 'd', (byte) 0xC3, (byte) 0x28, 0, (byte) 0xFF},
                new byte[0],
                "last line, no newline".getBytes(StandardCharsets.US_ASCII));
        Path log = dir.resolve("secure.log");
        try (var out = Files.newOutputStream(log)) {
            for (int i = 0; i < lines.size(); i++) {
                out.write(lines.get(i));
                if (i < lines.size() - 1) {
                    out.write(i == 0 ? new byte[] {'\r', '\n'} : new byte[] {'\n'});
                }
            }
        }
        String topic = Topics.unique("secure");

        Run run = run(environment, List.of("--files", log.toString(), "--topic", topic), properties);

        assertEquals(0, run.exitCode(), () -> String.join("\n", properties) + "\n" + run.out() + run.err());
        OneShotIT.assertRecordsEqual(lines, Topics.values(broker.bootstrapServers(), topic));
        assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), run.err());
    }

    private Run run(Map<String, String> environment, List<String> options, String... properties) throws IOException {
        Path config = dir.resolve("client.properties");
        Files.write(config, List.of(properties));
        List<String> args = new ArrayList<>(List.of("--kafka-config", config.toString()));
        if (!options.contains("--files")) {
            Files.writeString(dir.resolve("a.log"), "never sent\n");
            args.addAll(List.of("--files", dir.resolve("a.log").toString(), "--topic", Topics.unique("unsent")));
        }
        args.addAll(options);
        return Run.inProcess(environment, args.toArray(String[]::new));
    }

    private Failure runUntilItFails(Map<String, String> environment, String... properties) throws IOException {
        return runUntilItFails(environment, List.of(), properties);
    }

    private Failure runUntilItFails(Map<String, String> environment, List<String> options, String... properties)
            throws IOException {
        long start = System.nanoTime();
        Run run = run(environment, options, properties);
        return new Failure(run, Duration.ofNanos(System.nanoTime() - start));
    }

    /** A run that should have failed, and how long it took. */
    private record Failure(Run run, Duration elapsed) {

        void assertSentence(String sentence) {
            assertEquals(ExitCode.KAFKA_CONNECTION.code(), run.exitCode(), run.out() + run.err());
            assertTrue(run.err().contains(sentence), () -> "expected: " + sentence + "\nbut got: " + run.err());
            assertTrue(elapsed.compareTo(BOUND) < 0, () -> "took " + elapsed + ", more than " + BOUND);
            assertFalse(run.out().contains(PASSWORD) || run.err().contains(PASSWORD), run.err());
        }
    }

    /**
     * The settings of each block of the example file (`## 1. Plain: ...`), commented out or not, by the block's title
     * up to its colon.
     */
    private static Map<String, List<String>> exampleBlocks(Path file) throws IOException {
        Map<String, List<String>> blocks = new LinkedHashMap<>();
        List<String> current = null;
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith("## ")) {
                current = new ArrayList<>();
                blocks.put(line.substring(3).replaceFirst(":.*", ""), current);
            } else if (current != null && line.matches("#?[a-z][a-z0-9.]*=.*")) {
                current.add(line.replaceFirst("^#", ""));
            }
        }
        return blocks;
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
