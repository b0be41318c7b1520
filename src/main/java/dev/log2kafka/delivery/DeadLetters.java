package dev.log2kafka.delivery;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import dev.log2kafka.progress.RunCounters;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.ProducerTemplate;

/**
 * Where lines that Kafka will not take go, with their source, line number and the reason, so that none is lost
 * silently: the `dead-letters` route, which writes to {{log2kafka.dead-letters}} (a file by default, any Camel
 * endpoint such as a kafka topic if set). Each dead letter is one line: `source TAB line-number TAB reason TAB
 * the line's bytes as they were`, with the same values in the headers `log2kafka.source`, `log2kafka.line` and
 * `log2kafka.reason`.
 */
public final class DeadLetters implements CamelContextAware {

    public static final String ENDPOINT = "direct:dead-letters";

    private final RunCounters progress;
    private volatile CamelContext context;
    private ProducerTemplate template;

    public DeadLetters(RunCounters progress) {
        this.progress = progress;
    }

    @Override
    public CamelContext getCamelContext() {
        return context;
    }

    @Override
    public void setCamelContext(CamelContext context) {
        this.context = context;
    }

    private synchronized ProducerTemplate template() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /** Sends one line, read from {@code line}, to the dead letters and counts it as rejected; returns once written. */
    public void send(String source, long lineNumber, String reason, InputStream line) {
        byte[] prefix = (source + "\t" + lineNumber + "\t" + reason.replace('\t', ' ').replace('\n', ' ') + "\t")
                .getBytes(StandardCharsets.UTF_8);
        // a stream: a 50 MB line comes from a temporary file and is not held in memory on its way
        InputStream record = new SequenceInputStream(Collections.enumeration(List.of(new ByteArrayInputStream(prefix),
                line, new ByteArrayInputStream(new byte[] {'\n'}))));
        template().sendBodyAndHeaders(ENDPOINT, record, Map.of("log2kafka.source", source,
                "log2kafka.line", lineNumber, "log2kafka.reason", reason));
        progress.rejected(source, 1);
    }
}
