import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Prints how many records a topic holds: the sum of its partitions' end offsets. */
public class CountRecords {

    public static void main(String[] args) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", args[0]),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            var partitions = consumer.partitionsFor(args[1], Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(args[1], p.partition())).toList();
            System.out.println(consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum());
        }
    }
}
