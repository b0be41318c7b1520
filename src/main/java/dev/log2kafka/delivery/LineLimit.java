package dev.log2kafka.delivery;

/**
 * The longest line that fits in a record Kafka takes; a longer one goes to the dead letters.
 *
 * @param bytes   the longest line, in bytes
 * @param setting the Kafka setting it comes from, for the dead letter's reason
 */
public record LineLimit(int bytes, String setting) {
}
