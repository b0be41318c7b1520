package dev.log2kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the Kafka client properties file. Java client keys pass through as they are; the keys that librdkafka-based
 * clients (Go, C, Confluent's generated client.properties) use are translated; `${env:NAME}` is replaced by the
 * environment variable NAME.
 */
public final class KafkaClientSettings {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientSettings.class);
    private static final Pattern ENV = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Set<String> SECRET_WORDS = Set.of("password", "jaas", "secret", "key");

    private KafkaClientSettings() {
    }

    /**
     * @return the producer properties, in the file's order
     * @throws SettingsException if the file is missing or unreadable, or names an unset environment variable
     */
    public static Map<String, String> load(Path file, Map<String, String> environment) {
        Properties raw = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            raw.load(reader);
        } catch (NoSuchFileException e) {
            throw new SettingsException("Kafka properties file " + file + " does not exist (set it with --kafka-config).");
        } catch (IOException e) {
            throw new SettingsException("Kafka properties file " + file + " cannot be read: " + e.getMessage() + ".");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (String key : new TreeSet<>(raw.stringPropertyNames())) {
            settings.put(key, expand(file, key, raw.getProperty(key).trim(), environment));
        }
        return translate(file, settings);
    }

    private static String expand(Path file, String key, String value, Map<String, String> environment) {
        Matcher m = ENV.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement = environment.get(name);
            if (replacement == null) {
                throw new SettingsException("Kafka properties file " + file + ": " + key
                        + " refers to environment variable " + name + ", which is not set.");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** Turns librdkafka-style keys into the Java client's and warns of keys the producer does not know. */
    static Map<String, String> translate(Path file, Map<String, String> in) {
        Map<String, String> out = new LinkedHashMap<>(in);
        String mechanisms = out.remove("sasl.mechanisms");
        if (mechanisms != null) {
            out.putIfAbsent("sasl.mechanism", mechanisms);
        }
        String username = out.remove("sasl.username");
        String password = out.remove("sasl.password");
        if (username != null && !out.containsKey("sasl.jaas.config")) {
            String mechanism = out.getOrDefault("sasl.mechanism", "PLAIN");
            String module = mechanism.startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            out.put("sasl.jaas.config", module + " required username=\"" + jaasEscape(username) + "\" password=\""
                    + jaasEscape(password == null ? "" : password) + "\";");
        }
        String caLocation = out.remove("ssl.ca.location");
        if (caLocation != null) {
            out.putIfAbsent("ssl.truststore.type", "PEM");
            out.putIfAbsent("ssl.truststore.location", caLocation);
        }
        String endpointAlgorithm = out.remove("ssl.endpoint.identification.algorithm");
        if (endpointAlgorithm != null) {
            // librdkafka says "none" where the Java client wants an empty value.
            out.put("ssl.endpoint.identification.algorithm", "none".equals(endpointAlgorithm) ? "" : endpointAlgorithm);
        }
        for (String key : out.keySet()) {
            if (!ProducerConfig.configNames().contains(key)) {
                LOG.warn("Kafka properties file {}: unknown producer key '{}' is passed on but has no effect", file,
                        key);
            }
        }
        return out;
    }

    private static String jaasEscape(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Whether a key's value must never be shown. */
    public static boolean isSecret(String key) {
        String lower = key.toLowerCase(java.util.Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains) && !lower.endsWith(".type")
                && !lower.endsWith(".location") && !lower.contains("serializer");
    }

    /** The settings with every secret value replaced by `******`, for logs and messages. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> out.put(key, isSecret(key) ? "******" : value));
        return out;
    }
}
