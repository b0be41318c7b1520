package dev.log2kafka.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.SourceMode;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * log2kafka's settings, each declared once with its description and default. A value comes from the command line,
 * else from {@link Settings} (environment, application.properties), else the default here; picocli converts and
 * checks it the same way whatever its source. {@link #asProperties()} hands the result to Camel's routes as
 * `log2kafka.*` properties.
 */
@Command(name = "java -jar log2kafka.jar", mixinStandardHelpOptions = true, versionProvider = Options.Version.class,
        sortOptions = false, showDefaultValues = true, usageHelpWidth = 110,
        description = "Ships every line of the matching files to a Kafka topic, one record per line.%n",
        footer = {"%nEach option is also an environment variable (--batch-size: LOG2KAFKA_BATCH_SIZE) and a key of"
                + " application.properties (log2kafka.batch-size). The command line wins over the environment, which"
                + " wins over application.properties in the working directory, which wins over the jar's copy."
                + " A default shown above is the value that applies now.",
            "Exit codes: 0 every line acknowledged, 1 a file not shipped completely, 2 a setting or the input is"
                + " wrong, 3 Kafka unreachable or refused the credentials, 4 lines went to the dead letters,"
                + " 5 the state directory is in use, 6 another run took over the transactional id, 130"
                + " interrupted."})
public final class Options {

    @Option(names = "--kafka-config", paramLabel = "FILE", defaultValue = "client.properties",
            description = "Kafka client properties file: bootstrap.servers, security.protocol, sasl.*, ssl.*; every"
                    + " key reaches the Kafka producer.")
    Path kafkaConfig;

    @Option(names = "--connect-timeout", paramLabel = "SECONDS", defaultValue = "15",
            converter = PositiveInt.class,
            description = "Seconds to wait, before shipping, for Kafka to answer and accept the credentials and TLS"
                    + " handshake (else exit code 3).")
    int connectTimeout;

    @Option(names = "--topic", paramLabel = "NAME", defaultValue = "eduroam-log", converter = TopicName.class,
            description = "Kafka topic that receives one record per line.")
    String topic;

    @Option(names = "--files", paramLabel = "PATTERN", defaultValue = "/eduroam/kafka-log/eduroam-nro.log",
            description = "File or wildcard pattern (* and ? within a name, ** across directories), e.g."
                    + " '/eduroam/kafka-log/*.log'; - for standard input.")
    String files;

    @Option(names = "--batch-size", paramLabel = "LINES", defaultValue = "1000", converter = PositiveInt.class,
            description = "Lines per batch handed to the Kafka producer.")
    int batchSize;

    @Option(names = "--watch", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Service mode: ship each new complete file in the pattern's directory, then move it to"
                    + " .done/ (or .failed/).")
    boolean watch;

    @Option(names = "--follow", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Live logs: ship every file that matches and keep following each as it grows, across"
                    + " rotations (renamed, copied and truncated, or compressed); files that appear later too.")
    boolean follow;

    @Option(names = "--cluster-lock", paramLabel = "DIR",
            description = "Standby failover (watch and follow): of the instances started with the same DIR, on storage"
                    + " they all see, and the same --state-dir, one ships and the others wait; one of them takes"
                    + " over when it dies. None by default.")
    Path clusterLock;

    @Option(names = "--http-port", paramLabel = "PORT", converter = PortNumber.class,
            description = "Serve health (/observe/health, /observe/health/live, /observe/health/ready) and Prometheus"
                    + " metrics (/observe/metrics) over HTTP on this port (0: any free one). None by default.")
    Integer httpPort;

    @Option(names = "--log-format", paramLabel = "text|json", defaultValue = "text", converter = LogFormat.class,
            description = "The log (standard error): text lines, or one JSON object a line (time, level, logger,"
                    + " message, and file and lines where there are some) for log pipelines.")
    String logFormat;

    @Option(names = "--done-file-name", paramLabel = "NAME",
            description = "Watch mode: take a file only once a marker file of this name is there too, e.g."
                    + " '${file:name}.done' (Camel's doneFileName). None by default.")
    String doneFileName;

    @Option(names = "--embedded-kafka", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Start a single-node Kafka broker inside this process and ship to it (demo, first run).")
    boolean embeddedKafka;

    @Option(names = "--sender-threads", paramLabel = "N", defaultValue = "1", converter = PositiveInt.class,
            description = "Threads that send batches (the `senders` thread pool of the routes). 1 keeps the lines"
                    + " of a file in order; with more, order holds only within a batch.")
    int senderThreads;

    @Option(names = "--skip-empty-lines", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Do not send empty lines (they are counted either way).")
    boolean skipEmptyLines;

    @Option(names = "--interactive", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Ask for the Kafka properties file, topic, files and batch size (also on a terminal when"
                    + " no setting is given).")
    boolean interactive;

    @Option(names = "--progress-interval", paramLabel = "MS", defaultValue = "1000", converter = PositiveInt.class,
            description = "Milliseconds between two progress events (the live line; the log gets one every 10 s).")
    int progressInterval;

    @Option(names = "--stop-timeout", paramLabel = "SECONDS", defaultValue = "10", converter = PositiveInt.class,
            description = "Seconds Ctrl-C or SIGTERM waits for the batches in flight (watch mode: the file in"
                    + " flight) to be acknowledged; then the run ends anyway, those lines count as not sent and the"
                    + " next run sends them.")
    int stopTimeout;

    @Option(names = "--stall-timeout", paramLabel = "DURATION", defaultValue = "120s", converter = Time.class,
            description = "Follow mode: how long the follower may make no progress while its files have bytes not"
                    + " shipped (Kafka down or paused, a read that hangs) before its health check is DOWN; it warns"
                    + " after 30 s, or this if shorter. A number with s, m or h (120s, 2m).")
    Duration stallTimeout;

    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".log2kafka-state",
            description = "Directory of the checkpoints: how far each file is acknowledged, so a rerun resumes"
                    + " there.")
    Path stateDir;

    @Option(names = "--checkpoint-interval", paramLabel = "MS", defaultValue = "200", converter = PositiveInt.class,
            description = "Milliseconds between two writes of the checkpoints of the files being shipped.")
    int checkpointInterval;

    @Option(names = "--force", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Ship files from their beginning even if their checkpoints say they were shipped"
                    + " completely.")
    boolean force;

    @Option(names = "--dead-letters", paramLabel = "URI",
            defaultValue = "file:.?fileName=log2kafka-dead-letters.tsv&fileExist=Append",
            description = "Camel endpoint for lines Kafka will not take (source, line number, reason, the line),"
                    + " e.g. kafka:dead-letters.")
    String deadLetters;

    @Option(names = "--exactly-once", arity = "0..1", fallbackValue = "true", defaultValue = "false",
            paramLabel = "true|false", showDefaultValue = CommandLine.Help.Visibility.ALWAYS,
            description = "Each line exactly once, even after a crash: lines and checkpoints go to Kafka in"
                    + " transactions (consumers must read with isolation.level=read_committed).")
    boolean exactlyOnce;

    @Option(names = "--transaction-lines", paramLabel = "LINES", defaultValue = "1000000",
            converter = PositiveInt.class,
            description = "Exactly once: lines of one file in a transaction (and between two checkpoints).")
    int transactionLines;

    @Option(names = "--checkpoints-topic", paramLabel = "NAME", defaultValue = "log2kafka-checkpoints",
            converter = TopicName.class,
            description = "Exactly once: compacted topic of the checkpoints, written in the lines' transactions"
                    + " (created if absent).")
    String checkpointsTopic;

    @Option(names = "--transactional-id", paramLabel = "ID",
            description = "Exactly once: the producer's transactional.id; a restarted run with the same id aborts"
                    + " what the previous one left open. Default: log2kafka-HOST-HASH, HASH from the absolute"
                    + " --state-dir.")
    String transactionalId;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Parses the command line over the other sources of {@code settings}.
     *
     * @return the command line, whose {@link CommandLine#isUsageHelpRequested()} and
     *         {@link CommandLine#isVersionHelpRequested()} say whether to print help or the version instead
     * @throws SettingsException one sentence naming the option, its value and where the value came from
     */
    public static CommandLine parse(String[] args, Settings settings) {
        CommandLine cli = new CommandLine(new Options()).setDefaultValueProvider(settings)
                .registerConverter(Boolean.class, Options::yesOrNo).registerConverter(boolean.class, Options::yesOrNo);
        try {
            cli.parseArgs(args);
        } catch (CommandLine.UnmatchedArgumentException e) {
            String argument = e.getUnmatched().get(0);
            throw new SettingsException(argument.startsWith("-")
                    ? "Unknown option " + argument + " (see --help)."
                    : "Unexpected argument '" + argument + "'; options start with -- (see --help).");
        } catch (CommandLine.MissingParameterException e) {
            CommandLine.Model.ArgSpec missing = e.getMissing().get(0);
            throw new SettingsException("Option " + (missing instanceof CommandLine.Model.OptionSpec option
                    ? option.longestName() : missing.paramLabel()) + " needs a value (see --help).");
        } catch (CommandLine.ParameterException e) {
            throw invalid(e, settings);
        }
        return cli;
    }

    /** The options parsed by {@link #parse}. */
    public static Options of(CommandLine cli) {
        return cli.getCommand();
    }

    private static SettingsException invalid(CommandLine.ParameterException e, Settings settings) {
        if (!(e.getArgSpec() instanceof CommandLine.Model.OptionSpec option)
                || !(e.getCause() instanceof CommandLine.TypeConversionException problem)) {
            return new SettingsException(e.getMessage() + " (see --help).");
        }
        String key = Settings.key(option);
        String value = e.getValue();
        boolean fromCommandLine = e.getCommandLine().getParseResult() != null
                && e.getCommandLine().getParseResult().hasMatchedOption(option);
        String origin = fromCommandLine || !value.equals(settings.value(key)) ? ""
                : " (from " + settings.origin(key) + ")";
        return new SettingsException("Setting " + key.substring(Settings.PREFIX.length()) + " " + problem.getMessage()
                + ", not '" + value + "'" + origin + ".");
    }

    /** Which source the routes read, from --watch, --follow and --files. */
    public SourceMode mode() {
        if (watch && follow) {
            throw new SettingsException("Choose --watch (ship each complete file once, then move it) or --follow"
                    + " (follow live files where they are), not both.");
        }
        if (SourceMode.STANDARD_INPUT_NAME.equals(files)) {
            if (exactlyOnce) {
                throw new SettingsException("Standard input (--files -) cannot be shipped exactly once: a rerun"
                        + " cannot read it again from where the last one stopped. Ship a file, or leave out"
                        + " --exactly-once.");
            }
            if (watch || follow) {
                throw new SettingsException((watch ? "Watch mode needs a directory to watch" : "Follow mode needs"
                        + " files to follow") + ", not standard input (--files -), which is read as it comes anyway.");
            }
            return SourceMode.STANDARD_INPUT;
        }
        SourceMode mode = watch ? SourceMode.WATCH : follow ? SourceMode.FOLLOW : SourceMode.ONE_SHOT;
        if (clusterLock != null && mode == SourceMode.ONE_SHOT) {
            throw new SettingsException("--cluster-lock is for a service that runs until stopped (--watch or"
                    + " --follow): a one-shot run has no standby to hand over to.");
        }
        return mode;
    }

    /** --files as a pattern; standard input has none to walk, so it reads as a name in the working directory. */
    public FilePattern pattern() {
        return FilePattern.parse(mode() == SourceMode.STANDARD_INPUT ? "./-" : files);
    }

    /** Every option as the `log2kafka.*` property the routes read, with its resolved value. */
    public Map<String, String> asProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        for (CommandLine.Model.OptionSpec option : spec.options()) {
            Object value = option.getValue();
            if (!option.usageHelp() && !option.versionHelp() && value != null) {
                properties.put(Settings.key(option), value.toString());
            }
        }
        return properties;
    }

    /** The property keys of every option, `log2kafka.topic` and so on. */
    public List<String> keys() {
        return spec.options().stream().filter(o -> !o.usageHelp() && !o.versionHelp()).map(Settings::key).toList();
    }

    public Path kafkaConfig() {
        return kafkaConfig;
    }

    public int connectTimeout() {
        return connectTimeout;
    }

    public String topic() {
        return topic;
    }

    public String files() {
        return files;
    }

    public int batchSize() {
        return batchSize;
    }

    public boolean embeddedKafka() {
        return embeddedKafka;
    }

    /** The directory of the cluster lock (standby failover), or null for none. */
    public Path clusterLock() {
        return clusterLock;
    }

    /** `text` or `json`. */
    public String logFormat() {
        return logFormat;
    }

    /** The HTTP port for health and metrics, or null for none. */
    public Integer httpPort() {
        return httpPort;
    }

    public int senderThreads() {
        return senderThreads;
    }

    public boolean skipEmptyLines() {
        return skipEmptyLines;
    }

    public boolean interactive() {
        return interactive;
    }

    public int progressInterval() {
        return progressInterval;
    }

    public int stopTimeout() {
        return stopTimeout;
    }

    public Duration stallTimeout() {
        return stallTimeout;
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Whether the state directory is the default one (the embedded broker then keeps its checkpoints with it). */
    public boolean stateDirIsDefault() {
        return stateDir.toString().equals(spec.findOption("--state-dir").defaultValue());
    }

    public int checkpointInterval() {
        return checkpointInterval;
    }

    public boolean force() {
        return force;
    }

    public boolean exactlyOnce() {
        return exactlyOnce;
    }

    public String checkpointsTopic() {
        return checkpointsTopic;
    }

    /** --transactional-id, or the one of this host and state directory. */
    public String transactionalId(Path stateDir) {
        if (transactionalId != null) {
            return transactionalId;
        }
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "localhost";
        }
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256").digest(stateDir.toAbsolutePath()
                    .normalize().toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "log2kafka-" + host + "-" + java.util.HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String deadLetters() {
        return deadLetters;
    }

    /** Sets the four settings the questions ask for, as answered. */
    void answered(Path kafkaConfig, String topic, String files, int batchSize) {
        this.kafkaConfig = kafkaConfig;
        this.topic = topic;
        this.files = files;
        this.batchSize = batchSize;
    }

    /** true, false, yes or no, in any case; anything else is an error, never a silent false. */
    private static Boolean yesOrNo(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "yes" -> true;
            case "false", "no" -> false;
            default -> throw new CommandLine.TypeConversionException("must be true or false (or yes or no)");
        };
    }

    /** A whole number above zero. */
    static final class PositiveInt implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the sentence below says what is wanted
            }
            throw new CommandLine.TypeConversionException("must be a positive whole number");
        }
    }

    /** A duration: a positive number of seconds, minutes or hours (`20s`, `2m`, `1h`); a bare number is seconds. */
    static final class Time implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            Matcher time = Pattern.compile("(\\d{1,9})\\s*([smh]?)")
                    .matcher(value.trim().toLowerCase(Locale.ROOT));
            if (time.matches() && Long.parseLong(time.group(1)) > 0) {
                long n = Long.parseLong(time.group(1));
                return switch (time.group(2)) {
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            throw new CommandLine.TypeConversionException("must be a positive duration such as 20s, 2m or 1h");
        }
    }

    /** text or json, in any case. */
    static final class LogFormat implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String format = value.trim().toLowerCase(Locale.ROOT);
            if (format.equals("text") || format.equals("json")) {
                return format;
            }
            throw new CommandLine.TypeConversionException("must be text or json");
        }
    }

    /** A TCP port: 0 (any free one) to 65535. */
    static final class PortNumber implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n >= 0 && n <= 65_535) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // the sentence below says what is wanted
            }
            throw new CommandLine.TypeConversionException("must be a port number from 0 to 65535");
        }
    }

    /** A topic name Kafka accepts: 1 to 249 of letters, digits, '.', '_' and '-', not '.' or '..'. */
    static final class TopicName implements CommandLine.ITypeConverter<String> {
        @Override
        public String convert(String value) {
            try {
                Topic.validate(value);
                return value;
            } catch (InvalidTopicException e) {
                throw new CommandLine.TypeConversionException("must be a Kafka topic name (1 to 249 letters, digits,"
                        + " '.', '_' or '-')");
            }
        }
    }

    /** The project's version, written into the jar by the build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties build = new Properties();
            try (InputStream in = Options.class.getResourceAsStream("/log2kafka-version.properties")) {
                if (in != null) {
                    build.load(in);
                }
            }
            return new String[] {"log2kafka " + build.getProperty("version", "unknown")};
        }
    }
}
