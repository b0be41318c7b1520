package dev.log2kafka.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.log2kafka.cli.SettingsException;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.SaslConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the Kafka client properties file. Java client keys pass through as they are; the keys that librdkafka-based
 * clients (Go, C, Confluent's generated client.properties) use are translated; `${env:NAME}` and Camel's
 * `{{env:NAME}}` (or `{{env:NAME:default}}`) are replaced by the environment variable NAME, so that passwords need
 * not be written in the file. Secret values are never shown: see {@link #masked} and {@link #hideSecrets}.
 */
public final class KafkaClientSettings {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaClientSettings.class);
    /** `${env:NAME}` (group 1), or Camel's `{{env:NAME}}` / `{{env:NAME:default}}` (groups 2 and 3). */
    private static final Pattern ENV = Pattern.compile(
            "\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}|\\{\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}}");
    /** Words in the names of secret keys the producer does not know, such as librdkafka's sasl.password. */
    private static final Set<String> SECRET_WORDS = Set.of("password", "secret", "jaas", "passphrase", "user.info");
    /** The quoted value of a password option in a JAAS config line: `password="..."`. */
    private static final Pattern JAAS_PASSWORD = Pattern.compile("(?i)password\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern JAAS_USERNAME = Pattern.compile("(?i)username\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    public static final String MASK = "******";

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
            String name = m.group(1) != null ? m.group(1) : m.group(2);
            String replacement = environment.getOrDefault(name, m.group(3));
            if (replacement == null) {
                throw new SettingsException("Kafka properties file " + file + ": " + key
                        + " refers to environment variable " + name + ", which is not set.");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /** The settings a Kafka client of this kind takes (its {@code configNames()}), to build its configuration from. */
    public static Map<String, Object> onlyFor(Set<String> configNames, Map<String, String> settings) {
        Map<String, Object> config = new HashMap<>();
        settings.forEach((key, value) -> {
            if (configNames.contains(key)) {
                config.put(key, value);
            }
        });
        return config;
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

    /**
     * Whether a key's value must never be shown: the keys Kafka itself treats as passwords (sasl.jaas.config,
     * ssl.truststore.password, ssl.keystore.key, ...) and keys it does not know whose names say secret.
     */
    public static boolean isSecret(String key) {
        ConfigDef.ConfigKey known = ProducerConfig.configDef().configKeys().get(key);
        if (known != null) {
            return known.type == ConfigDef.Type.PASSWORD;
        }
        String lower = key.toLowerCase(Locale.ROOT);
        return SECRET_WORDS.stream().anyMatch(lower::contains) && !lower.endsWith(".type")
                && !lower.endsWith(".location");
    }

    /** The settings with every secret value replaced by `******`, for logs and messages. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((key, value) -> out.put(key, isSecret(key) ? MASK : value));
        return out;
    }

    /**
     * The text with every secret of the settings replaced by `******`: each secret value, and each password inside a
     * JAAS config. For messages that quote what a library said, which might echo a setting.
     */
    public static String hideSecrets(String text, Map<String, String> settings) {
        if (text == null) {
            return null;
        }
        List<String> secrets = new ArrayList<>();
        settings.forEach((key, value) -> {
            if (isSecret(key) && !value.isEmpty()) {
                secrets.add(value);
                Matcher password = JAAS_PASSWORD.matcher(value);
                while (password.find()) {
                    secrets.add(password.group(1));
                    secrets.add(jaasUnescape(password.group(1)));
                }
            }
        });
        // Longest first, so that a JAAS config goes as a whole before the password inside it is looked for.
        secrets.sort(Comparator.comparingInt(String::length).reversed());
        String hidden = text;
        for (String secret : secrets) {
            if (!secret.isEmpty()) {
                hidden = hidden.replace(secret, MASK);
            }
        }
        return hidden;
    }

    /** The user name of the JAAS config (`username="alice"`), or null if there is none. */
    public static String userName(Map<String, String> settings) {
        String jaas = settings.get(SaslConfigs.SASL_JAAS_CONFIG);
        if (jaas == null) {
            return null;
        }
        Matcher m = JAAS_USERNAME.matcher(jaas);
        return m.find() ? jaasUnescape(m.group(1)) : null;
    }

    private static String jaasUnescape(String value) {
        return value.replaceAll("\\\\(.)", "$1");
    }
}
