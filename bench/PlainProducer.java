import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: the plain Java KafkaProducer loop a developer writes first, one record per line, with the same
 * producer settings as log2kafka's defaults. Run with the log2kafka jar on the class path:
 * `java -cp target/log2kafka.jar bench/PlainProducer.java BOOTSTRAP TOPIC FILE`.
 */
public class PlainProducer {

    public static void main(String[] args) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", args[0]);
        props.put("acks", "all");
        props.put("enable.idempotence", "true");
        props.put("linger.ms", System.getProperty("linger.ms", "5"));
        props.put("batch.size", System.getProperty("batch.size", "262144"));
        props.put("compression.type", System.getProperty("compression.type", "lz4"));
        AtomicLong acknowledged = new AtomicLong();
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(),
                new ByteArraySerializer());
                BufferedReader reader = new BufferedReader(new InputStreamReader(new FileInputStream(args[2]),
                        StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = reader.readLine()) != null) {
                producer.send(new ProducerRecord<>(args[1], line.getBytes(StandardCharsets.UTF_8)), (m, e) -> {
                    if (e != null) {
                        failure.compareAndSet(null, e);
                    } else {
                        acknowledged.incrementAndGet();
                    }
                });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        System.out.println("acknowledged " + acknowledged.get());
    }
}
