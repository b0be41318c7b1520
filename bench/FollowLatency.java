import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Append-to-acknowledged latency of a followed file. `create BOOTSTRAP TOPIC` makes a topic whose records carry the
 * time the broker appended them (message.timestamp.type=LogAppendTime). `write FILE RATE SECONDS` appends lines at
 * RATE lines a second, each starting with the time it was written (epoch microseconds), in writes of 1 ms of lines,
 * and prints how many it wrote. `measure BOOTSTRAP TOPIC COUNT [SKIP]` waits for COUNT records (after the first SKIP,
 * which are not the writer's: a probe line written to see that a shipper is ready) and prints the p50, p99 and
 * maximum of (broker append time - time written).
 */
public class FollowLatency {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "create" -> create(args[1], args[2]);
            case "write" -> System.out.println(write(Path.of(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3])));
            case "measure" -> measure(args[1], args[2], Long.parseLong(args[3]),
                    args.length > 4 ? Long.parseLong(args[4]) : 0);
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void create(String bootstrap, String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get();
        }
    }

    static long write(Path file, int rate, int seconds) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long written = 0;
        String padding = " Access-Accept for user@example.org from 192.0.2.1 via nas-01 (eduroam F-TICKS)";
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (System.nanoTime() - start < seconds * 1_000_000_000L) {
                long due = (System.nanoTime() - start) * rate / 1_000_000_000L;
                StringBuilder lines = new StringBuilder();
                long micros = System.currentTimeMillis() * 1000;
                for (; written < due; written++) {
                    lines.append(micros).append(' ').append(written).append(padding).append('\n');
                }
                out.write(lines.toString().getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Thread.sleep(1);
            }
        }
        return written;
    }

    static void measure(String bootstrap, String topic, long count, long skip) {
        long[] latencies = new long[(int) count];
        int seen = 0;
        long skipped = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            while (seen < count && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (skipped < skip) {
                        skipped++;
                        continue;
                    }
                    String value = new String(record.value(), StandardCharsets.US_ASCII);
                    long written = Long.parseLong(value.substring(0, value.indexOf(' ')));
                    if (seen < count) {
                        latencies[seen++] = record.timestamp() * 1000 - written;
                    }
                }
            }
        }
        if (seen < count) {
            throw new IllegalStateException("only " + seen + " of " + count + " records arrived");
        }
        Arrays.sort(latencies);
        System.out.printf("append-to-acknowledged latency over %,d lines: p50 %d ms, p99 %d ms, max %d ms%n", count,
                latencies[(int) (count * 0.50)] / 1000, latencies[(int) (count * 0.99)] / 1000,
                latencies[(int) count - 1] / 1000);
    }
}
