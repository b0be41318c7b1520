import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Prints how many records a topic holds: the sum of its partitions' end offsets; with a third argument `committed`,
 * the records a consumer reading with isolation.level=read_committed gets (a transactional topic's offsets also count
 * its transaction markers).
 */
public class CountRecords {

    public static void main(String[] args) {
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
}
