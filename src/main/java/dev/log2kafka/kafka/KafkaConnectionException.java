package dev.log2kafka.kafka;

/** Kafka cannot be reached, or refuses the credentials or the TLS handshake; the message is the sentence to show. */
public final class KafkaConnectionException extends RuntimeException {

    public KafkaConnectionException(String message) {
        super(message);
    }
}
