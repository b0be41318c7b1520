package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.SettingsException;
import dev.log2kafka.delivery.LineLimit;
import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.component.kafka.KafkaConfiguration;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checks made before anything starts, each failing with one sentence that names the file or setting. */
final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);
    /** What a record of one line takes besides the line, at most: batch header, record framing, rounded up. */
    private static final int RECORD_OVERHEAD = 128;
    /** A line of eduroam's log in a batch: about 140 bytes, an array header and a reference. */
    private static final long BYTES_PER_LINE_IN_MEMORY = 200;

    private Preflight() {
    }

    /**
     * The files a one-shot run will ship, after checking that they exist and can be read; none for watch mode (whose
     * directory must exist) and standard input.
     */
    static List<Path> inputFiles(FilePattern pattern, SourceMode mode) throws IOException {
        if (mode == SourceMode.STANDARD_INPUT) {
            return List.of();
        }
        if (!Files.isDirectory(pattern.directory())) {
            throw new SettingsException("Directory " + pattern.directory() + " of pattern " + pattern
                    + " does not exist.");
        }
        if (mode == SourceMode.WATCH) {
            return List.of();
        }
        List<Path> files = pattern.matchingFiles();
        if (files.isEmpty() && mode == SourceMode.FOLLOW) {
            LOG.warn("No file matches {} yet; files are followed as they appear", pattern);
        } else if (files.isEmpty()) {
            throw new SettingsException("No file matches " + pattern + ".");
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                in.read();
            } catch (IOException e) {
                throw new SettingsException("File " + file + " cannot be read: " + (e instanceof NoSuchFileException
                        ? "it does not exist (a broken link?)" : Sentences.ioProblem(e)) + ".");
            }
        }
        return files;
    }

    /**
     * The Kafka client settings of the properties file, logged with secrets masked. The embedded broker needs no
     * such file, but producer settings in one still apply.
     */
    static Map<String, String> kafkaClientSettings(Options options, Map<String, String> environment) {
        Path file = options.kafkaConfig();
        if (options.embeddedKafka() && !Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        Map<String, String> kafka = KafkaClientSettings.load(file, environment);
        LOG.info("Kafka client settings from {}: {}", file, KafkaClientSettings.masked(kafka));
        maxLineBytes(kafka);
        return kafka;
    }

    /**
     * Checks the producer's settings as the producer will check them, once Camel has configured the kafka component
     * and before any route starts: camel-kafka's options (`camel.component.kafka.*`) with every key of the Kafka
     * properties file over them. A wrong type (`linger.ms=abc`) or a wrong combination (`acks=0` with the idempotent
     * producer) is one sentence.
     * <p>
     * A topic that takes smaller record batches (max.message.bytes) than the producer's batch.size gets batches of its
     * size: the producer would otherwise learn the limit from the broker's refusals, and split the refused batches,
     * which with the idempotent producer can end in OUT_OF_ORDER_SEQUENCE_NUMBER retries until delivery.timeout.ms
     * fails every line in flight.
     *
     * @param topicMaxMessageBytes the topic's max.message.bytes; null if not known
     */
    static void producerSettings(KafkaConfiguration configuration, Map<String, String> kafka, Path kafkaConfig,
            String topic, Integer topicMaxMessageBytes) {
        Properties producer = configuration.createProducerProperties();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, configuration.getBrokers());
        producer.putAll(kafka);
        ProducerConfig checked;
        try {
            checked = new ProducerConfig(producer);
        } catch (ConfigException e) {
            throw new SettingsException("The Kafka producer settings" + (kafka.isEmpty() ? "" : " in " + kafkaConfig)
                    + " are not valid: " + KafkaClientSettings.hideSecrets(e.getMessage(), kafka)
                            .replaceFirst("\\.$", "") + ".");
        }
        int batchSize = checked.getInt(ProducerConfig.BATCH_SIZE_CONFIG);
        if (topicMaxMessageBytes != null && topicMaxMessageBytes < batchSize) {
            configuration.getAdditionalProperties().put(ProducerConfig.BATCH_SIZE_CONFIG, topicMaxMessageBytes);
            LOG.info("Record batches of at most {} bytes (batch.size {}): topic {} takes no larger ones"
                    + " (max.message.bytes)", topicMaxMessageBytes, batchSize, topic);
        }
    }

    /**
     * How many batches may wait for a sender thread: as many as a quarter of the heap holds at about 200 bytes a line
     * (a line's bytes and their array), less those being sent. Reading never runs further ahead of Kafka than that.
     *
     * @throws SettingsException if not even one batch fits
     */
    static int senderQueue(int batchSize, int senderThreads) {
        long heap = Runtime.getRuntime().maxMemory();
        long lines = heap / 4 / BYTES_PER_LINE_IN_MEMORY;
        if (batchSize > lines) {
            throw new SettingsException(String.format("Setting batch-size %,d is more lines than a %,d MB heap holds"
                    + " in flight (%,d at most); lower it, or give log2kafka a larger heap"
                    + " (LOG2KAFKA_JAVA_OPTS=\"-Xms2g -Xmx2g\").", batchSize, heap >> 20, lines));
        }
        return (int) Math.max(1, lines / batchSize - senderThreads);
    }

    /**
     * The longest line Kafka takes, and the setting that says so: the producer's max.request.size, or the topic's
     * max.message.bytes if that is smaller. A longer line goes to the dead letters instead of failing its batch
     * (and so its file, again at every rerun). Lines are measured before compression, so a long line that would
     * compress under the topic's limit is a dead letter too.
     */
    static LineLimit lineLimit(Map<String, String> kafka, KafkaConnectionCheck.Cluster cluster, String topic) {
        int request = maxLineBytes(kafka);
        Integer message = cluster.maxMessageBytes();
        if (message != null && message - RECORD_OVERHEAD < request) {
            return new LineLimit(Math.max(1, message - RECORD_OVERHEAD), "max.message.bytes of topic " + topic);
        }
        return new LineLimit(request, "max.request.size");
    }

    /**
     * The longest line that fits in a record: the producer's max.request.size less the overhead of a batch of one
     * record (61 bytes of batch header, at most 21 of record framing; no key, no headers), rounded up for safety.
     */
    static int maxLineBytes(Map<String, String> kafka) {
        String maxRequestSize = kafka.getOrDefault("max.request.size", "1048576");
        int bytes;
        try {
            bytes = Integer.parseInt(maxRequestSize.trim());
        } catch (NumberFormatException e) {
            throw new SettingsException("Kafka properties file: max.request.size must be a number of bytes, not '"
                    + maxRequestSize + "'.");
        }
        if (bytes <= RECORD_OVERHEAD) {
            throw new SettingsException("Kafka properties file: max.request.size " + bytes + " leaves no room for a"
                    + " line: a record takes up to " + RECORD_OVERHEAD + " bytes besides the line itself.");
        }
        return bytes - RECORD_OVERHEAD;
    }
}
