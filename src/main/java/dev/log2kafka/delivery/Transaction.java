package dev.log2kafka.delivery;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import dev.log2kafka.source.LineBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;

/**
 * Exactly once: what one Kafka transaction holds, as the Iterable body camel-kafka sends record by record: the lines of
 * the next batches of one source, at least {@code lines} of them unless the source ends first, then the checkpoint
 * after them, a record of the checkpoints topic (its topic and key set as camel-kafka's per-message headers). The
 * batches are read as camel-kafka iterates, so a transaction is never in memory whole; they are kept without their
 * lines for {@link ShippingSteps#committed}.
 */
public final class Transaction implements Iterable<Message> {

    private final Iterator<LineBatch> reader;
    private final int lines;
    private final Checkpoints checkpoints;
    private final DeadLetters deadLetters;
    private final String checkpointsTopic;
    private final CamelContext context;
    private final List<LineBatch> batches = new ArrayList<>();
    private Map.Entry<String, byte[]> checkpoint;

    Transaction(Iterator<LineBatch> reader, int lines, Checkpoints checkpoints, DeadLetters deadLetters,
            String checkpointsTopic, CamelContext context) {
        this.reader = reader;
        this.lines = lines;
        this.checkpoints = checkpoints;
        this.deadLetters = deadLetters;
        this.checkpointsTopic = checkpointsTopic;
        this.context = context;
    }

    /** The checkpoint record it ends with, as key and value; null until it was sent. */
    public Map.Entry<String, byte[]> checkpoint() {
        return checkpoint;
    }

    /** The batches sent, without their lines. */
    public List<LineBatch> batches() {
        return Collections.unmodifiableList(batches);
    }

    @Override
    public Iterator<Message> iterator() {
        return new Iterator<>() {
            private Iterator<? extends Message> current = Collections.emptyIterator();
            private LineBatch last;
            private long read;
            private boolean checkpointSent;

            @Override
            public boolean hasNext() {
                while (!current.hasNext()) {
                    if (read >= lines || !reader.hasNext()) {
                        return last != null && !checkpointSent;
                    }
                    LineBatch batch = reader.next();
                    batches.add(batch.withoutLines());
                    read += batch.lineCount();
                    last = batch;
                    // its lines, then the dead letters of lines up to its last (exactly once to a topic)
                    List<Message> letters = deadLetters.heldUpTo(batch.source(), batch.lastLine());
                    if (letters.isEmpty()) {
                        current = batch.iterator();
                    } else {
                        List<Message> records = new ArrayList<>(batch.lines());
                        records.addAll(letters);
                        current = records.iterator();
                    }
                }
                return true;
            }

            @Override
            public Message next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                if (current.hasNext()) {
                    return current.next();
                }
                checkpointSent = true;
                checkpoint = checkpoints.inTransaction(last);
                Message record = new DefaultMessage(context);
                record.setHeader(KafkaConstants.OVERRIDE_TOPIC, checkpointsTopic);
                record.setHeader(KafkaConstants.KEY, checkpoint.getKey());
                record.setBody(checkpoint.getValue());
                return record;
            }
        };
    }

    @Override
    public String toString() {
        return batches.isEmpty() ? "an empty transaction" : batches.get(0).source() + " lines "
                + batches.get(0).firstLine() + "-" + batches.get(batches.size() - 1).lastLine();
    }
}
