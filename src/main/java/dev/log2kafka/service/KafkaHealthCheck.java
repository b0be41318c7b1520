package dev.log2kafka.service;

import java.time.Duration;
import java.util.Map;

import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: Kafka answers and takes the credentials, checked as at start (the connection check, with the same
 * client settings) each time the check is called, within {@value #TIMEOUT_SECONDS} s. camel-kafka's own producer check
 * asks whether the producer holds a connection right now, which it drops after nine idle minutes (a follower with
 * quiet files would look down); this one asks Kafka.
 */
public final class KafkaHealthCheck extends AbstractHealthCheck {

    static final int TIMEOUT_SECONDS = 10;

    private final String bootstrapServers;
    private final Map<String, String> clientSettings;

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
        builder.detail("bootstrap.servers", bootstrapServers);
        try {
            KafkaConnectionCheck.Cluster cluster = KafkaConnectionCheck.verify(bootstrapServers, clientSettings,
                    Duration.ofSeconds(TIMEOUT_SECONDS), null);
            builder.detail("cluster.id", cluster.id());
            builder.up();
        } catch (RuntimeException e) {
            builder.message(KafkaClientSettings.hideSecrets(e.getMessage(), clientSettings));
            builder.down();
        }
    }
}
