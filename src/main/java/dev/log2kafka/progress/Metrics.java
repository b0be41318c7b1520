package dev.log2kafka.progress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.Producer;

/**
 * The metrics `GET /observe/metrics` shows, in the Prometheus text format: what {@link RunCounters} counts
 * (`log2kafka_lines_read_total`, `_lines_sent_total`, `_lines_rejected_total`, `_bytes_read_total`,
 * `_files_done_total`, `_files_failed_total`), the bytes of each file not yet acknowledged
 * (`log2kafka_file_lag_bytes{file="..."}`), the age of the checkpoints on disk (`log2kafka_checkpoint_age_seconds`),
 * whether Kafka answers (`log2kafka_kafka_up`), in follow mode whether the follower is stalled
 * (`log2kafka_follow_stalled`) and how many files it follows (`log2kafka_follow_files`), in watch mode the bytes
 * written to files after they were moved to .done/ that could not be shipped
 * (`log2kafka_watch_unshipped_bytes_total`), the Kafka producer's own metrics (`kafka_producer_*`) and the JVM's
 * memory and GC. Counts are read when scraped: nothing is added to the path of a line.
 */
public final class Metrics {

    /**
     * The producer's metrics shown: those an operator watches, each with a help text and a name Prometheus' own lint
     * accepts (the client has about a hundred, many in nanoseconds or without help).
     */
    private static final Set<String> PRODUCER_METRICS = Set.of("kafka.producer.record.send.rate",
            "kafka.producer.record.send.total", "kafka.producer.record.error.rate", "kafka.producer.record.error.total",
            "kafka.producer.record.retry.total", "kafka.producer.request.latency.avg",
            "kafka.producer.request.latency.max", "kafka.producer.buffer.available.bytes",
            "kafka.producer.buffer.total.bytes", "kafka.producer.batch.size.avg", "kafka.producer.compression.rate.avg",
            "kafka.producer.records.per.request.avg");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Supplier<Map<String, Long>> lagBytes;
    private final MultiGauge fileLag;
    private final List<Object> held = new ArrayList<>();

    /**
     * @param lagBytes           for each file being shipped or followed, its bytes not yet acknowledged
     * @param checkpointAgeNanos how long ago every checkpoint was last written as far as Kafka acknowledged
     * @param kafkaUp            whether Kafka answers now (asked at each scrape)
     */
    public Metrics(RunCounters counters, Supplier<Map<String, Long>> lagBytes, Supplier<Long> checkpointAgeNanos,
            BooleanSupplier kafkaUp) {
        this.lagBytes = lagBytes;
        registry.config().meterFilter(MeterFilter.denyUnless(id -> !id.getName().startsWith("kafka.")
                || PRODUCER_METRICS.contains(id.getName())));
        counter("log2kafka.lines.read", "Lines read from the sources", counters, s -> s.linesRead());
        counter("log2kafka.lines.sent", "Lines acknowledged by Kafka (skipped empty lines included)", counters,
                s -> s.linesSent());
        counter("log2kafka.lines.rejected", "Lines Kafka refused, or sent to the dead letters", counters,
                s -> s.linesRejected());
        counter("log2kafka.bytes.read", "Bytes read from the source files (compressed bytes for gzip)", counters,
                s -> s.bytesRead());
        counter("log2kafka.files.done", "Files shipped to their end (follow mode: read to their end and let go)",
                counters, s -> s.filesDone());
        counter("log2kafka.files.failed", "Files not shipped completely", counters, s -> s.filesFailed());
        fileLag = MultiGauge.builder("log2kafka.file.lag").baseUnit("bytes")
                .description("Bytes of a file being shipped or followed that Kafka has not acknowledged yet")
                .register(registry);
        Gauge.builder("log2kafka.checkpoint.age", checkpointAgeNanos, age -> age.get() / 1e9).baseUnit("seconds")
                .description("Seconds since the checkpoints were last all written as far as Kafka acknowledged")
                .strongReference(true).register(registry);
        Gauge.builder("log2kafka.kafka.up", kafkaUp, up -> up.getAsBoolean() ? 1 : 0)
                .description("1 when Kafka answers and takes the credentials (the health check's readiness), else 0")
                .strongReference(true).register(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
    }

    private void counter(String name, String description, RunCounters counters,
            ToDoubleFunction<RunCounters.Snapshot> count) {
        FunctionCounter.builder(name, counters, c -> count.applyAsDouble(c.snapshot())).description(description)
                .register(registry);
    }

    /**
     * Follow mode: adds `log2kafka_follow_stalled`, 1 while the follower is stalled ({@link StallWatch}), and
     * `log2kafka_follow_files`, the files followed now (0 while the pattern matches none).
     */
    public void follow(BooleanSupplier stalled, IntSupplier files) {
        Gauge.builder("log2kafka.follow.stalled", stalled, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while a followed file has bytes not shipped and no line has been acknowledged for 30 s"
                        + " (or the stall timeout), else 0")
                .strongReference(true).register(registry);
        Gauge.builder("log2kafka.follow.files", files, f -> f.getAsInt())
                .description("Files followed now: those the pattern matches, and those rotated away that are read to"
                        + " their end (0 while the pattern matches no file)")
                .strongReference(true).register(registry);
    }

    /**
     * Watch mode: adds `log2kafka_watch_unshipped_bytes_total`, bytes written to files after they were moved that
     * could not be shipped.
     */
    public void watchUnshippedBytes(LongSupplier bytes) {
        FunctionCounter.builder("log2kafka.watch.unshipped.bytes", bytes, b -> b.getAsLong())
                .description("Bytes written to files after they were shipped and moved to .done/ (by a writer"
                        + " log2kafka could not see) that could not be shipped: the moved file was deleted or"
                        + " replaced first").register(registry);
        // a counter holds what it reads only weakly
        held.add(bytes);
    }

    /** Adds the producer's own metrics (record send rate, request latency, buffer available bytes, errors). */
    public void producer(Producer<?, ?> producer) {
        new KafkaClientMetrics(producer).bindTo(registry);
    }

    /** Every metric now, in the Prometheus text format. */
    public synchronized String scrape() {
        List<MultiGauge.Row<?>> rows = new ArrayList<>();
        lagBytes.get().forEach((file, bytes) -> rows.add(MultiGauge.Row.of(Tags.of("file", file), bytes)));
        fileLag.register(rows, true);
        return registry.scrape();
    }
}
