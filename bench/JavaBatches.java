import java.io.FileInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientDnsLookup;
import org.apache.kafka.clients.ClientResponse;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.NetworkClientUtils;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.internals.ClusterResourceListeners;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.InitProducerIdRequest;
import org.apache.kafka.common.requests.InitProducerIdResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.ByteBufferOutputStream;
import org.apache.kafka.common.utils.ByteUtils;
import org.apache.kafka.common.utils.Crc32C;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;

/**
 * A measurement, not a shipper: how fast a Java process sends a file's lines, one record each, when it builds the
 * record batches itself instead of calling `KafkaProducer.send` once per record. The same settings as the other
 * tools (acks=all, idempotent, lz4), in three threads the way librdkafka divides the work: `framer` reads lines and
 * writes them as records of a v2 batch (uncompressed, about 3 MB), `compressor` makes each a batch (lz4, header,
 * CRC32C), and the main thread sends the batches, one in flight per partition, each partition's in turn, with the
 * Java client's own network client. Any error ends it with exit code 1 (no retries, no splitting, no per-record
 * answers: what a shipper must add). `java -cp target/log2kafka.jar bench/JavaBatches.java BOOTSTRAP TOPIC FILE`;
 * prints each thread's CPU seconds to standard error.
 */
public class JavaBatches {

    private static final int FRAME_BYTES = 3 << 20;
    private static final int BATCH_HEADER_BYTES = 61;

    /** The records of one batch, uncompressed, its partition, and where they start in its partition's sequence. */
    record Frame(byte[] bytes, int length, int records, int partition, int firstSequence) {
    }

    record Batch(MemoryRecords records, int count, int partition) {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String file = args[2];
        List<Node> leaders = new ArrayList<>();
        Uuid topicId;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
            description.partitions().forEach(p -> leaders.add(p.leader()));
            topicId = description.topicId();
        }
        Time time = Time.SYSTEM;
        LogContext logContext = new LogContext();
        Metadata metadata = new Metadata(100, 100, 60_000, logContext, new ClusterResourceListeners());
        metadata.bootstrap(ClientUtils.parseAndValidateAddresses(List.of(bootstrap), ClientDnsLookup.USE_ALL_DNS_IPS));
        ProducerConfig config = new ProducerConfig(Map.of("bootstrap.servers", bootstrap,
                "key.serializer", ByteArraySerializer.class, "value.serializer", ByteArraySerializer.class));
        NetworkClient client = ClientUtils.createNetworkClient(config, new Metrics(), "producer", logContext,
                new ApiVersions(), time, 5, metadata, null, null);
        NetworkClientUtils.awaitReady(client, leaders.get(0), time, 30_000);
        InitProducerIdResponseData producer = ((InitProducerIdResponse) NetworkClientUtils.sendAndReceive(client,
                client.newClientRequest(leaders.get(0).idString(), new InitProducerIdRequest.Builder(
                        new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000)),
                        time.milliseconds(), true), time).responseBody()).data();
        check(producer.errorCode());

        long now = System.currentTimeMillis();
        BlockingQueue<Frame> frames = new ArrayBlockingQueue<>(4);
        BlockingQueue<Batch> batches = new ArrayBlockingQueue<>(4);
        Frame lastFrame = new Frame(null, 0, 0, 0, 0);
        Batch lastBatch = new Batch(null, 0, 0);
        Thread framer = new Thread(() -> {
            frame(file, leaders.size(), frames, lastFrame);
            threadCpu();
        }, "framer");
        Thread compressor = new Thread(() -> {
            try {
                Compression lz4 = Compression.lz4().build();
                for (Frame f; (f = frames.take()) != lastFrame;) {
                    batches.put(new Batch(batch(f, lz4, now, producer), f.records(), f.partition()));
                    client.wakeup();
                }
                batches.put(lastBatch);
                threadCpu();
            } catch (Exception e) {
                e.printStackTrace();
                System.exit(1);
            }
        }, "compressor");
        framer.start();
        compressor.start();

        // in the order they were framed, one batch in flight per partition
        boolean[] inFlight = new boolean[leaders.size()];
        boolean ended = false;
        long[] acknowledged = {0};
        Batch next = null;
        while (!ended || anyOf(inFlight)) {
            boolean sent = false;
            while (!ended) {
                if (next == null) {
                    next = anyOf(inFlight) ? batches.poll() : batches.take();
                }
                if (next == lastBatch) {
                    ended = true;
                }
                if (next == null || ended || inFlight[next.partition()]
                        || !client.isReady(leaders.get(next.partition()), time.milliseconds())) {
                    break;
                }
                Batch batch = next;
                next = null;
                int p = batch.partition();
                inFlight[p] = true;
                sent = true;
                var topics = new ProduceRequestData.TopicProduceDataCollection();
                topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setTopicId(topicId)
                        .setPartitionData(List.of(new ProduceRequestData.PartitionProduceData().setIndex(p)
                                .setRecords(batch.records()))));
                ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000)
                        .setTopicData(topics);
                client.send(client.newClientRequest(leaders.get(p).idString(), ProduceRequest.builder(request),
                        time.milliseconds(), true, 30_000, response -> {
                            acknowledged(response);
                            inFlight[p] = false;
                            acknowledged[0] += batch.count();
                        }), time.milliseconds());
            }
            client.poll(sent ? 0 : 100, time.milliseconds());
        }
        framer.join();
        compressor.join();
        client.close();
        threadCpu();
        System.out.println("acknowledged " + acknowledged[0]);
        otherThreadsCpu();
    }

    /**
     * Reads the file's lines and writes each as a record (v2 format, no key, no headers) into frames, which go to the
     * partitions in turn.
     */
    private static void frame(String file, int partitions, BlockingQueue<Frame> frames, Frame lastFrame) {
        try (InputStream in = new FileInputStream(file)) {
            byte[] buffer = new byte[1 << 20];
            int length = 0;
            int read;
            ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES + buffer.length);
            int records = 0;
            int partition = 0;
            int[] sequences = new int[partitions];
            while ((read = in.read(buffer, length, buffer.length - length)) > 0) {
                length += read;
                int start = 0;
                for (int i = 0; i < length; i++) {
                    if (buffer[i] == '\n') {
                        int valueLength = i - start;
                        // attributes, timestamp delta, offset delta, key length -1, value length, value, 0 headers
                        int size = 1 + 1 + ByteUtils.sizeOfVarint(records) + 1 + ByteUtils.sizeOfVarint(valueLength)
                                + valueLength + 1;
                        ByteUtils.writeVarint(size, frame);
                        frame.put((byte) 0).put((byte) 0);
                        ByteUtils.writeVarint(records, frame);
                        ByteUtils.writeVarint(-1, frame);
                        ByteUtils.writeVarint(valueLength, frame);
                        frame.put(buffer, start, valueLength).put((byte) 0);
                        records++;
                        start = i + 1;
                        if (frame.position() >= FRAME_BYTES) {
                            frames.put(new Frame(frame.array(), frame.position(), records, partition,
                                    sequences[partition]));
                            sequences[partition] += records;
                            partition = (partition + 1) % partitions;
                            frame = ByteBuffer.allocate(FRAME_BYTES + buffer.length);
                            records = 0;
                        }
                    }
                }
                System.arraycopy(buffer, start, buffer, 0, length - start);
                length -= start;
            }
            if (records > 0) {
                frames.put(new Frame(frame.array(), frame.position(), records, partition, sequences[partition]));
            }
            frames.put(lastFrame);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The frame's records as one idempotent v2 record batch: its header, then the records lz4-compressed. */
    private static MemoryRecords batch(Frame frame, Compression lz4, long timestamp,
            InitProducerIdResponseData producer) throws Exception {
        ByteBufferOutputStream out = new ByteBufferOutputStream(frame.length() / 2);
        out.position(BATCH_HEADER_BYTES);
        try (OutputStream records = lz4.wrapForOutput(out, RecordBatch.MAGIC_VALUE_V2)) {
            records.write(frame.bytes(), 0, frame.length());
        }
        int size = out.position();
        ByteBuffer b = out.buffer();
        b.putLong(0, 0L); // base offset: the broker assigns it
        b.putInt(8, size - 12); // batch length
        b.putInt(12, RecordBatch.NO_PARTITION_LEADER_EPOCH);
        b.put(16, RecordBatch.MAGIC_VALUE_V2);
        b.putShort(21, (short) 3); // attributes: lz4, create time, not transactional
        b.putInt(23, frame.records() - 1); // last offset delta
        b.putLong(27, timestamp); // first and max timestamp
        b.putLong(35, timestamp);
        b.putLong(43, producer.producerId());
        b.putShort(51, producer.producerEpoch());
        b.putInt(53, frame.firstSequence());
        b.putInt(57, frame.records());
        b.position(0);
        b.putInt(17, (int) Crc32C.compute(b, 21, size - 21));
        b.limit(size);
        return MemoryRecords.readableRecords(b.slice());
    }

    private static void acknowledged(ClientResponse response) {
        if (response.wasDisconnected() || response.responseBody() == null) {
            throw new IllegalStateException("no response: " + response);
        }
        ((ProduceResponse) response.responseBody()).data().responses()
                .forEach(t -> t.partitionResponses().forEach(p -> check(p.errorCode())));
    }

    private static void check(short errorCode) {
        if (errorCode != Errors.NONE.code()) {
            System.err.println("the broker answered " + Errors.forCode(errorCode));
            System.exit(1);
        }
    }

    private static boolean anyOf(boolean[] flags) {
        for (boolean flag : flags) {
            if (flag) {
                return true;
            }
        }
        return false;
    }

    private static void threadCpu() {
        System.err.printf("  %-18s %5.2f CPU s%n", Thread.currentThread().getName(),
                ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() / 1e9);
    }

    /** The CPU seconds of the JVM's own threads (the JIT compilers, the collector), from /proc. */
    private static void otherThreadsCpu() throws Exception {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path task : tasks.toList()) {
                String stat = Files.readString(task.resolve("stat"));
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.equals("java")) {
                    continue; // the main thread, printed already
                }
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                double seconds = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
                if (seconds >= 0.05) {
                    System.err.printf("  %-18s %5.2f CPU s%n", name, seconds);
                }
            }
        }
    }
}
