package dev.log2kafka.delivery;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import dev.log2kafka.cli.SettingsException;
import dev.log2kafka.progress.RunCounters;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Where lines that Kafka will not take go, with their source, line number and the reason, so that none is lost
 * silently: the `dead-letters` route, which writes to {{log2kafka.dead-letters}} (a file by default, any Camel
 * endpoint such as a kafka topic if set). Each dead letter is one line: `source TAB line-number TAB reason TAB
 * the line's bytes as they were`, with the same values in the headers `log2kafka.source`, `log2kafka.line` and
 * `log2kafka.reason`.
 */
public final class DeadLetters implements CamelContextAware {

    public static final String ENDPOINT = "direct:dead-letters";

    private final RunCounters progress;
    /** Exactly once with kafka:TOPIC dead letters: the topic; they then wait for the transaction of their line. */
    private final String transactionTopic;
    private final Map<String, Queue<Held>> held = new ConcurrentHashMap<>();
    private volatile CamelContext context;
    private ProducerTemplate template;

    public DeadLetters(RunCounters progress) {
        this(progress, null);
    }

    /**
     * @param transactionTopic exactly once, with dead letters to a topic: they are records of the transaction that
     *                         holds the lines around them ({@link #heldUpTo}), not sent on their own; null otherwise
     */
    public DeadLetters(RunCounters progress, String transactionTopic) {
        this.progress = progress;
        this.transactionTopic = transactionTopic;
    }

    /**
     * Exactly once: the topic of `--dead-letters kafka:TOPIC`, whose dead letters then join the lines' transactions;
     * null for any other endpoint, whose dead letters are written as they come.
     *
     * @throws SettingsException if the kafka endpoint has options: the transactions' producer writes the dead letters,
     *                           to its own cluster, with its own settings
     */
    public static String transactionTopic(String endpoint) {
        if (!endpoint.startsWith("kafka:")) {
            return null;
        }
        String topic = endpoint.substring("kafka:".length()).replaceFirst("^//", "");
        if (topic.contains("?") || topic.isEmpty()) {
            throw new SettingsException("With --exactly-once, --dead-letters " + endpoint
                    + " must be kafka:TOPIC without options: the dead letters are written in the lines' transactions,"
                    + " by their producer.");
        }
        return topic;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /**
     * Sends one line, read from {@code line}, to the dead letters and counts it as rejected; returns once written
     * (exactly once to a topic: once it waits for the transaction of its line).
     */
    public void send(String source, long lineNumber, String reason, InputStream line) {
        InputStream record = record(source, lineNumber, reason, line);
        Map<String, Object> headers = Map.of("log2kafka.source", source, "log2kafka.line", lineNumber,
                "log2kafka.reason", reason);
        if (transactionTopic != null) {
            hold(source, lineNumber, record, headers);
        } else {
            template().sendBodyAndHeaders(ENDPOINT, record, headers);
        }
        progress.rejected(source, 1);
    }

    /** One dead letter: `source TAB line-number TAB reason TAB the line's bytes` and a newline. */
    private static InputStream record(String source, long lineNumber, String reason, InputStream line) {
        byte[] prefix = (source + "\t" + lineNumber + "\t" + reason.replace('\t', ' ').replace('\n', ' ') + "\t")
                .getBytes(StandardCharsets.UTF_8);
        // a stream: a 50 MB line comes from a temporary file and is not held in memory on its way
        return new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(prefix), line,
                new ByteArrayInputStream(new byte[] {'\n'}))));
    }

    /** Exactly once: the dead letter waits to be a record of the transaction that holds its line. */
    private void hold(String source, long lineNumber, InputStream record, Map<String, Object> headers) {
        Message message = new DefaultMessage(context);
        message.setHeaders(new HashMap<>(headers));
        message.setHeader(KafkaConstants.OVERRIDE_TOPIC, transactionTopic);
        try (record) {
            message.setBody(record.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read line " + lineNumber + " of " + source + ": " + e.getMessage(),
                    e);
        }
        held.computeIfAbsent(source, s -> new ConcurrentLinkedQueue<>()).add(new Held(lineNumber, message));
    }

    /**
     * Exactly once: the dead letters of the source's lines up to {@code lastLine}, as records of the transaction that
     * holds those lines; they are no longer held.
     */
    public List<Message> heldUpTo(String source, long lastLine) {
        Queue<Held> queue = held.get(source);
        if (queue == null || queue.isEmpty()) {
            return List.of();
        }
        List<Message> records = new ArrayList<>();
        Held next;
        while ((next = queue.peek()) != null && next.lineNumber() <= lastLine) {
            records.add(queue.remove().record());
        }
        return records;
    }

    private record Held(long lineNumber, Message record) {
    }
}
