package dev.log2kafka.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import dev.log2kafka.cli.SettingsException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Exactly once: the compacted topic where each transaction writes the checkpoint of the lines it holds. Read back at
 * the start with isolation.level=read_committed, it says where each file resumes: after what was committed, whatever
 * the state directory says.
 */
public final class CheckpointsTopic {

    private CheckpointsTopic() {
    }

    /**
     * Creates the topic if it does not exist (compacted, one partition), then reads every committed checkpoint in it.
     *
     * @return the last committed value of each key
     * @throws KafkaConnectionException if Kafka does not answer within {@code timeout}
     */
    public static Map<String, byte[]> read(String bootstrapServers, Map<String, String> clientSettings, String topic,
            Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        create(bootstrapServers, clientSettings, topic, timeout);
        Map<String, Object> config = KafkaClientSettings.onlyFor(ConsumerConfig.configNames(), clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "log2kafka-checkpoints");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, byte[]> checkpoints = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // read_committed: the end is the last stable offset, after which nothing is committed yet
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            for (TopicPartition partition : partitions) {
                while (consumer.position(partition, timeout) < end.get(partition)) {
                    if (System.nanoTime() > deadline) {
                        throw new KafkaConnectionException("Reading the checkpoints in topic " + topic + " at "
                                + bootstrapServers + " took more than " + timeout.toSeconds() + " s.");
                    }
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                        if (record.value() == null) {
                            checkpoints.remove(record.key());
                        } else {
                            checkpoints.put(record.key(), record.value());
                        }
                    }
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaConnectionException("Kafka at " + bootstrapServers + " did not give the checkpoints in"
                    + " topic " + topic + " within " + timeout.toSeconds() + " s.");
        }
        return checkpoints;
    }

    private static void create(String bootstrapServers, Map<String, String> clientSettings, String topic,
            Duration timeout) {
        Map<String, Object> config = KafkaClientSettings.onlyFor(AdminClientConfig.configNames(), clientSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "log2kafka-checkpoints");
        try (Admin admin = Admin.create(config)) {
            NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(compacted)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new SettingsException("The checkpoints topic " + topic + " cannot be created at "
                        + bootstrapServers + ": " + e.getCause().getMessage());
            }
        } catch (TimeoutException e) {
            throw new KafkaConnectionException("Kafka at " + bootstrapServers + " did not create the checkpoints topic "
                    + topic + " within " + timeout.toSeconds() + " s.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaConnectionException("Interrupted while creating the checkpoints topic " + topic + ".");
        }
    }
}
