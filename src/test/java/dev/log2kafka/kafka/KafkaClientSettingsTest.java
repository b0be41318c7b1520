package dev.log2kafka.kafka;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.security.auth.login.AppConfigurationEntry;

import dev.log2kafka.cli.SettingsException;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.JaasContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka properties file: Java keys as they are, librdkafka keys translated, secrets from the environment. */
class KafkaClientSettingsTest {

    private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";

    @TempDir
    Path dir;

    @Test
    void javaClientKeysPassThroughAsTheyAre() throws Exception {
        Map<String, String> settings = load(Map.of(),
                "bootstrap.servers=kafka-1:9093,kafka-2:9093",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=" + SCRAM + " required username=\"alice\" password=\"s3cret\";",
                "ssl.truststore.location=/etc/kafka/truststore.jks",
                "ssl.truststore.password=changeit",
                "compression.type=zstd",
                "linger.ms=20");

        assertEquals(Map.of(
                "bootstrap.servers", "kafka-1:9093,kafka-2:9093",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "SCRAM-SHA-512",
                "sasl.jaas.config", SCRAM + " required username=\"alice\" password=\"s3cret\";",
                "ssl.truststore.location", "/etc/kafka/truststore.jks",
                "ssl.truststore.password", "changeit",
                "compression.type", "zstd",
                "linger.ms", "20"), settings);
    }

    @Test
    void librdkafkaKeysBecomeTheJavaClientsAndTheJaasConfigKeepsThePasswordExactly() throws Exception {
        String awkward = "pa\"ss\\word;x";
        Map<String, String> settings = load(Map.of("KAFKA_PASSWORD", awkward),
                "bootstrap.servers=kafka:9093",
                "security.protocol=SASL_SSL",
                "sasl.mechanisms=SCRAM-SHA-512",
                "sasl.username=alice",
                "sasl.password=${env:KAFKA_PASSWORD}",
                "ssl.ca.location=/etc/kafka/ca.pem",
                "ssl.endpoint.identification.algorithm=none");

        assertEquals(Set.of("bootstrap.servers", "security.protocol", "ssl.endpoint.identification.algorithm",
                "sasl.mechanism", "sasl.jaas.config", "ssl.truststore.type", "ssl.truststore.location"),
                settings.keySet());
        assertEquals("SCRAM-SHA-512", settings.get("sasl.mechanism"));
        assertEquals("PEM", settings.get("ssl.truststore.type"));
        assertEquals("/etc/kafka/ca.pem", settings.get("ssl.truststore.location"));
        assertEquals("", settings.get("ssl.endpoint.identification.algorithm"));
        // Kafka's own parser reads back the very user name and password.
        AppConfigurationEntry entry = JaasContext.loadClientContext(Map.of(SaslConfigs.SASL_JAAS_CONFIG,
                new Password(settings.get("sasl.jaas.config")))).configurationEntries().get(0);
        assertEquals(SCRAM, entry.getLoginModuleName());
        assertEquals("alice", entry.getOptions().get("username"));
        assertEquals(awkward, entry.getOptions().get("password"));
        assertEquals("alice", KafkaClientSettings.userName(settings));
    }

    @Test
    void plainIsTheMechanismWhenOnlyAUserNameAndPasswordAreGiven() throws Exception {
        Map<String, String> settings = load(Map.of(), "sasl.username=bob", "sasl.password=pw");
        assertTrue(settings.get("sasl.jaas.config").startsWith(
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"bob\""));
    }

    @Test
    void secretsComeFromTheEnvironmentInEitherSyntax() throws Exception {
        Map<String, String> settings = load(Map.of("A", "from-a", "B", "from-b"),
                "ssl.truststore.password=${env:A}",
                "ssl.keystore.password={{env:B}}",
                "ssl.key.password={{env:C:fallback}}",
                "client.id=x-${env:A}-{{env:B}}");

        assertEquals("from-a", settings.get("ssl.truststore.password"));
        assertEquals("from-b", settings.get("ssl.keystore.password"));
        assertEquals("fallback", settings.get("ssl.key.password"));
        assertEquals("x-from-a-from-b", settings.get("client.id"));
    }

    @Test
    void aMissingEnvironmentVariableIsNamed() throws Exception {
        Path file = write("sasl.password={{env:KAFKA_PASSWORD}}");
        SettingsException e = assertThrows(SettingsException.class,
                () -> KafkaClientSettings.load(file, Map.of()));
        assertEquals("Kafka properties file " + file + ": sasl.password refers to environment variable"
                + " KAFKA_PASSWORD, which is not set.", e.getMessage());
    }

    @Test
    void anUnknownKeyIsNamedInAWarningAndStillPassedOn() throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        PrintStream originalErr = System.err;
        System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
        Map<String, String> settings;
        try {
            settings = load(Map.of(), "session.timeout.ms=45000", "linger.ms=5");
        } finally {
            System.setErr(originalErr);
        }
        assertEquals("45000", settings.get("session.timeout.ms"));
        String warnings = log.toString(StandardCharsets.UTF_8);
        assertTrue(warnings.contains("unknown producer key 'session.timeout.ms'"), warnings);
        assertFalse(warnings.contains("linger.ms"), warnings);
    }

    @Test
    void secretValuesAreMaskedAndNothingElseIs() {
        Map<String, String> settings = new LinkedHashMap<>();
        for (String secret : List.of("sasl.jaas.config", "ssl.truststore.password", "ssl.keystore.password",
                "ssl.key.password", "ssl.keystore.key", "sasl.oauthbearer.client.credentials.client.secret",
                "basic.auth.user.info", "sasl.password")) {
            settings.put(secret, "hidden-value");
        }
        for (String plain : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism",
                "ssl.truststore.location", "ssl.truststore.type", "ssl.keystore.location", "ssl.keymanager.algorithm",
                "key.serializer", "partitioner.ignore.keys", "sasl.username")) {
            settings.put(plain, "shown-value");
        }

        Map<String, String> masked = KafkaClientSettings.masked(settings);

        masked.forEach((key, value) -> assertEquals(settings.get(key).equals("hidden-value") ? "******"
                : "shown-value", value, key));
    }

    @Test
    void secretsAreCutOutOfAnyText() {
        Map<String, String> settings = Map.of(
                "sasl.jaas.config", SCRAM + " required username=\"alice\" password=\"p\\\"w1\";",
                "ssl.truststore.password", "trust-pw",
                "sasl.mechanism", "PLAIN");

        String text = "config " + settings.get("sasl.jaas.config") + ", password p\"w1 or p\\\"w1, store trust-pw,"
                + " mechanism PLAIN";

        assertEquals("config ******, password ****** or ******, store ******, mechanism PLAIN",
                KafkaClientSettings.hideSecrets(text, settings));
    }

    private Map<String, String> load(Map<String, String> environment, String... lines) throws Exception {
        return KafkaClientSettings.load(write(lines), environment);
    }

    private Path write(String... lines) throws Exception {
        Path file = dir.resolve("client.properties");
        Files.write(file, List.of(lines));
        return file;
    }
}
