package dev.log2kafka.kafka;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import dev.log2kafka.cli.SettingsException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the check says before it ever gets a Kafka answer; the answers themselves are in SecurityIT. */
class KafkaConnectionCheckTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void everyBootstrapServerThatRefusesIsNamed() throws Exception {
        String a = "127.0.0.1:" + closedPort();
        String b = "127.0.0.1:" + closedPort();

        KafkaConnectionException e = assertThrows(KafkaConnectionException.class,
                () -> KafkaConnectionCheck.verify(a + ", " + b, Map.of(), TIMEOUT));

        assertEquals("Kafka bootstrap servers " + a + ", " + b + " cannot be reached: " + a + " connection refused; "
                + b + " connection refused.", e.getMessage());
    }

    @Test
    void aBootstrapServerWithoutAPortIsASettingsError() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> KafkaConnectionCheck.verify("kafka-1.example.org", Map.of(), TIMEOUT));

        assertEquals("bootstrap.servers entry 'kafka-1.example.org' is not host:port.", e.getMessage());
    }

    @Test
    void anInvalidClientSettingIsASettingsErrorNamingIt() throws Exception {
        try (ServerSocket listening = new ServerSocket(0)) {
            SettingsException e = assertThrows(SettingsException.class,
                    () -> KafkaConnectionCheck.verify("127.0.0.1:" + listening.getLocalPort(),
                            Map.of("security.protocol", "SASL_SSLX"), TIMEOUT));

            // Kafka lists the valid values after this, in no fixed order.
            assertTrue(e.getMessage().startsWith("The Kafka client settings are not valid: Invalid value SASL_SSLX"
                    + " for configuration security.protocol: String must be one of"), e.getMessage());
        }
    }

    @Test
    void aMalformedJaasConfigIsASettingsErrorThatDoesNotQuoteIt() throws Exception {
        String jaas = "org.apache.kafka.common.security.plain.PlainLoginModule required password=\"pw-9x\"";
        try (ServerSocket listening = new ServerSocket(0)) {
            SettingsException e = assertThrows(SettingsException.class,
                    () -> KafkaConnectionCheck.verify("127.0.0.1:" + listening.getLocalPort(),
                            Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN",
                                    "sasl.jaas.config", jaas), TIMEOUT));

            assertEquals("The Kafka client settings are not valid: JAAS config entry not terminated by semi-colon.",
                    e.getMessage());
        }
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
