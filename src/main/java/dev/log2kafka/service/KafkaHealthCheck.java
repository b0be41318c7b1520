package dev.log2kafka.service;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: Kafka answers and takes the credentials, checked as at start (the connection check, with the same
 * client settings) within {@value #TIMEOUT_SECONDS} s; an answer is used again for {@value #REUSE_SECONDS} s. camel-kafka's own producer check
 * asks whether the producer holds a connection right now, which it drops after nine idle minutes (a follower with
 * quiet files would look down); this one asks Kafka.
 */
public final class KafkaHealthCheck extends AbstractHealthCheck {

    static final int TIMEOUT_SECONDS = 10;
    /** An answer is used again for this long. */
    private static final int REUSE_SECONDS = 5;

    private final String bootstrapServers;
    private final Map<String, String> clientSettings;
    private Outcome last;

    public KafkaHealthCheck(String bootstrapServers, Map<String, String> clientSettings) {
        super("log2kafka", "kafka");
        this.bootstrapServers = bootstrapServers;
        this.clientSettings = clientSettings;
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Outcome outcome = outcome();
        builder.detail("bootstrap.servers", bootstrapServers);
        if (outcome.failure() == null) {
            builder.detail("cluster.id", outcome.clusterId());
            builder.up();
        } else {
            builder.message(outcome.failure());
            builder.down();
        }
    }

    /** The last answer if it is recent, else a new one: a probe and a scrape at once connect once. */
    private synchronized Outcome outcome() {
        if (last != null && System.nanoTime() - last.atNanos() < TimeUnit.SECONDS.toNanos(REUSE_SECONDS)) {
            return last;
        }
        try {
            KafkaConnectionCheck.Cluster cluster = KafkaConnectionCheck.verify(bootstrapServers, clientSettings,
                    Duration.ofSeconds(TIMEOUT_SECONDS), null);
            last = new Outcome(System.nanoTime(), cluster.id(), null);
        } catch (RuntimeException e) {
            last = new Outcome(System.nanoTime(), null, KafkaClientSettings.hideSecrets(e.getMessage(),
                    clientSettings));
        }
        return last;
    }

    /** What Kafka answered, and when: its cluster id, or why it did not. */
    private record Outcome(long atNanos, String clusterId, String failure) {
    }
}
