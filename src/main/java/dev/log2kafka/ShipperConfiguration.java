package dev.log2kafka;

import java.util.Map;
import java.util.concurrent.ExecutorService;

import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.NamedNode;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.spi.RoutePolicy;
import org.apache.camel.spi.RoutePolicyFactory;

/**
 * Wires the Java side into Camel: the beans the YAML routes refer to (`lineBatches`, `senders`), the route policy for
 * file routes, and the Kafka client settings on the kafka component.
 */
public final class ShipperConfiguration implements CamelConfiguration {

    private final ShippingProgress progress;
    private final boolean skipEmptyLines;
    private final int senderThreads;
    private final String bootstrapServers;
    private final Map<String, String> kafkaClientSettings;
    private final Runnable whenAllFilesDone;

    /**
     * @param senderThreads     threads of the `senders` pool the Split EIP sends batches from; 1 keeps file order
     * @param bootstrapServers  where the producer connects
     * @param kafkaClientSettings every other key of the Kafka properties file, passed to the producer as is
     * @param whenAllFilesDone  run when a one-shot run has shipped its last file; null in watch mode
     */
    public ShipperConfiguration(ShippingProgress progress, boolean skipEmptyLines, int senderThreads,
            String bootstrapServers, Map<String, String> kafkaClientSettings, Runnable whenAllFilesDone) {
        this.progress = progress;
        this.skipEmptyLines = skipEmptyLines;
        this.senderThreads = senderThreads;
        this.bootstrapServers = bootstrapServers;
        this.kafkaClientSettings = kafkaClientSettings;
        this.whenAllFilesDone = whenAllFilesDone;
    }

    @Override
    public void configure(CamelContext context) {
        context.getRegistry().bind("progress", progress);
        context.getRegistry().bind("lineBatches", new LineBatches(progress, skipEmptyLines));
        ExecutorService senders = context.getExecutorServiceManager().newFixedThreadPool(this, "senders",
                senderThreads);
        context.getRegistry().bind("senders", senders);

        ShippingRoutePolicy policy = new ShippingRoutePolicy(progress, whenAllFilesDone);
        context.addRoutePolicyFactory(new RoutePolicyFactory() {
            @Override
            public RoutePolicy createRoutePolicy(CamelContext camelContext, String routeId, NamedNode route) {
                String from = ((org.apache.camel.model.RouteDefinition) route).getInput().getEndpointUri();
                return from.startsWith("file:") ? policy : null;
            }
        });

        KafkaComponent kafka = context.getComponent("kafka", KafkaComponent.class);
        kafka.getConfiguration().setBrokers(bootstrapServers);
        kafka.getConfiguration().getAdditionalProperties().putAll(kafkaClientSettings);
    }
}
