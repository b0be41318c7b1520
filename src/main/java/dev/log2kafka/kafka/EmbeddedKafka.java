package dev.log2kafka.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Kafka broker (KRaft, combined broker and controller) inside this JVM, on loopback ports picked at
 * start, with its data in a temporary directory that {@link #stop()} removes. For the first run and for tests; never
 * started unless asked for.
 * <p>
 * Its PLAINTEXT listener is always there (inter-broker traffic, topic creation, tests reading back); extra listeners,
 * such as SASL_PLAINTEXT or SASL_SSL ones for trying client security settings, each get a port of their own.
 */
public final class EmbeddedKafka extends ServiceSupport {

    private final Map<String, String> overrides;
    private final List<String> scramCredentials;
    private final Map<String, String> extraListeners;
    private final Map<String, Integer> listenerPorts = new LinkedHashMap<>();
    private Path dataDirectory;
    private KafkaRaftServer server;
    private Properties config;
    private String bootstrapServers;

    public EmbeddedKafka() {
        this(Map.of(), List.of());
    }

    /**
     * @param overrides        broker properties that replace or add to the defaults; `{broker}` and `{controller}` in
     *                         a value stand for the two ports picked at start
     * @param scramCredentials SCRAM users to create while formatting, as kafka-storage's --add-scram takes them
     */
    public EmbeddedKafka(Map<String, String> overrides, List<String> scramCredentials) {
        this(overrides, scramCredentials, Map.of());
    }

    /**
     * @param extraListeners listeners besides PLAINTEXT, name to security protocol (`SASL_SSL` to `SASL_SSL`); their
     *                       settings go in the overrides as `listener.name.<lower-case name>.*`
     */
    public EmbeddedKafka(Map<String, String> overrides, List<String> scramCredentials,
            Map<String, String> extraListeners) {
        this.overrides = overrides;
        this.scramCredentials = scramCredentials;
        this.extraListeners = extraListeners;
    }

    /** Where clients connect over PLAINTEXT, `127.0.0.1:port`; known once started. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Where clients connect to the extra listener of that name, `127.0.0.1:port`; known once started. */
    public String bootstrapServers(String listener) {
        Integer port = listenerPorts.get(listener);
        if (port == null) {
            throw new IllegalArgumentException("No listener " + listener + " (there are " + listenerPorts.keySet()
                    + ")");
        }
        return "127.0.0.1:" + port;
    }

    /** The directory holding the broker's logs and metadata while it runs. */
    public Path dataDirectory() {
        return dataDirectory;
    }

    @Override
    protected void doStart() throws Exception {
        dataDirectory = Files.createTempDirectory("log2kafka-broker-");
        int brokerPort = freePort();
        int controllerPort = freePort();
        for (String listener : extraListeners.keySet()) {
            listenerPorts.put(listener, freePort());
        }
        config = brokerConfig(brokerPort, controllerPort);
        format(config);
        server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        server.startup();
        bootstrapServers = "127.0.0.1:" + brokerPort;
        awaitReady();
    }

    /** Stops the broker as an outage would, keeping its data and ports for {@link #startAgain()}. */
    public synchronized void stopKeepingData() {
        server.shutdown();
        server.awaitShutdown();
    }

    /** Starts the broker again after {@link #stopKeepingData()}, on the same ports with the same data. */
    public synchronized void startAgain() throws Exception {
        server = new KafkaRaftServer(KafkaConfig.fromProps(config), Time.SYSTEM);
        server.startup();
        awaitReady();
    }

    private Properties brokerConfig(int brokerPort, int controllerPort) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("process.roles", "broker,controller");
        config.put("node.id", "1");
        config.put("controller.quorum.voters", "1@127.0.0.1:{controller}");
        StringBuilder extra = new StringBuilder();
        StringBuilder extraProtocols = new StringBuilder();
        listenerPorts.forEach((listener, port) -> {
            extra.append(',').append(listener).append("://127.0.0.1:").append(port);
            extraProtocols.append(',').append(listener).append(':').append(extraListeners.get(listener));
        });
        config.put("listeners", "PLAINTEXT://127.0.0.1:{broker},CONTROLLER://127.0.0.1:{controller}" + extra);
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:{broker}" + extra);
        config.put("controller.listener.names", "CONTROLLER");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT" + extraProtocols);
        config.put("log.dirs", dataDirectory.resolve("data").toString());
        config.put("num.partitions", "1");
        config.put("auto.create.topics.enable", "true");
        // One node: internal topics cannot have more replicas, and consumer groups hang otherwise.
        config.put("offsets.topic.replication.factor", "1");
        config.put("transaction.state.log.replication.factor", "1");
        config.put("transaction.state.log.min.isr", "1");
        config.put("share.coordinator.state.topic.replication.factor", "1");
        config.put("share.coordinator.state.topic.min.isr", "1");
        config.put("group.initial.rebalance.delay.ms", "0");
        config.putAll(overrides);
        Properties properties = new Properties();
        config.forEach((key, value) -> properties.setProperty(key, value
                .replace("{broker}", Integer.toString(brokerPort))
                .replace("{controller}", Integer.toString(controllerPort))));
        return properties;
    }

    private void format(Properties config) throws IOException {
        Path file = dataDirectory.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file)) {
            config.store(writer, "embedded broker");
        }
        List<String> args = new ArrayList<>(List.of("format", "--cluster-id", randomClusterId(), "--config",
                file.toString(), "--ignore-formatted"));
        for (String credential : scramCredentials) {
            args.add("--add-scram");
            args.add(credential);
        }
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        int code = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
        if (code != 0) {
            throw new IllegalStateException("Formatting the embedded broker's storage failed: " + output);
        }
    }

    private void awaitReady() throws Exception {
        try (Admin client = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            client.describeCluster().nodes().get(30, TimeUnit.SECONDS);
        }
    }

    /** Creates a topic with the given partitions, replication factor 1, unless it exists. */
    public void createTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            if (!admin.listTopics().names().get(30, TimeUnit.SECONDS).contains(topic)) {
                admin.createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic(topic, partitions, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Override
    protected void doStop() throws Exception {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
        if (dataDirectory != null) {
            deleteRecursively(dataDirectory);
            dataDirectory = null;
        }
        listenerPorts.clear();
    }

    private static String randomClusterId() {
        return org.apache.kafka.common.Uuid.randomUuid().toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs a broker until the process is stopped, for the benchmark and for trying clients by hand. */
    public static void main(String[] args) throws Exception {
        EmbeddedKafka broker = new EmbeddedKafka();
        broker.start();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop));
        System.out.println("Kafka broker listening on " + broker.bootstrapServers());
        Thread.currentThread().join(Duration.ofDays(365).toMillis());
    }
}
