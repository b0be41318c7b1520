package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * log2kafka's own settings, each found, in this order of precedence, in a command-line option (`--topic t`), an
 * environment variable (`LOG2KAFKA_TOPIC`), application.properties (`log2kafka.topic`) or its default.
 */
public final class Settings {

    /** One setting: its command-line option, its property key, its default and what it does. */
    public record Option(String name, String defaultValue, String help, String mapsTo, boolean flag) {

        public String key() {
            return "log2kafka." + name;
        }

        public String environmentVariable() {
            return key().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    public static final Option KAFKA_CONFIG = new Option("kafka-config", "client.properties",
            "Kafka client properties file: bootstrap.servers, security.protocol, sasl.*, ssl.*, any producer key",
            "every key reaches the Kafka producer", false);
    public static final Option CONNECT_TIMEOUT = new Option("connect-timeout", "15",
            "seconds to wait, before shipping, for Kafka to answer and accept the credentials and TLS handshake",
            "Admin describeCluster with the Kafka properties file's settings; exit code 3 if it fails", false);
    public static final Option TOPIC = new Option("topic", "eduroam-log",
            "Kafka topic that receives one record per line", "camel-kafka endpoint kafka:<topic>", false);
    public static final Option FILES = new Option("files", "/eduroam/kafka-log/eduroam-nro.log",
            "file or wildcard pattern (*, ?, **), e.g. '/eduroam/kafka-log/*.log'; - for standard input",
            "camel-file directory + antInclude", false);
    public static final Option BATCH_SIZE = new Option("batch-size", "1000",
            "lines per batch handed to the Kafka producer", "Split EIP: lines per split exchange", false);
    public static final Option WATCH = new Option("watch", "false",
            "service mode: watch the pattern's directory, ship each new complete file, move it to .done/ or .failed/",
            "camel-file move=.done, moveFailed=.failed, readLock=changed", true);
    public static final Option EMBEDDED_KAFKA = new Option("embedded-kafka", "false",
            "start a single-node Kafka broker inside this process and ship to it (demo, first run)",
            "bootstrap.servers of the embedded broker", true);
    public static final Option PARALLEL_PROCESSING = new Option("parallel-processing", "false",
            "send batches from several threads; records then keep their order only within a batch",
            "Split EIP parallelProcessing with sender-threads threads", true);
    public static final Option SENDER_THREADS = new Option("sender-threads", "2",
            "threads that send batches when parallel-processing is on", "Split EIP executorService pool size", false);
    public static final Option SKIP_EMPTY_LINES = new Option("skip-empty-lines", "false",
            "do not send empty lines (they are counted either way)", "-", true);

    public static final Option INTERACTIVE = new Option("interactive", "false",
            "ask for the Kafka properties file, topic, files and batch size (also on a terminal when no setting is "
                    + "given)", "-", true);
    public static final Option PROGRESS_INTERVAL = new Option("progress-interval", "1000",
            "milliseconds between two progress events (the live line; the log gets one every 10 s)",
            "ProgressRoutePolicy interval", false);

    public static final Option STATE_DIR = new Option("state-dir", ".log2kafka-state",
            "directory of the checkpoints: how far each file is acknowledged, so a rerun resumes there", "-", false);
    public static final Option CHECKPOINT_INTERVAL = new Option("checkpoint-interval", "200",
            "milliseconds between two writes of the checkpoints of the files being shipped", "-", false);
    public static final Option FORCE = new Option("force", "false",
            "ship files from their beginning even if their checkpoints say they were shipped completely", "-", true);
    public static final Option DEAD_LETTERS = new Option("dead-letters",
            "file:.?fileName=log2kafka-dead-letters.tsv&fileExist=Append",
            "where lines Kafka will not take go (source, line number, reason, the line), a Camel endpoint URI",
            "the dead-letters route's endpoint, e.g. kafka:TOPIC", false);

    public static final List<Option> OPTIONS = List.of(KAFKA_CONFIG, CONNECT_TIMEOUT, TOPIC, FILES, BATCH_SIZE,
            WATCH, EMBEDDED_KAFKA, PARALLEL_PROCESSING, SENDER_THREADS, SKIP_EMPTY_LINES, INTERACTIVE,
            PROGRESS_INTERVAL, STATE_DIR, CHECKPOINT_INTERVAL, FORCE, DEAD_LETTERS);

    private final Map<String, String> values;
    private final Map<String, String> explicit;

    private Settings(Map<String, String> values, Map<String, String> explicit) {
        this.values = values;
        this.explicit = explicit;
    }

    /**
     * Resolves every option.
     *
     * @param args        the command line
     * @param environment the process environment
     * @param properties  application.properties, possibly empty
     * @throws SettingsException for an unknown option or an option without its value
     */
    public static Settings resolve(String[] args, Map<String, String> environment, Properties properties) {
        Map<String, String> fromArgs = parseArguments(args);
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> explicit = new LinkedHashMap<>();
        for (Option option : OPTIONS) {
            String value = fromArgs.get(option.name());
            if (value == null) {
                value = environment.get(option.environmentVariable());
            }
            if (value == null) {
                value = properties.getProperty(option.key());
            }
            if (value != null) {
                explicit.put(option.name(), value.trim());
            }
            values.put(option.name(), value == null ? option.defaultValue() : value.trim());
        }
        return new Settings(values, explicit);
    }

    private static Map<String, String> parseArguments(String[] args) {
        Map<String, String> parsed = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (!arg.startsWith("--")) {
                throw new SettingsException("Unexpected argument '" + arg + "'; options start with -- (see --help).");
            }
            String name = arg.substring(2);
            String value = null;
            int eq = name.indexOf('=');
            if (eq >= 0) {
                value = name.substring(eq + 1);
                name = name.substring(0, eq);
            }
            Option option = option(name);
            if (value == null) {
                if (option.flag()) {
                    value = "true";
                } else if (i + 1 < args.length) {
                    value = args[++i];
                } else {
                    throw new SettingsException("Option --" + name + " needs a value (see --help).");
                }
            }
            parsed.put(name, value);
        }
        return parsed;
    }

    private static Option option(String name) {
        for (Option option : OPTIONS) {
            if (option.name().equals(name)) {
                return option;
            }
        }
        throw new SettingsException("Unknown option --" + name + " (see --help).");
    }

    /** Reads application.properties from the working directory if it is there, else the copy in the jar. */
    public static Properties applicationProperties(Path workingFile) throws IOException {
        Properties properties = new Properties();
        if (Files.isRegularFile(workingFile)) {
            try (Reader reader = Files.newBufferedReader(workingFile, StandardCharsets.UTF_8)) {
                properties.load(reader);
            }
        } else {
            try (InputStream in = Settings.class.getResourceAsStream("/application.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
        }
        return properties;
    }

    public String get(Option option) {
        return values.get(option.name());
    }

    public boolean isSet(Option option) {
        return explicit.containsKey(option.name());
    }

    public boolean flag(Option option) {
        return Boolean.parseBoolean(get(option));
    }

    /** A positive whole number, or a sentence naming the setting. */
    public int positiveInt(Option option) {
        String value = get(option);
        try {
            int n = Integer.parseInt(value);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // fall through to the sentence below
        }
        throw new SettingsException(
                "Setting " + option.name() + " must be a positive whole number, not '" + value + "'.");
    }

    /** Whether any setting was given on the command line or in the environment. */
    public static boolean anyGiven(String[] args, Map<String, String> environment) {
        return args.length > 0 || OPTIONS.stream().anyMatch(o -> environment.containsKey(o.environmentVariable()));
    }

    /** Every setting as the `log2kafka.*` properties the routes use. */
    public Map<String, String> asProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        values.forEach((name, value) -> properties.put("log2kafka." + name, value));
        return properties;
    }

    /** The text of `--help`. */
    public static String help() {
        StringBuilder sb = new StringBuilder();
        sb.append("Usage: java -jar log2kafka.jar [options]\n\n")
                .append("Ships every line of the matching files to a Kafka topic, one record per line.\n")
                .append("Each option can also be set as an environment variable or in application.properties.\n\n");
        for (Option option : OPTIONS) {
            sb.append(String.format("  --%-22s %s%n", option.name() + (option.flag() ? "" : " VALUE"), option.help()));
            sb.append(String.format("  %-24s default: %s; env %s; property %s%n", "", option.defaultValue(),
                    option.environmentVariable(), option.key()));
            sb.append(String.format("  %-24s maps to: %s%n", "", option.mapsTo()));
        }
        sb.append(String.format("  --%-22s %s%n", "help", "print this help and exit"));
        return sb.toString();
    }
}
