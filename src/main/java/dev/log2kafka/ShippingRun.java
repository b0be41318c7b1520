package dev.log2kafka;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.sun.net.httpserver.HttpServer;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.Settings;
import dev.log2kafka.cli.SettingsException;
import dev.log2kafka.delivery.StateLock;
import dev.log2kafka.kafka.CheckpointsTopic;
import dev.log2kafka.kafka.EmbeddedKafka;
import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import dev.log2kafka.kafka.KafkaConnectionException;
import dev.log2kafka.progress.ConsoleProgress;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.service.HttpEndpoints;
import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.InputFiles;
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
    private final AtomicBoolean reported = new AtomicBoolean();
    private volatile Main camel;
    private volatile CamelWiring wiring;
    private volatile int files;

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
        FilePattern pattern = options.pattern();
        Preflight.senderQueue(options.batchSize(), options.senderThreads());
        List<Path> inputFiles = Preflight.inputFiles(pattern, mode);
        // followed files grow: there is no 100 %
        for (Path file : mode == SourceMode.FOLLOW ? List.<Path>of() : inputFiles) {
            counters.expect(Files.size(file));
        }
        files = inputFiles.size();
        Map<String, String> kafka = Preflight.kafkaClientSettings(options, environment);
        String bootstrap = kafka.remove("bootstrap.servers");
        EmbeddedKafka broker = null;
        StateLock stateLock = null;
        // bound before anything starts: a port in use is a setting to change
        HttpServer http = options.httpPort() == null ? null : HttpEndpoints.bind(options.httpPort());
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
            // The embedded broker's topics go with it at exit, so its checkpoints must too.
            Path stateDir = broker != null && options.stateDirIsDefault()
                    ? broker.dataDirectory().resolve("log2kafka-state") : options.stateDir();
            if (mode == SourceMode.STANDARD_INPUT) {
                // standard input has no checkpoints, so two pipes may run side by side
                stateLock = null;
            } else if (options.clusterLock() != null) {
                // instances under one cluster lock share the state directory: the lock decides which one ships
                StateLock.writable(stateDir);
            } else {
                stateLock = StateLock.acquire(stateDir);
            }
            KafkaConnectionCheck.Cluster cluster = KafkaConnectionCheck.verify(bootstrap, kafka,
                    Duration.ofSeconds(options.connectTimeout()), options.topic());
            // exactly once: where each file resumes is what Kafka has committed, not the state directory
            Map<String, byte[]> committed = options.exactlyOnce() ? CheckpointsTopic.read(bootstrap, kafka,
                    options.checkpointsTopic(), Duration.ofSeconds(options.connectTimeout())) : null;
            counters.addListener(new ConsoleProgress(terminal ? out : null, Duration.ofSeconds(10)));
            wiring = new CamelWiring(options, mode, new InputFiles(pattern, mode == SourceMode.ONE_SHOT ? inputFiles
                    : null),
                    counters, stateDir, cluster, Preflight.lineLimit(kafka, cluster, options.topic()), bootstrap,
                    kafka, broker, http, committed);
            if (mode == SourceMode.FOLLOW && options.clusterLock() == null) {
                // the files are held from here on: one rotated away before the first tick is still read to its end
                files = wiring.follow().start();
            }
            camel = wiring.main(settings.forCamel(routeProperties(options, stateDir)));
            out.println("Shipping " + (mode == SourceMode.STANDARD_INPUT ? "standard input"
                    : (mode == SourceMode.WATCH ? "new files matching " : mode == SourceMode.FOLLOW
                            ? "and following " + files + " file(s) matching " : files + " file(s) matching ")
                            + pattern) + " to topic " + options.topic() + " at " + bootstrap);
            camel.run();
            return report();
        } catch (SettingsException | KafkaConnectionException | StateLock.InUseException e) {
            throw e;
        } catch (Exception e) {
            SettingsException wrong = Sentences.causeOfType(e, SettingsException.class);
            if (wrong != null) {
                throw wrong;
            }
            throw new IllegalStateException(KafkaClientSettings.hideSecrets(Sentences.sentence(e), kafka), e);
        } finally {
            if (http != null) {
                http.stop(0);
            }
            if (stateLock != null) {
                stateLock.close();
            }
            if (broker != null) {
                broker.stop();
            }
        }
    }

    /**
     * The settings as the routes read them: every option, and what is computed from them: the mode, the directory of
     * --files and whether its pattern goes below it, the batches the senders' queue holds, and the transactional id.
     */
    static Map<String, String> routeProperties(Options options, Path stateDir) {
        SourceMode mode = options.mode();
        FilePattern pattern = options.pattern();
        Map<String, String> properties = new LinkedHashMap<>(options.asProperties());
        properties.put("log2kafka.mode", mode.id());
        properties.put("log2kafka.directory", pattern.directory().toAbsolutePath().normalize().toString());
        properties.put("log2kafka.recursive", Boolean.toString(pattern.recursive()));
        properties.put("log2kafka.sender-queue",
                Integer.toString(Preflight.senderQueue(options.batchSize(), options.senderThreads())));
        properties.put("log2kafka.transactional-id", options.transactionalId(stateDir));
        return properties;
    }

    /** The summary and the exit code, once: by the run when Camel has stopped, or by {@link #abandon()}. */
    private ExitCode report() {
        if (!reported.compareAndSet(false, true)) {
            return ExitCode.INTERRUPTED;
        }
        return RunReport.print(counters.finish(), mode, files, options.deadLetters(),
                wiring.checkpoints().notCurrent(), wiring.stop(), out);
    }

    /**
     * Ends a run that did not stop within --stop-timeout of Ctrl-C or SIGTERM (Kafka does not acknowledge the
     * batches in flight): writes the checkpoints as far as Kafka acknowledged, and reports. The caller then ends
     * the process.
     */
    ExitCode abandon() {
        CamelWiring wired = wiring;
        if (wired == null) {
            return ExitCode.INTERRUPTED;
        }
        saveCheckpoints();
        out.println("Stopped after " + options.stopTimeout() + " s without the acknowledgements of the lines in"
                + " flight; they count as not sent, and the next run sends them.");
        return report();
    }

    /** Writes the checkpoints of the files being shipped as far as Kafka acknowledged. */
    void saveCheckpoints() {
        CamelWiring wired = wiring;
        if (wired != null) {
            wired.checkpoints().saveAll();
        }
    }

    /**
     * Ctrl-C or SIGTERM: a run that ends with its input stops reading, lets the batches in flight be acknowledged,
     * and reports; a watcher finishes the file being shipped. Either way within --stop-timeout (see
     * {@link #abandon()}).
     */
    void interrupt() {
        Main running = camel;
        if (running == null) {
            return;
        }
        counters.interrupted();
        if (mode.stopsReadingAtOnce()) {
            wiring.shipping().stop();
        }
        running.completed();
    }

    int stopTimeoutSeconds() {
        return options.stopTimeout();
    }

    boolean started() {
        Main running = camel;
        return running != null && running.getCamelContext() != null && running.getCamelContext().isStarted();
    }

    /** Ends the run as if it were complete. */
    void stop() {
        Main running = camel;
        if (running != null) {
            running.completed();
        }
    }
}
