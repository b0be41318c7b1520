package dev.log2kafka.source;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.trait.message.MessageTrait;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * One line of a batch, as camel-kafka sends it: a read-only Camel message whose body is the line's bytes, with no
 * headers. camel-kafka writes the result of each record's send on the message it came from (its record metadata, with
 * `camel.component.kafka.record-metadata = true`), so after a batch that Kafka refused in part each line knows whether
 * Kafka has it, and only the others are sent again. Written for this one use and kept small (one object of a few
 * fields per line): anything else camel-kafka or a
 * route might do to a message, such as adding a header or changing the body, is refused.
 */
public final class Line implements Message {

    private final byte[] bytes;
    private final long number;
    // written by the producer's callback before camel-kafka completes the batch, read after
    private boolean acknowledged;
    private boolean refused;

    public Line(byte[] bytes, long number) {
        this.bytes = bytes;
        this.number = number;
    }

    /** The line's bytes, without its terminator. */
    public byte[] bytes() {
        return bytes;
    }

    /** Its number in its source, from 1. */
    public long number() {
        return number;
    }

    /** Whether Kafka acknowledged the line's record. */
    public boolean acknowledged() {
        return acknowledged;
    }

    /** Kafka has the line: it was sent again on its own and acknowledged. */
    public void acknowledge() {
        acknowledged = true;
    }

    /** Whether Kafka refused the line for what it is, and it went to the dead letters. */
    public boolean refused() {
        return refused;
    }

    /** The line went to the dead letters. */
    public void refuse() {
        refused = true;
    }

    /** camel-kafka's record metadata: an offset if Kafka acknowledged the record, none if it did not. */
    @Override
    public void setHeader(String name, Object value) {
        if (!KafkaConstants.KAFKA_RECORD_META.equals(name)) {
            throw readOnly();
        }
        if (value instanceof List<?> results && !results.isEmpty() && results.get(0) instanceof RecordMetadata result
                && result.hasOffset()) {
            acknowledged = true;
        }
    }

    @Override
    public Object getBody() {
        return bytes;
    }

    @Override
    public Object getMandatoryBody() {
        return bytes;
    }

    @Override
    public <T> T getBody(Class<T> type) {
        return type.isInstance(bytes) ? type.cast(bytes) : null;
    }

    @Override
    public <T> T getMandatoryBody(Class<T> type) {
        return getBody(type);
    }

    @Override
    public Object getHeader(String name) {
        return null;
    }

    @Override
    public Object getHeader(String name, Object defaultValue) {
        return defaultValue;
    }

    @Override
    public Object getHeader(String name, Supplier<Object> defaultValueSupplier) {
        return defaultValueSupplier.get();
    }

    @Override
    public <T> T getHeader(String name, Class<T> type) {
        return null;
    }

    @Override
    public <T> T getHeader(String name, Object defaultValue, Class<T> type) {
        return type.isInstance(defaultValue) ? type.cast(defaultValue) : null;
    }

    @Override
    public <T> T getHeader(String name, Supplier<Object> defaultValueSupplier, Class<T> type) {
        return getHeader(name, defaultValueSupplier.get(), type);
    }

    @Override
    public Object removeHeader(String name) {
        return null;
    }

    @Override
    public boolean removeHeaders(String pattern) {
        return false;
    }

    @Override
    public boolean removeHeaders(String pattern, String... excludePatterns) {
        return false;
    }

    @Override
    public Map<String, Object> getHeaders() {
        return Map.of();
    }

    @Override
    public boolean hasHeaders() {
        return false;
    }

    @Override
    public Exchange getExchange() {
        return null;
    }

    @Override
    public String getMessageId() {
        return null;
    }

    @Override
    public long getMessageTimestamp() {
        return 0;
    }

    @Override
    public boolean hasMessageId() {
        return false;
    }

    @Override
    public boolean hasTrait(MessageTrait trait) {
        return false;
    }

    @Override
    public Object getPayloadForTrait(MessageTrait trait) {
        return null;
    }

    @Override
    public void removeTrait(MessageTrait trait) {
    }

    /** Read-only: the same line. */
    @Override
    public Message copy() {
        return this;
    }

    @Override
    public Message newInstance() {
        throw readOnly();
    }

    @Override
    public void reset() {
        throw readOnly();
    }

    @Override
    public void setMessageId(String messageId) {
        throw readOnly();
    }

    @Override
    public void setHeaders(Map<String, Object> headers) {
        throw readOnly();
    }

    @Override
    public void setBody(Object body) {
        throw readOnly();
    }

    @Override
    public <T> void setBody(Object body, Class<T> type) {
        throw readOnly();
    }

    @Override
    public void copyFrom(Message message) {
        throw readOnly();
    }

    @Override
    public void copyFromWithNewBody(Message message, Object newBody) {
        throw readOnly();
    }

    @Override
    public void setPayloadForTrait(MessageTrait trait, Object object) {
        throw readOnly();
    }

    private UnsupportedOperationException readOnly() {
        return new UnsupportedOperationException("line " + number + " is a read-only message");
    }

    @Override
    public String toString() {
        return "line " + number;
    }
}
