package dev.log2kafka;

import dev.log2kafka.kafka.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka broker for the tests of one class: `@RegisterExtension static final Broker BROKER = new Broker();`
 * starts an {@link EmbeddedKafka} before the class's first test and stops it, deleting its data, after the last.
 */
final class Broker implements BeforeAllCallback, AfterAllCallback {

    private final EmbeddedKafka kafka = new EmbeddedKafka();

    String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        kafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        kafka.stop();
    }
}
