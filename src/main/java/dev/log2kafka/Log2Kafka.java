package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.apache.camel.main.Main;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start class: `java -jar log2kafka.jar --files '/var/log/*.log' --topic logs`. Resolves the settings, checks
 * the input before anything starts, runs Camel Main with the routes in `routes/`, and prints the summary.
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

    private static final Logger LOG = LoggerFactory.getLogger(Log2Kafka.class);

    private static final String ROUTES_PATTERN = "camel.main.routes-include-pattern";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private volatile Main main;

    public Log2Kafka(PrintStream out, PrintStream err, Map<String, String> environment) {
        this.out = out;
        this.err = err;
        this.environment = environment;
    }

    public static void main(String[] args) {
        System.exit(new Log2Kafka(System.out, System.err, System.getenv()).run(args));
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
            boolean watch = settings.flag(Settings.WATCH);
            int batchSize = settings.positiveInt(Settings.BATCH_SIZE);
            Duration connectTimeout = Duration.ofSeconds(settings.positiveInt(Settings.CONNECT_TIMEOUT));
            int senderThreads = settings.flag(Settings.PARALLEL_PROCESSING)
                    ? settings.positiveInt(Settings.SENDER_THREADS) : 1;
            FilePattern pattern = FilePattern.parse(settings.get(Settings.FILES));
            ShippingProgress progress = new ShippingProgress();
            List<Path> files = checkInput(pattern, watch);
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
                throw new SettingsException("Kafka properties file " + settings.get(Settings.KAFKA_CONFIG)
                        + " does not set bootstrap.servers.");
            }
            KafkaConnectionCheck.verify(bootstrap, kafka, connectTimeout);

            main = new Main();
            main.configure().setBasePackageScanEnabled(false);
            main.setDefaultPropertyPlaceholderLocation(
                    "file:application.properties;optional=true,classpath:application.properties;optional=true");
            settings.asProperties().forEach(main::addOverrideProperty);
            fileConsumerProperties(pattern, watch).forEach(main::addOverrideProperty);
            // Set in code because Camel Main reads the property only after it has already scanned for routes with
            // the default pattern, which walks the whole jar (about a second of start-up).
            main.configure().setRoutesIncludePattern(Files.isDirectory(Path.of("routes"))
                    ? applicationProperties.getProperty(ROUTES_PATTERN, "file:routes/*.camel.yaml")
                    : "classpath:routes/ship-files.camel.yaml");
            main.addOverrideProperty(ROUTES_PATTERN, main.configure().getRoutesIncludePattern());
            main.configure().addConfiguration(new ShipperConfiguration(progress,
                    settings.flag(Settings.SKIP_EMPTY_LINES), senderThreads, bootstrap, kafka,
                    watch ? null : main::completed));
            main.configure().addRoutesBuilder(new FileOutcomes(watch));
            if (broker != null) {
                EmbeddedKafka started = broker;
                main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
                    @Override
                    public void afterStop(org.apache.camel.main.BaseMainSupport m) {
                        started.stop();
                    }
                });
            }
            out.println("Shipping " + (watch ? "new files matching " : files.size() + " file(s) matching ") + pattern
                    + " to topic " + settings.get(Settings.TOPIC) + " at " + bootstrap);
            main.run();
            progress.finish();

            ShippingProgress.Snapshot summary = progress.snapshot();
            out.print(summary.summary());
            if (summary.filesFailed() > 0 || (!watch && summary.filesDone() < files.size())) {
                out.println("Processing failed: " + (files.size() - summary.filesDone()) + " of " + files.size()
                        + " file(s) not shipped completely");
                return EXIT_FAILED;
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
        }
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

    /** The file consumer options of each mode, as the `log2kafka.*` properties the YAML route uses. */
    private static Map<String, String> fileConsumerProperties(FilePattern pattern, boolean watch) {
        Map<String, String> p = new LinkedHashMap<>();
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
