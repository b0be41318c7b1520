package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import dev.log2kafka.cli.Options;
import dev.log2kafka.delivery.Checkpoints;
import dev.log2kafka.delivery.DeadLetters;
import dev.log2kafka.delivery.Refusals;
import dev.log2kafka.delivery.LineLimit;
import dev.log2kafka.delivery.ShippingErrors;
import dev.log2kafka.delivery.ShippingSteps;
import dev.log2kafka.kafka.EmbeddedKafka;
import dev.log2kafka.kafka.KafkaConnectionCheck;
import dev.log2kafka.progress.Metrics;
import dev.log2kafka.progress.ProgressRoutePolicy;
import dev.log2kafka.progress.RunCounters;
import dev.log2kafka.progress.StallWatch;
import dev.log2kafka.service.HttpEndpoints;
import dev.log2kafka.service.KafkaHealthCheck;
import dev.log2kafka.service.StallHealthCheck;
import dev.log2kafka.source.Follower;
import dev.log2kafka.source.InputFiles;
import dev.log2kafka.source.LateWrites;
import dev.log2kafka.source.SourceMode;
import dev.log2kafka.source.SpoolNames;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.file.cluster.FileLockClusterService;
import org.apache.camel.component.kafka.DefaultKafkaClientFactory;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.health.HealthCheckRegistry;
import org.apache.camel.impl.cluster.ClusteredRoutePolicy;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.DefaultMainShutdownStrategy;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.apache.camel.health.HealthCheck.State.UP;

/**
 * Puts log2kafka together with Camel Main: the resolved settings as the only properties Camel sees, the routes of
 * `routes/`, the beans those routes name (`inputFiles`, `shipping`, `shippingErrors`, `spool`, `progress`, `follow`),
 * the checkpoint writer as a service of the context, follow mode's {@link StallWatch}, and the Kafka connection on the
 * kafka component.
 */
final class CamelWiring implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(CamelWiring.class);
    /** The cluster namespace of --cluster-lock: one lock for the source routes. */
    private static final String CLUSTER_NAMESPACE = "log2kafka";
    /** How often a standby tries the cluster lock (and the leader proves it is alive). */
    private static final long CLUSTER_LOCK_INTERVAL_SECONDS = 2;

    private static final String ROUTES = "camel.main.routes-include-pattern";

    private final SourceMode mode;
    private final InputFiles inputFiles;
    private final LateWrites lateWrites = new LateWrites();
    private final String topic;
    /** The largest record batch the topic takes (max.message.bytes); null if not known. */
    private final Integer topicMaxMessageBytes;
    private final Path kafkaConfig;
    private final String bootstrapServers;
    private final Map<String, String> kafkaClientSettings;
    private final EmbeddedKafka broker;
    private final RunCounters counters;
    private final Checkpoints checkpoints;
    private final DeadLetters deadLetters;
    private final Refusals refusals;
    private final ShippingSteps shipping;
    private final ShippingErrors shippingErrors;
    private final Follower follower;
    /** Follow mode: whether the follower makes progress; null in the other modes. */
    private final StallWatch stallWatch;
    private final HttpServer httpServer;
    private final Path clusterLock;
    private final KafkaHealthCheck kafkaHealth;
    private final int progressInterval;
    private Main main;

    /**
     * @param inputFiles          the files the file consumers take
     * @param cluster             the Kafka cluster (its id, which checkpoints belong to with the topic) and the largest
     *                            record batch the topic takes
     * @param lineLimit           longer lines go to the dead letters
     * @param bootstrapServers    where the producer connects
     * @param kafkaClientSettings every other key of the Kafka properties file, passed to the producer as is
     * @param broker              the embedded broker, stopped with Camel; null if there is none
     * @param httpServer          bound to --http-port for health and metrics; null if there is none
     * @param committedCheckpoints exactly once: the checkpoints Kafka has committed; null otherwise
     */
    CamelWiring(Options options, SourceMode mode, InputFiles inputFiles, RunCounters counters, Path stateDir,
            KafkaConnectionCheck.Cluster cluster, LineLimit lineLimit, String bootstrapServers, Map<String, String> kafkaClientSettings,
            EmbeddedKafka broker, HttpServer httpServer, Map<String, byte[]> committedCheckpoints) {
        this.httpServer = httpServer;
        this.clusterLock = options.clusterLock();
        this.kafkaHealth = new KafkaHealthCheck(bootstrapServers, kafkaClientSettings);
        this.inputFiles = inputFiles;
        this.topic = options.topic();
        this.topicMaxMessageBytes = cluster.maxMessageBytes();
        this.mode = mode;
        this.kafkaConfig = options.kafkaConfig();
        this.bootstrapServers = bootstrapServers;
        this.kafkaClientSettings = kafkaClientSettings;
        this.broker = broker;
        this.counters = counters;
        this.progressInterval = options.progressInterval();
        this.checkpoints = new Checkpoints(stateDir, cluster.id() + "/" + options.topic(), options.checkpointInterval(),
                committedCheckpoints);
        this.deadLetters = new DeadLetters(counters, options.exactlyOnce()
                ? DeadLetters.transactionTopic(options.deadLetters()) : null);
        this.refusals = new Refusals(deadLetters);
        this.shipping = new ShippingSteps(counters, checkpoints, deadLetters, options.skipEmptyLines(),
                lineLimit, options.force(), options.exactlyOnce() ? options.checkpointsTopic() : null, lateWrites);
        // main is set by then: nothing fails before Camel runs
        this.shippingErrors = new ShippingErrors(counters, options.topic(), mode, () -> main.completed());
        this.follower = new Follower(options.pattern(), counters, shipping);
        this.stallWatch = mode == SourceMode.FOLLOW
                ? new StallWatch(follower::lagBytes, counters, options.stallTimeout(), System::nanoTime) : null;
    }

    /**
     * A Camel Main that sees {@code properties} and nothing else: no lookup in the environment or the system
     * properties, no application.properties of its own.
     */
    Main main(Properties properties) {
        main = new Main();
        main.configure().setBasePackageScanEnabled(false);
        main.configure().setAutoConfigurationEnvironmentVariablesEnabled(false);
        main.configure().setAutoConfigurationSystemPropertiesEnabled(false);
        main.setDefaultPropertyPlaceholderLocation("false");
        // Ctrl-C and SIGTERM are handled by Log2Kafka, which needs the run to go on to its summary.
        ((DefaultMainShutdownStrategy) main.getShutdownStrategy()).disableHangupSupport();
        // The user's routes/ if there is one, else the jar's copy. Set in code too, because Camel Main reads the
        // property only after it has scanned for routes with its default pattern, which walks the whole jar.
        String routes = Files.isDirectory(Path.of("routes"))
                ? properties.getProperty(ROUTES, "file:routes/*.camel.yaml") : "classpath:routes/ship-files.camel.yaml";
        properties.setProperty(ROUTES, routes);
        main.configure().setRoutesIncludePattern(routes);
        main.setInitialProperties(properties);
        main.configure().addConfiguration(this);
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterConfigure(BaseMainSupport configured) {
                // the kafka component now has every setting, and no route has started
                Preflight.producerSettings(configured.getCamelContext().getComponent("kafka", KafkaComponent.class)
                        .getConfiguration(), kafkaClientSettings, kafkaConfig, topic, topicMaxMessageBytes);
                if (httpServer != null) {
                    // Camel Main has set up its health checks (camel.health.*) by now
                    HealthCheckRegistry.get(configured.getCamelContext()).register(kafkaHealth);
                    if (stallWatch != null) {
                        HealthCheckRegistry.get(configured.getCamelContext())
                                .register(new StallHealthCheck(stallWatch));
                    }
                }
            }
        });
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void beforeStop(BaseMainSupport stopping) {
                // a follow tick waiting for a file to change ends now, so that the route stops at once
                follower.stopWaiting();
            }

            @Override
            public void afterStop(BaseMainSupport stopped) {
                follower.close();
            }
        });
        if (broker != null) {
            main.addMainListener(new MainListenerSupport() {
                @Override
                public void afterStop(BaseMainSupport stopped) {
                    broker.stop();
                }
            });
        }
        return main;
    }

    Checkpoints checkpoints() {
        return checkpoints;
    }

    /** Why a failure ended the run (exactly once), or null. */
    ShippingErrors.Stop stop() {
        return shippingErrors.stop();
    }

    @BindToRegistry("shipping")
    public ShippingSteps shipping() {
        return shipping;
    }

    @BindToRegistry("inputFiles")
    public InputFiles inputFiles() {
        return inputFiles;
    }

    @BindToRegistry("spool")
    public SpoolNames spool() {
        return new SpoolNames(lateWrites);
    }

    @BindToRegistry("lateWrites")
    public LateWrites lateWrites() {
        return lateWrites;
    }

    @BindToRegistry("follow")
    public Follower follow() {
        return follower;
    }

    /**
     * The route policy `leader` of the watch and follow routes: with --cluster-lock, Camel's clustered route policy,
     * which starts them only in the instance that holds the lock of camel-file's file-lock cluster service (see
     * {@link #configure}); without, every instance is the leader.
     */
    @BindToRegistry("leader")
    public RoutePolicy leader() throws Exception {
        if (clusterLock == null) {
            return new RoutePolicySupport() {
            };
        }
        ClusteredRoutePolicy policy = ClusteredRoutePolicy.forNamespace(CLUSTER_NAMESPACE);
        policy.setInitialDelay(Duration.ZERO);
        return policy;
    }

    @BindToRegistry("shippingErrors")
    public ShippingErrors shippingErrors() {
        return shippingErrors;
    }

    @BindToRegistry("refusals")
    public Refusals refusals() {
        return refusals;
    }

    /** The route policy of the routes that read a source; a run that ends with its input ends after the last. */
    @BindToRegistry("progress")
    public ProgressRoutePolicy progress() {
        return new ProgressRoutePolicy(counters, shipping, progressInterval,
                mode.endsWithItsInput() ? main::completed : null, mode != SourceMode.FOLLOW);
    }

    @Override
    public void configure(CamelContext context) throws Exception {
        deadLetters.setCamelContext(context);
        checkpoints.setCamelContext(context);
        // a service of the context: checkpoints are written while it runs, and once more when it stops
        context.addService(checkpoints, true, true);
        if (clusterLock != null) {
            // the lock is a file in the directory: held by one instance at a time, let go when its process ends
            FileLockClusterService cluster = new FileLockClusterService();
            cluster.setRoot(clusterLock.toString());
            cluster.setAcquireLockDelay(1, TimeUnit.SECONDS);
            cluster.setAcquireLockInterval(CLUSTER_LOCK_INTERVAL_SECONDS, TimeUnit.SECONDS);
            context.addService(cluster);
        }
        if (stallWatch != null) {
            context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "stall-watch")
                    .scheduleWithFixedDelay(stallWatch::check, 1, 1, TimeUnit.SECONDS);
        }
        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers(bootstrapServers);
        kafka.getConfiguration().getAdditionalProperties().putAll(kafkaClientSettings);
        if (httpServer != null) {
            serveHealthAndMetrics(context, kafka);
        }
    }

    /**
     * --http-port: Camel's health checks with a Kafka readiness check, and the metrics, the Kafka producer's
     * included (the producer camel-kafka makes is handed to them as it is made).
     */
    private void serveHealthAndMetrics(CamelContext context, KafkaComponent kafka) throws Exception {
        Metrics metrics = new Metrics(counters, mode == SourceMode.FOLLOW ? follower::lagBytes
                : checkpoints::lagBytes, checkpoints::ageNanos, () -> kafkaHealth.call().getState() == UP);
        if (stallWatch != null) {
            metrics.follow(stallWatch::stalled, follower::size);
        }
        if (mode == SourceMode.WATCH) {
            metrics.watchUnshippedBytes(lateWrites::unshippedBytes);
        }
        kafka.setKafkaClientFactory(new DefaultKafkaClientFactory() {
            @Override
            public Producer getProducer(Properties kafkaProps) {
                Producer producer = super.getProducer(kafkaProps);
                metrics.producer(producer);
                return producer;
            }
        });
        HttpEndpoints http = new HttpEndpoints(httpServer, metrics::scrape);
        http.setCamelContext(context);
        context.addService(http, true, true);
        LOG.info("Health at http://localhost:{}/observe/health (and /live, /ready), metrics at /observe/metrics",
                http.port());
    }
}
