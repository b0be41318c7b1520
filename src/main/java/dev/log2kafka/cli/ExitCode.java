package dev.log2kafka.cli;

import dev.log2kafka.delivery.StateLock;
import dev.log2kafka.kafka.KafkaConnectionException;

/**
 * How a run ended, as the process exit code a shell or a service manager sees. {@link #of(Throwable)} is the one
 * mapping from a failure to its code; the failure's sentence is {@link Sentences#sentence(Throwable)}.
 */
public enum ExitCode {

    /** Every line of every file was acknowledged. */
    OK(0),
    /** The run ended, but some file was not shipped completely. */
    FAILED(1),
    /** A setting or the input is wrong; nothing was sent. */
    BAD_SETTINGS(2),
    /** Kafka cannot be reached, or refused the credentials or the TLS handshake; nothing was sent. */
    KAFKA_CONNECTION(3),
    /** Every line was shipped, except lines Kafka would not take, which went to the dead letters. */
    DEAD_LETTERS(4),
    /** Another run uses the same state directory; nothing was sent. */
    STATE_DIRECTORY_IN_USE(5),
    /** Exactly once: another run with the same transactional id took over, and this one stopped. */
    FENCED(6),
    /** Stopped by Ctrl-C or SIGTERM before every file was shipped (128 + SIGINT, as shells report it). */
    INTERRUPTED(130);

    private final int code;

    ExitCode(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit code of a run that ended with this failure. */
    public static ExitCode of(Throwable failure) {
        if (failure instanceof SettingsException) {
            return BAD_SETTINGS;
        }
        if (failure instanceof KafkaConnectionException) {
            return KAFKA_CONNECTION;
        }
        if (failure instanceof StateLock.InUseException) {
            return STATE_DIRECTORY_IN_USE;
        }
        return FAILED;
    }
}
