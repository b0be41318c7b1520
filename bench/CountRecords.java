import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints how many records a topic holds: the sum of its partitions' end offsets; with a third argument `committed`,
 * the records a consumer reading with isolation.level=read_committed gets (a transactional topic's offsets also count
 * its transaction markers); with `first-timestamp`, the timestamp of its earliest record in ms.
 */
public class CountRecords {

    public static void main(String[] args) {
        if (args.length > 2 && args[2].equals("first-timestamp")) {
            System.out.println(firstTimestamp(args[0], args[1]));
            return;
        }
        boolean committed = args.length > 2 && args[2].equals("committed");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", args[0],
                "isolation.level", committed ? "read_committed" : "read_uncommitted", "max.poll.records", 10_000),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(args[1], Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(args[1], p.partition())).toList();
            var end = consumer.endOffsets(partitions);
            if (!committed) {
                System.out.println(end.values().stream().mapToLong(Long::longValue).sum());
                return;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long count = 0;
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                count += consumer.poll(Duration.ofMillis(500)).count();
            }
            System.out.println(count);
        }
    }

    /** The timestamp of the topic's earliest record (its CreateTime: when the producer was handed it), in ms. */
    private static long firstTimestamp(String bootstrap, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long first = Long.MAX_VALUE;
            int empty = 0;
            while (first == Long.MAX_VALUE && empty < 20) {
                var records = consumer.poll(Duration.ofMillis(500));
                empty += records.isEmpty() ? 1 : 0;
                for (var record : records) {
                    first = Math.min(first, record.timestamp());
                }
            }
            return first;
        }
    }
}
