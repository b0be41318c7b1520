package dev.log2kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start class: `java -jar log2kafka.jar --files '/var/log/*.log' --topic logs`. Resolves the settings (asking
 * for them when interactive), checks the input before anything starts, runs Camel Main with the routes in `routes/`,
 * and prints the summary.
 */
public final class Log2Kafka {

    /** Every line of every file was acknowledged. */
    public static final int EXIT_OK = 0;
    /** The run ended, but some file was not shipped completely. */
    public static final int EXIT_FAILED = 1;
    /** A setting or the input is wrong; nothing was sent. */
    public static final int EXIT_BAD_SETTINGS = 2;
    /** Kafka cannot be reached, or refused the credentials or the TLS handshake; nothing was sent. */
    public static final int EXIT_KAFKA_CONNECTION = 3;
    /** Every line was shipped, except lines Kafka would not take, which went to the dead letters. */
    public static final int EXIT_DEAD_LETTERS = 4;
    /** Stopped by Ctrl-C or SIGTERM before every file was shipped (128 + SIGINT, as shells report it). */
    public static final int EXIT_INTERRUPTED = 130;

    private static final Logger LOG = LoggerFactory.getLogger(Log2Kafka.class);

    private static final String ROUTES_PATTERN = "camel.main.routes-include-pattern";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final InputStream in;
    private final boolean terminal;
    private final ShippingProgress progress = new ShippingProgress();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile Main main;
    private volatile LineBatches lineBatches;
    private volatile boolean watch;
    private volatile int exitCodeAfterSignal = EXIT_INTERRUPTED;

    public Log2Kafka(PrintStream out, PrintStream err, Map<String, String> environment) {
        this(out, err, environment, InputStream.nullInputStream(), false);
    }

    /**
     * @param in       where interactive answers are read from
     * @param terminal whether output goes to a terminal: a live progress line, and questions when no setting is given
     */
    public Log2Kafka(PrintStream out, PrintStream err, Map<String, String> environment, InputStream in,
            boolean terminal) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.in = in;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        Log2Kafka app = new Log2Kafka(System.out, System.err, System.getenv(), System.in, System.console() != null);
        Thread hook = new Thread(app::interrupt, "log2kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = app.run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down because of a signal: the hook ends the process with the code
            app.exitCodeAfterSignal = code;
            app.finished.countDown();
            return;
        }
        System.exit(code);
    }

    /**
     * Ctrl-C or SIGTERM: a one-shot run stops reading, lets the batches in flight be acknowledged, and reports; watch
     * mode finishes the file being shipped (within camel.main.shutdown-timeout). Then the process ends with the run's
     * exit code.
     */
    void interrupt() {
        Main running = main;
        if (running == null) {
            return;
        }
        progress.interrupted();
        LineBatches batches = lineBatches;
        if (batches != null && !watch) {
            batches.stop();
        }
        running.completed();
        try {
            if (finished.await(2, TimeUnit.MINUTES)) {
                out.flush();
                Runtime.getRuntime().halt(exitCodeAfterSignal);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Runs log2kafka and returns its exit code. */
    public int run(String... args) {
        if (Arrays.asList(args).contains("--help")) {
            out.print(Settings.help());
            return EXIT_OK;
        }
        EmbeddedKafka broker = null;
        Map<String, String> kafka = new LinkedHashMap<>();
        try {
            Properties applicationProperties = Settings.applicationProperties(Path.of("application.properties"));
            Settings settings = Settings.resolve(args, environment, applicationProperties);
            if (settings.flag(Settings.INTERACTIVE) || (terminal && !Settings.anyGiven(args, environment))) {
                List<String> answered = new ArrayList<>(Arrays.asList(args));
                answered.addAll(new Prompts(new BufferedReader(new InputStreamReader(in, Charset.defaultCharset())),
                        out).ask(settings, settings.flag(Settings.EMBEDDED_KAFKA)));
                settings = Settings.resolve(answered.toArray(String[]::new), environment, applicationProperties);
            }
            watch = settings.flag(Settings.WATCH);
            settings.positiveInt(Settings.BATCH_SIZE);
            Duration connectTimeout = Duration.ofSeconds(settings.positiveInt(Settings.CONNECT_TIMEOUT));
            int progressInterval = settings.positiveInt(Settings.PROGRESS_INTERVAL);
            int senderThreads = settings.flag(Settings.PARALLEL_PROCESSING)
                    ? settings.positiveInt(Settings.SENDER_THREADS) : 1;
            boolean standardInput = LineBatches.STANDARD_INPUT.equals(settings.get(Settings.FILES));
            if (standardInput && watch) {
                throw new SettingsException("Watch mode needs a directory to watch, not standard input (--files -).");
            }
            FilePattern pattern = FilePattern.parse(standardInput ? "./-" : settings.get(Settings.FILES));
            List<Path> files = standardInput ? List.of() : checkInput(pattern, watch);
            for (Path file : files) {
                progress.expect(Files.size(file));
            }

            boolean embedded = settings.flag(Settings.EMBEDDED_KAFKA);
            Path kafkaConfig = Path.of(settings.get(Settings.KAFKA_CONFIG));
            // The embedded broker needs no properties file, but producer settings in one still apply.
            if (!embedded || Files.exists(kafkaConfig)) {
                kafka.putAll(KafkaClientSettings.load(kafkaConfig, environment));
                LOG.info("Kafka client settings from {}: {}", kafkaConfig, KafkaClientSettings.masked(kafka));
            }
            String bootstrap = kafka.remove("bootstrap.servers");
            if (embedded) {
                broker = new EmbeddedKafka();
                broker.start();
                bootstrap = broker.bootstrapServers();
                broker.createTopic(settings.get(Settings.TOPIC), 1);
                out.println("Embedded Kafka broker listening on " + bootstrap + " (data in " + broker.dataDirectory()
                        + ", removed at exit)");
            } else if (bootstrap == null || bootstrap.isBlank()) {
                throw new SettingsException("Kafka properties file " + kafkaConfig + " does not set bootstrap.servers.");
            }
            KafkaConnectionCheck.verify(bootstrap, kafka, connectTimeout);

            Main camel = new Main();
            camel.configure().setBasePackageScanEnabled(false);
            // Ctrl-C and SIGTERM are handled by interrupt(), which needs the run to go on to its summary.
            ((org.apache.camel.main.DefaultMainShutdownStrategy) camel.getShutdownStrategy()).disableHangupSupport();
            camel.setDefaultPropertyPlaceholderLocation(
                    "file:application.properties;optional=true,classpath:application.properties;optional=true");
            // Set in code because Camel Main reads the property only after it has already scanned for routes with
            // the default pattern, which walks the whole jar (about a second of start-up).
            camel.configure().setRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                    ? applicationProperties.getProperty(ROUTES_PATTERN, "file:routes/*.camel.yaml")
                    : "classpath:routes/ship-files.camel.yaml");
            camel.addOverrideProperty(ROUTES_PATTERN, camel.configure().getRoutesIncludePattern());
            settings.asProperties().forEach(camel::addOverrideProperty);
            sourceProperties(pattern, watch, standardInput).forEach(camel::addOverrideProperty);

            Path stateDir = Path.of(settings.get(Settings.STATE_DIR));
            if (broker != null && settings.get(Settings.STATE_DIR).equals(Settings.STATE_DIR.defaultValue())) {
                // The embedded broker's topics go with it at exit, so its checkpoints must too.
                stateDir = broker.dataDirectory().resolve("log2kafka-state");
            }
            Checkpoints checkpoints = new Checkpoints(stateDir, settings.positiveInt(Settings.CHECKPOINT_INTERVAL));
            DeadLetters deadLetters = new DeadLetters(progress);
            lineBatches = new LineBatches(progress, checkpoints, deadLetters, settings.flag(Settings.SKIP_EMPTY_LINES),
                    maxLineBytes(kafka), settings.flag(Settings.FORCE), !watch);
            progress.addListener(new ConsoleProgress(terminal ? out : null, Duration.ofSeconds(10)));
            camel.configure().addConfiguration(new ShipperConfiguration(progress, lineBatches, checkpoints,
                    deadLetters, senderThreads,
                    bootstrap, kafka, progressInterval, watch ? null : camel::completed));
            camel.configure().addRoutesBuilder(new FileOutcomes(watch, progress));
            if (broker != null) {
                EmbeddedKafka started = broker;
                camel.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                    @Override
                    public void afterStop(org.apache.camel.main.BaseMainSupport m) {
                        started.stop();
                    }
                });
            }
            out.println("Shipping " + (standardInput ? "standard input"
                    : (watch ? "new files matching " : files.size() + " file(s) matching ") + pattern)
                    + " to topic " + settings.get(Settings.TOPIC) + " at " + bootstrap);
            main = camel;
            camel.run();

            ShippingProgress.Snapshot summary = progress.finish();
            out.print(summary.summary());
            int expected = standardInput ? 1 : files.size();
            if (summary.interrupted()) {
                out.println("Processing interrupted: " + summary.filesDone() + " of "
                        + (watch ? summary.filesStarted() : expected) + " file(s) shipped completely");
                return EXIT_INTERRUPTED;
            }
            if (summary.filesFailed() > 0 || (!watch && summary.filesDone() < expected)) {
                out.println("Processing failed: " + (watch ? summary.filesFailed() : expected - summary.filesDone())
                        + " of " + (watch ? summary.filesStarted() : expected) + " file(s) not shipped completely");
                return EXIT_FAILED;
            }
            if (summary.linesRejected() > 0) {
                out.println("Processing complete, but " + String.format("%,d", summary.linesRejected())
                        + " line(s) went to the dead letters (" + settings.get(Settings.DEAD_LETTERS) + ")");
                return EXIT_DEAD_LETTERS;
            }
            out.println("Processing complete");
            return EXIT_OK;
        } catch (SettingsException e) {
            err.println(e.getMessage());
            return EXIT_BAD_SETTINGS;
        } catch (KafkaConnectionException e) {
            err.println(e.getMessage());
            return EXIT_KAFKA_CONNECTION;
        } catch (Exception e) {
            err.println("log2kafka failed: " + KafkaClientSettings.hideSecrets(Failures.sentence(e), kafka));
            return EXIT_FAILED;
        } finally {
            if (broker != null) {
                broker.stop();
            }
            out.flush();
            finished.countDown();
        }
    }

    /** Adds a listener to the run's progress events; call before {@link #run}. */
    public void addProgressListener(ProgressListener listener) {
        progress.addListener(listener);
    }

    /** Ends a run as if it were complete: watch mode's normal way to stop when embedded in another program. */
    public void stop() {
        Main running = main;
        if (running != null) {
            running.completed();
        }
    }

    /** The files a one-shot run will ship, after checking that they exist and can be read. */
    private static List<Path> checkInput(FilePattern pattern, boolean watch) throws IOException {
        if (!Files.isDirectory(pattern.directory())) {
            throw new SettingsException("Directory " + pattern.directory() + " of pattern " + pattern
                    + " does not exist.");
        }
        if (watch) {
            return List.of();
        }
        List<Path> files = pattern.matchingFiles();
        if (files.isEmpty()) {
            throw new SettingsException("No file matches " + pattern + ".");
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                in.read();
            } catch (IOException e) {
                throw new SettingsException("File " + file + " cannot be read: " + reason(e) + ".");
            }
        }
        return files;
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "it does not exist (a broken link?)";
        }
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    /**
     * The longest line that fits in a record: the producer's max.request.size less the overhead of a batch of one
     * record (61 bytes of batch header, at most 21 of record framing; no key, no headers), rounded up for safety.
     */
    static int maxLineBytes(Map<String, String> kafka) {
        String maxRequestSize = kafka.getOrDefault("max.request.size", "1048576");
        try {
            return Integer.parseInt(maxRequestSize.trim()) - 128;
        } catch (NumberFormatException e) {
            throw new SettingsException("Kafka properties file: max.request.size must be a number of bytes, not '"
                    + maxRequestSize + "'.");
        }
    }

    /** Which source route runs, and the file consumer options of each mode, as the routes' properties. */
    private static Map<String, String> sourceProperties(FilePattern pattern, boolean watch, boolean standardInput) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("log2kafka.read-files", Boolean.toString(!standardInput));
        p.put("log2kafka.read-stdin", Boolean.toString(standardInput));
        p.put("log2kafka.directory", pattern.directory().toAbsolutePath().normalize().toString());
        p.put("log2kafka.include", pattern.include());
        p.put("log2kafka.recursive", Boolean.toString(pattern.recursive()));
        p.put("log2kafka.noop", Boolean.toString(!watch));
        if (watch) {
            p.put("log2kafka.move", ".done");
            p.put("log2kafka.move-failed", ".failed");
            p.put("log2kafka.read-lock", "changed");
        } else {
            p.put("log2kafka.read-lock", "none");
        }
        return p;
    }
}
