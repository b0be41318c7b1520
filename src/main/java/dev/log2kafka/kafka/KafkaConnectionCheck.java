package dev.log2kafka.kafka;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.net.ssl.SSLException;

import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.SettingsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the Kafka cluster to describe itself, with the producer's own connection settings, before anything is shipped:
 * an unreachable server, a wrong password or an untrusted certificate then ends the run at once with one sentence,
 * where the producer would wait for max.block.ms (60 s) or delivery.timeout.ms (120 s) and say less.
 */
public final class KafkaConnectionCheck {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectionCheck.class);

    private KafkaConnectionCheck() {
    }

    /**
     * @param bootstrapServers the servers the producer will connect to
     * @param clientSettings   the Kafka properties file's other keys; those that concern connections are used
     * @param timeout          the bound on the whole check
     * @throws KafkaConnectionException naming the server, the user or the TLS problem
     * @throws SettingsException        if the settings are not valid Kafka client settings
     */
    public static void verify(String bootstrapServers, Map<String, String> clientSettings, Duration timeout) {
        verify(bootstrapServers, clientSettings, timeout, null);
    }

    /**
     * As {@link #verify(String, Map, Duration)}, and checks that the topic exists or will be created on the first
     * record.
     *
     * @param topic where the lines go; null to leave it unchecked
     * @return what the cluster says of itself and the topic
     * @throws SettingsException if the topic does not exist and the cluster does not create topics
     */
    public static Cluster verify(String bootstrapServers, Map<String, String> clientSettings, Duration timeout,
            String topic) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> reachable = reachable(bootstrapServers, deadline);
        String servers = String.join(", ", reachable);

        Map<String, Object> config = KafkaClientSettings.onlyFor(AdminClientConfig.configNames(), clientSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "log2kafka-connection-check");
        int remainingMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, remainingMs);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, remainingMs);

        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (KafkaException e) {
            // The innermost cause says what is wrong; "Failed to create new KafkaAdminClient" wraps it.
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new SettingsException("The Kafka client settings are not valid: "
                    + KafkaClientSettings.hideSecrets(Sentences.sentence(cause), clientSettings)
                            .replaceFirst("\\.$", "") + ".");
        }
        try {
            DescribeClusterResult cluster = admin.describeCluster(new DescribeClusterOptions().timeoutMs(remainingMs));
            Collection<Node> nodes = cluster.nodes().get(remainingMs + 1000L, TimeUnit.MILLISECONDS);
            String clusterId = cluster.clusterId().get(remainingMs + 1000L, TimeUnit.MILLISECONDS);
            Integer maxMessageBytes = topic == null ? null : checkTopic(admin, topic, nodes, servers, remainingMs);
            return new Cluster(clusterId, maxMessageBytes);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), servers, clientSettings, timeout);
        } catch (TimeoutException e) {
            throw noAnswer(servers, timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaConnectionException("Interrupted while connecting to Kafka at " + servers + ".");
        } finally {
            admin.close(Duration.ZERO);
        }
    }

    /**
     * A topic that does not exist is created by the first record only if the cluster creates topics
     * (auto.create.topics.enable, true by default, usually false in production); else every send would wait for it.
     */
    private static Integer checkTopic(Admin admin, String topic, Collection<Node> nodes, String servers,
            int timeoutMs) throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS);
            Config config = config(admin, new ConfigResource(ConfigResource.Type.TOPIC, topic), timeoutMs);
            String cleanup = value(config, "cleanup.policy");
            if (cleanup != null && cleanup.contains("compact")) {
                // the broker would refuse every line, batch after batch
                throw new SettingsException("Topic " + topic + " at " + servers + " is compacted (cleanup.policy="
                        + cleanup + "): Kafka takes only records with a key there, and log2kafka sends each line"
                        + " without one; ship to a topic that is not compacted.");
            }
            return asInteger(value(config, "max.message.bytes"));
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw e;
            }
        }
        ConfigResource broker = nodes.isEmpty() ? null
                : new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
        String createsTopics = broker == null ? null : setting(admin, broker, "auto.create.topics.enable", timeoutMs);
        if ("false".equals(createsTopics)) {
            throw new SettingsException("Topic " + topic + " does not exist at " + servers + ", and the cluster does"
                    + " not create topics (auto.create.topics.enable=false); create it first, or ship to a topic that"
                    + " exists.");
        }
        LOG.info("Topic {} does not exist at {} yet; the first record creates it", topic, servers);
        // a topic the cluster creates takes the broker's default
        return broker == null ? null : asInteger(setting(admin, broker, "message.max.bytes", timeoutMs));
    }

    /** A broker's or topic's setting, or null if this user may not read it. */
    private static String setting(Admin admin, ConfigResource resource, String name, int timeoutMs)
            throws InterruptedException, TimeoutException {
        return value(config(admin, resource, timeoutMs), name);
    }

    /** A broker's or topic's settings, or null if this user may not read them. */
    private static Config config(Admin admin, ConfigResource resource, int timeoutMs)
            throws InterruptedException, TimeoutException {
        try {
            return admin.describeConfigs(List.of(resource)).all().get(timeoutMs + 1000L, TimeUnit.MILLISECONDS)
                    .get(resource);
        } catch (ExecutionException e) {
            return null;
        }
    }

    private static String value(Config config, String name) {
        ConfigEntry entry = config == null ? null : config.get(name);
        return entry == null ? null : entry.value();
    }

    private static Integer asInteger(String value) {
        try {
            return value == null ? null : Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * What the connection check learnt.
     *
     * @param id              the cluster's id
     * @param maxMessageBytes the largest record batch the topic takes (max.message.bytes, or the broker's
     *                        message.max.bytes for a topic it will create); null if unknown
     */
    public record Cluster(String id, Integer maxMessageBytes) {
    }

    /**
     * The bootstrap servers that accept a TCP connection; fails with a sentence if none does. Quicker and more precise
     * than the Kafka client, which retries a refused connection until its timeout and then only says it timed out.
     */
    private static List<String> reachable(String bootstrapServers, long deadline) {
        List<String> reachable = new ArrayList<>();
        Map<String, String> problems = new LinkedHashMap<>();
        for (String server : bootstrapServers.split(",")) {
            server = server.trim();
            if (server.isEmpty()) {
                continue;
            }
            String host = Utils.getHost(server);
            Integer port = Utils.getPort(server);
            if (host == null || port == null) {
                throw new SettingsException("bootstrap.servers entry '" + server + "' is not host:port.");
            }
            int remainingMs = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(host, port), remainingMs);
                reachable.add(server);
            } catch (UnknownHostException e) {
                problems.put(server, "host " + host + " is unknown");
            } catch (ConnectException e) {
                problems.put(server, "connection refused");
            } catch (SocketTimeoutException e) {
                problems.put(server, "no answer within " + Math.max(1, remainingMs / 1000) + " s");
            } catch (IOException e) {
                problems.put(server, e.getMessage());
            }
        }
        if (reachable.isEmpty() && problems.isEmpty()) {
            throw new SettingsException("bootstrap.servers is empty.");
        }
        if (reachable.isEmpty()) {
            if (problems.size() == 1) {
                Map.Entry<String, String> only = problems.entrySet().iterator().next();
                throw new KafkaConnectionException("Kafka bootstrap server " + only.getKey() + " cannot be reached: "
                        + only.getValue() + ".");
            }
            List<String> each = new ArrayList<>();
            problems.forEach((server, problem) -> each.add(server + " " + problem));
            throw new KafkaConnectionException("Kafka bootstrap servers " + String.join(", ", problems.keySet())
                    + " cannot be reached: " + String.join("; ", each) + ".");
        }
        return reachable;
    }

    private static KafkaConnectionException failure(Throwable cause, String servers, Map<String, String> settings,
            Duration timeout) {
        if (cause instanceof SslAuthenticationException) {
            return new KafkaConnectionException("TLS handshake with " + servers + " failed: " + tlsProblem(cause)
                    + ".");
        }
        if (cause instanceof AuthenticationException) {
            String user = KafkaClientSettings.userName(settings);
            String mechanism = settings.getOrDefault(SaslConfigs.SASL_MECHANISM, SaslConfigs.DEFAULT_SASL_MECHANISM);
            String said = KafkaClientSettings.hideSecrets(cause.getMessage(), settings)
                    .replaceFirst("^Authentication failed during authentication due to ", "")
                    .replaceFirst("\\.$", "");
            return new KafkaConnectionException("Kafka authentication failed"
                    + (user == null ? "" : " for user " + user) + " at " + servers + " (" + mechanism + "): " + said
                    + ".");
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
            return noAnswer(servers, timeout);
        }
        return new KafkaConnectionException("Kafka at " + servers + " cannot be used: "
                + KafkaClientSettings.hideSecrets(Sentences.sentence(cause), settings) + ".");
    }

    private static KafkaConnectionException noAnswer(String servers, Duration timeout) {
        return new KafkaConnectionException("Kafka bootstrap server " + servers + " cannot be reached: no Kafka answer"
                + " within " + timeout.toSeconds() + " s (is it a Kafka listener, and does security.protocol match"
                + " it?).");
    }

    /** What went wrong in a TLS handshake, in words that say which setting to look at. */
    private static String tlsProblem(Throwable error) {
        Throwable innermost = error;
        boolean certificate = false;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
            certificate |= innermost instanceof CertificateException;
        }
        String message = innermost.getMessage() == null ? innermost.getClass().getSimpleName() : innermost.getMessage();
        if (message.contains("unable to find valid certification path")) {
            return "its certificate is not trusted; set ssl.truststore.location (or ssl.ca.location) to the CA that"
                    + " signed it";
        }
        if (message.contains("No subject alternative") || message.contains("No name matching")) {
            return "its certificate is not for that host name (" + message.replaceFirst("\\.$", "") + ")";
        }
        if (certificate || innermost instanceof SSLException) {
            return message.replaceFirst("\\.$", "");
        }
        return message.replaceFirst("\\.$", "") + " (does the listener speak TLS?)";
    }
}
