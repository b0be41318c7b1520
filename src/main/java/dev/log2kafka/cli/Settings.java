package dev.log2kafka.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

import picocli.CommandLine;

/**
 * The one owner of precedence. Every setting has one value, taken from the first of: the command line, the
 * environment, application.properties in the working directory, the copy of application.properties in the jar, the
 * option's declared default. That holds for log2kafka's options (`--topic`, `LOG2KAFKA_TOPIC`, `log2kafka.topic`) and
 * for every other key of application.properties, Camel's included (`CAMEL_MAIN_SHUTDOWN_TIMEOUT` for
 * `camel.main.shutdown-timeout`). The command line is picocli's to parse ({@link Options}); this class supplies the
 * rest as picocli's default values, so that a value from any source is converted and checked the same way. Camel then
 * receives the result ({@link #forCamel}) and looks nothing up a second way.
 */
public final class Settings implements CommandLine.IDefaultValueProvider {

    static final String PREFIX = "log2kafka.";
    private static final String FILE = "application.properties";

    private final Map<String, String> environment;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origins = new LinkedHashMap<>();

    private Settings(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * Reads the jar's application.properties, then the working directory's over it key by key.
     *
     * @param workingDirectory where a user's application.properties may be
     * @param environment      the process environment
     */
    public static Settings load(Path workingDirectory, Map<String, String> environment) {
        Settings settings = new Settings(environment);
        try (InputStream in = Settings.class.getResourceAsStream("/" + FILE)) {
            if (in != null) {
                Properties jar = new Properties();
                jar.load(in);
                settings.put(jar, "the jar's " + FILE);
            }
            Path file = workingDirectory.resolve(FILE);
            if (Files.isRegularFile(file)) {
                Properties working = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    working.load(reader);
                }
                settings.put(working, file.toString());
            }
        } catch (IOException e) {
            throw new SettingsException("Settings file " + workingDirectory.resolve(FILE) + " cannot be read: "
                    + e.getMessage() + ".");
        }
        return settings;
    }

    private void put(Properties properties, String origin) {
        for (String key : properties.stringPropertyNames()) {
            values.put(key, properties.getProperty(key).trim());
            origins.put(key, origin);
        }
    }

    /** The environment variable that sets a key: `log2kafka.batch-size` is `LOG2KAFKA_BATCH_SIZE`. */
    public static String environmentVariable(String key) {
        return key.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** A key's value from the environment or the properties files, or null if neither sets it. */
    public String value(String key) {
        String fromEnvironment = environment.get(environmentVariable(key));
        return fromEnvironment != null ? fromEnvironment.trim() : values.get(key);
    }

    /** Where {@link #value} found a key's value, for messages: `environment variable LOG2KAFKA_TOPIC`. */
    public String origin(String key) {
        String variable = environmentVariable(key);
        return environment.containsKey(variable) ? "environment variable " + variable : origins.get(key);
    }

    /** Whether the environment sets any of log2kafka's options (so a terminal start does not ask questions). */
    public boolean environmentSetsAny(Iterable<String> keys) {
        for (String key : keys) {
            if (environment.containsKey(environmentVariable(key))) {
                return true;
            }
        }
        return false;
    }

    /** picocli asks this for every option the command line does not give. */
    @Override
    public String defaultValue(CommandLine.Model.ArgSpec argument) {
        return argument instanceof CommandLine.Model.OptionSpec option ? value(key(option)) : null;
    }

    /** The property key of an option: `--batch-size` is `log2kafka.batch-size`. */
    static String key(CommandLine.Model.OptionSpec option) {
        return PREFIX + option.longestName().replaceFirst("^--", "");
    }

    /**
     * Everything Camel reads: each key of the properties files with the environment's value where it sets one, then
     * log2kafka's settings as resolved (command line included). Camel's own look-ups in the environment and the
     * system properties are switched off, so these are the only values it sees.
     */
    public Properties forCamel(Map<String, String> resolved) {
        Properties camel = new Properties();
        for (String key : values.keySet()) {
            camel.setProperty(key, value(key));
        }
        camel.putAll(resolved);
        camel.setProperty("camel.component.properties.environment-variable-mode", "0");
        camel.setProperty("camel.component.properties.system-properties-mode", "0");
        // a value is taken as it is: a directory named `{{x}}` is a directory, not a placeholder to resolve
        camel.setProperty("camel.component.properties.nested-placeholder", "false");
        return camel;
    }
}
