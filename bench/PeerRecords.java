import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * For bench/peers.sh, which runs shippers that do not exit when they are done.
 *
 * `await BOOTSTRAP TOPIC N STALL_S START_S` prints `ready`, then watches the topic's record count (the sum of its
 * partitions' end offsets, every 100 ms) until it holds N records, or it has not grown for STALL_S seconds, or no
 * record came in START_S seconds; then prints `COUNT EPOCH_MS`, EPOCH_MS being when the count was first seen at its
 * final value.
 *
 * `check BOOTSTRAP TOPIC FILE` reads every record of the topic and compares them with FILE's lines as multisets (a sum
 * of 64-bit hashes of each value, against the same over each line without its newline), and prints
 * `RECORDS same|differs` and, when they differ, the first record and the first line.
 *
 * `sum FILE` prints FILE's line count and its hash sum, which `check` takes from FILE.sum when that is newer than FILE.
 */
public class PeerRecords {

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "await" -> await(args[1], args[2], Long.parseLong(args[3]), Long.parseLong(args[4]),
                    Long.parseLong(args[5]));
            case "check" -> check(args[1], args[2], Path.of(args[3]));
            case "sum" -> {
                long[] sum = sum(Path.of(args[1]));
                System.out.println(sum[0] + " " + sum[1]);
            }
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap, "max.poll.records", 10_000,
                "fetch.max.bytes", 64 << 20, "max.partition.fetch.bytes", 16 << 20),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, String topic) {
        return consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
    }

    private static volatile long count;
    private static volatile long changed;
    private static volatile boolean printed;

    static void await(String bootstrap, String topic, long target, long stallSeconds, long startSeconds)
            throws InterruptedException {
        // stopped early (the tool under test died): the count so far
        Thread hook = new Thread(PeerRecords::printCount);
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            var partitions = partitions(consumer, topic);
            consumer.endOffsets(partitions);
            long start = System.currentTimeMillis();
            changed = start;
            Runtime.getRuntime().addShutdownHook(hook);
            System.out.println("ready");
            System.out.flush();
            while (true) {
                long now = System.currentTimeMillis();
                long c = consumer.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
                if (c != count) {
                    changed = now;
                    count = c;
                }
                if (count >= target || count > 0 && now - changed > stallSeconds * 1000
                        || count == 0 && now - start > startSeconds * 1000) {
                    break;
                }
                Thread.sleep(100);
            }
        }
        printCount();
        Runtime.getRuntime().removeShutdownHook(hook);
    }

    private static synchronized void printCount() {
        if (!printed) {
            printed = true;
            System.out.println(count + " " + changed);
            System.out.flush();
        }
    }

    static void check(String bootstrap, String topic, Path file) throws IOException {
        long[] expected = expected(file);
        long records = 0;
        long sum = 0;
        String first = null;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            var partitions = partitions(consumer, topic);
            var end = consumer.endOffsets(partitions);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    byte[] value = record.value() == null ? new byte[0] : record.value();
                    sum += mix(hash(value, 0, value.length));
                    records++;
                    if (first == null) {
                        first = new String(value, java.nio.charset.StandardCharsets.UTF_8);
                    }
                }
            }
        }
        boolean same = records == expected[0] && sum == expected[1];
        System.out.println(records + " " + (same ? "same" : "differs"));
        if (!same) {
            try (var lines = Files.lines(file)) {
                System.out.println("first record: [" + first + "]");
                System.out.println("first line:   [" + lines.findFirst().orElse("") + "]");
            }
        }
    }

    static long[] expected(Path file) throws IOException {
        Path cached = Path.of(file + ".sum");
        if (Files.exists(cached)
                && Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(file)) > 0) {
            String[] parts = Files.readString(cached).trim().split(" ");
            return new long[] {Long.parseLong(parts[0]), Long.parseLong(parts[1])};
        }
        long[] sum = sum(file);
        Files.writeString(cached, sum[0] + " " + sum[1] + "\n");
        return sum;
    }

    /** Line count and hash sum of a file's lines (LF-ended, the LF not part of the line). */
    static long[] sum(Path file) throws IOException {
        long lines = 0;
        long sum = 0;
        byte[] line = new byte[1 << 16];
        int length = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buffer[i];
                    if (b == '\n') {
                        sum += mix(hash(line, 0, length));
                        lines++;
                        length = 0;
                    } else {
                        if (length == line.length) {
                            line = java.util.Arrays.copyOf(line, line.length * 2);
                        }
                        line[length++] = b;
                    }
                }
            }
        }
        if (length > 0) {
            sum += mix(hash(line, 0, length));
            lines++;
        }
        return new long[] {lines, sum};
    }

    /** FNV-1a, 64 bits. */
    static long hash(byte[] bytes, int from, int to) {
        long h = 0xcbf29ce484222325L;
        for (int i = from; i < to; i++) {
            h = (h ^ (bytes[i] & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** splitmix64's finaliser, so that a sum of hashes does not cancel out. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
