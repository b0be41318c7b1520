package dev.log2kafka;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.Settings;
import dev.log2kafka.cli.SettingsException;
import dev.log2kafka.kafka.EmbeddedKafka;
import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import dev.log2kafka.kafka.KafkaConnectionException;
import dev.log2kafka.progress.ConsoleProgress;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.SourceMode;
import org.apache.camel.main.Main;

/**
 * One run, in order: the {@link Preflight} checks, the embedded broker if asked for, Camel started with the routes by
 * {@link CamelWiring}, and the {@link RunReport} once Camel has stopped.
 */
final class ShippingRun implements Callable<ExitCode> {

    private final Options options;
    private final Settings settings;
    private final Map<String, String> environment;
    private final RunCounters counters;
    private final PrintStream out;
    private final boolean terminal;
    private final SourceMode mode;
    private volatile Main camel;
    private volatile CamelWiring wiring;

    ShippingRun(Options options, Settings settings, Map<String, String> environment, RunCounters counters,
            PrintStream out, boolean terminal) {
        this.options = options;
        this.settings = settings;
        this.environment = environment;
        this.counters = counters;
        this.out = out;
        this.terminal = terminal;
        this.mode = options.mode();
    }

    /**
     * @throws SettingsException        a setting or the input is wrong; nothing was sent
     * @throws KafkaConnectionException Kafka cannot be reached or refuses the credentials; nothing was sent
     */
    @Override
    public ExitCode call() throws Exception {
        FilePattern pattern = FilePattern.parse(mode == SourceMode.STANDARD_INPUT ? "./-" : options.files());
        List<Path> files = Preflight.inputFiles(pattern, mode);
        for (Path file : files) {
            counters.expect(java.nio.file.Files.size(file));
        }
        Map<String, String> kafka = Preflight.kafkaClientSettings(options, environment);
        String bootstrap = kafka.remove("bootstrap.servers");
        EmbeddedKafka broker = null;
        try {
            if (options.embeddedKafka()) {
                broker = new EmbeddedKafka();
                broker.start();
                bootstrap = broker.bootstrapServers();
                broker.createTopic(options.topic(), 1);
                out.println("Embedded Kafka broker listening on " + bootstrap + " (data in " + broker.dataDirectory()
                        + ", removed at exit)");
            } else if (bootstrap == null || bootstrap.isBlank()) {
                throw new SettingsException("Kafka properties file " + options.kafkaConfig()
                        + " does not set bootstrap.servers.");
            }
            KafkaConnectionCheck.verify(bootstrap, kafka, Duration.ofSeconds(options.connectTimeout()));

            // The embedded broker's topics go with it at exit, so its checkpoints must too.
            Path stateDir = broker != null && options.stateDirIsDefault()
                    ? broker.dataDirectory().resolve("log2kafka-state") : options.stateDir();
            counters.addListener(new ConsoleProgress(terminal ? out : null, Duration.ofSeconds(10)));
            wiring = new CamelWiring(options, mode, counters, stateDir, bootstrap, kafka, broker);
            camel = wiring.main(settings.forCamel(routeProperties(options)));
            out.println("Shipping " + (mode == SourceMode.STANDARD_INPUT ? "standard input"
                    : (mode == SourceMode.WATCH ? "new files matching " : files.size() + " file(s) matching ")
                            + pattern) + " to topic " + options.topic() + " at " + bootstrap);
            camel.run();
            return RunReport.print(counters.finish(), mode, files.size(), options.deadLetters(), out);
        } catch (SettingsException | KafkaConnectionException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(KafkaClientSettings.hideSecrets(Sentences.sentence(e), kafka), e);
        } finally {
            if (broker != null) {
                broker.stop();
            }
        }
    }

    /**
     * The settings as the routes read them: every option, and what is computed from them: the mode, and --files as
     * the directory and Ant-style include of the file consumer.
     */
    static Map<String, String> routeProperties(Options options) {
        SourceMode mode = options.mode();
        FilePattern pattern = FilePattern.parse(mode == SourceMode.STANDARD_INPUT ? "./-" : options.files());
        Map<String, String> properties = new LinkedHashMap<>(options.asProperties());
        properties.put("log2kafka.mode", mode.id());
        properties.put("log2kafka.directory", pattern.directory().toAbsolutePath().normalize().toString());
        properties.put("log2kafka.include", pattern.include());
        properties.put("log2kafka.recursive", Boolean.toString(pattern.recursive()));
        return properties;
    }

    /**
     * Ctrl-C or SIGTERM: a run that ends with its input stops reading, lets the batches in flight be acknowledged,
     * and reports; a watcher finishes the file being shipped (within camel.main.shutdown-timeout).
     */
    void interrupt() {
        Main running = camel;
        if (running == null) {
            return;
        }
        counters.interrupted();
        if (mode.endsWithItsInput()) {
            wiring.shipping().stop();
        }
        running.completed();
    }

    /** Ends the run as if it were complete. */
    void stop() {
        Main running = camel;
        if (running != null) {
            running.completed();
        }
    }
}
