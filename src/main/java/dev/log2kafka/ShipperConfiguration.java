package dev.log2kafka;

import java.util.Map;
import java.util.concurrent.ExecutorService;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Wires the Java side into Camel: the beans the YAML routes refer to (`lineBatches`, `senders`), the progress route
 * policy, and the Kafka client settings on the kafka component.
 */
public final class ShipperConfiguration implements CamelConfiguration {

    private final ShippingProgress progress;
    private final LineBatches lineBatches;
    private final Checkpoints checkpoints;
    private final DeadLetters deadLetters;
    private final int senderThreads;
    private final String bootstrapServers;
    private final Map<String, String> kafkaClientSettings;
    private final Runnable whenAllFilesDone;
    private final long progressIntervalMillis;

    /**
     * @param senderThreads     threads of the `senders` pool the Split EIP sends batches from; 1 keeps file order
     * @param bootstrapServers  where the producer connects
     * @param kafkaClientSettings every other key of the Kafka properties file, passed to the producer as is
     * @param progressIntervalMillis time between two progress events
     * @param whenAllFilesDone  run when a one-shot run has shipped its last file; null in watch mode
     */
    public ShipperConfiguration(ShippingProgress progress, LineBatches lineBatches, Checkpoints checkpoints,
            DeadLetters deadLetters, int senderThreads,
            String bootstrapServers, Map<String, String> kafkaClientSettings, long progressIntervalMillis,
            Runnable whenAllFilesDone) {
        this.progressIntervalMillis = progressIntervalMillis;
        this.progress = progress;
        this.lineBatches = lineBatches;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.senderThreads = senderThreads;
        this.bootstrapServers = bootstrapServers;
        this.kafkaClientSettings = kafkaClientSettings;
        this.whenAllFilesDone = whenAllFilesDone;
    }

    @Override
    public void configure(CamelContext context) {
        context.getRegistry().bind("progress", progress);
        context.getRegistry().bind("lineBatches", lineBatches);
        deadLetters.setCamelContext(context);
        try {
            // a service of the context: checkpoints are written while it runs, and once more when it stops
            context.addService(checkpoints, true, true);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot start writing checkpoints in " + checkpoints.directory(), e);
        }
        ExecutorService senders = context.getExecutorServiceManager().newFixedThreadPool(this, "senders",
                senderThreads);
        context.getRegistry().bind("senders", senders);

        // The routes that consume a source (files, standard input) get the policy, whatever their ids.
        ProgressRoutePolicy policy = new ProgressRoutePolicy(progress, lineBatches, progressIntervalMillis,
                whenAllFilesDone);
        context.addRoutePolicyFactory(new RoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
                String from = ((RouteDefinition) route).getInput().getEndpointUri();
                return from.startsWith("file:") || from.startsWith("timer:stdin") ? policy : null;
            }
        });

        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers(bootstrapServers);
        kafka.getConfiguration().getAdditionalProperties().putAll(kafkaClientSettings);
    }
}
