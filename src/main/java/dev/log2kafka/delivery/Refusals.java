package dev.log2kafka.delivery;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

import dev.log2kafka.cli.Sentences;
import dev.log2kafka.source.Line;
import dev.log2kafka.source.LineBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A batch the kafka endpoint failed because the broker refused records for what they are (an invalid record, a
 * timestamp outside the topic's bounds, a record too large for it): the bean (`refusals`) that ship-lines calls then.
 * Retrying cannot change such an answer, so each refused line goes to the dead letters with the broker's reason, and
 * the rest of the batch is shipped: the broker refuses a whole producer batch when one of its records is invalid, so
 * the lines that were in it with the refused ones are sent again (each record with its own answer this time), until
 * every line is acknowledged or refused. Lines Kafka acknowledged the first time (camel-kafka writes each record's
 * result on its {@link Line}) are not sent again. Any other failure (a timeout, a fenced or closed producer) fails the
 * batch as before: a rerun resumes from the checkpoint.
 */
public final class Refusals {

    private static final Logger LOG = LoggerFactory.getLogger(Refusals.class);

    /** How many times the lines that shared a producer batch with refused ones are sent again. */
    static final int ROUNDS = 10;

    private final DeadLetters deadLetters;
    private ProducerTemplate template;

    public Refusals(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    private synchronized ProducerTemplate template(CamelContext context) {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }

    /**
     * Called in place of the kafka endpoint's failure: sends the batch's unacknowledged lines again to the endpoint
     * that failed, until each is acknowledged or went to the dead letters; rethrows a failure that is not a refusal.
     */
    public void resend(Exchange exchange) throws Exception {
        Exception failure = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (!refusalOrInnocent(failure)) {
            throw failure;
        }
        LineBatch batch = exchange.getIn().getBody(LineBatch.class);
        String endpoint = exchange.getProperty(Exchange.FAILURE_ENDPOINT, String.class);
        List<Line> open = batch.lines().stream().filter(line -> !line.acknowledged()).toList();
        int refused = 0;
        Exception reason = failure;
        for (int round = 0; !open.isEmpty(); round++) {
            if (round == ROUNDS) {
                throw new KafkaException(open.size() + " lines were still refused after " + ROUNDS + " tries: "
                        + Sentences.sentence(failure), failure);
            }
            // one exchange per line: camel-kafka sets each record's failure on the exchange it came from
            List<Exchange> records = new ArrayList<>(open.size());
            for (Line line : open) {
                Exchange record = new DefaultExchange(exchange.getContext());
                record.getIn().setBody(line.bytes());
                records.add(record);
            }
            template(exchange.getContext()).send(endpoint, resend -> resend.getIn().setBody(records));
            List<Line> again = new ArrayList<>();
            for (int i = 0; i < open.size(); i++) {
                Line line = open.get(i);
                Exception answer = records.get(i).getException();
                if (answer == null) {
                    line.acknowledge();
                } else if (refused(answer)) {
                    deadLetters.send(batch.source(), line.number(), "Kafka refused the record: " + answer.getMessage(),
                            new ByteArrayInputStream(line.bytes()));
                    line.refuse();
                    refused++;
                    reason = answer;
                } else if (innocent(answer)) {
                    again.add(line);
                } else {
                    throw answer;
                }
            }
            open = again;
        }
        // every line is acknowledged or in the dead letters: the batch did not fail
        exchange.removeProperty(Exchange.EXCEPTION_CAUGHT);
        LOG.atWarn().addKeyValue("file", batch.source()).addKeyValue("lines", batch.firstLine() + "-"
                + batch.lastLine()).log("File {} lines {}-{}: Kafka refused {} of them, which went to the dead letters"
                + " ({})", batch.source(), batch.firstLine(), batch.lastLine(), refused, reason.getMessage());
    }

    /** The broker refused the record for what it is: sending it again gets the same answer. */
    private static boolean refused(Exception e) {
        return e instanceof InvalidRecordException || e instanceof InvalidTimestampException
                || e instanceof RecordTooLargeException;
    }

    /**
     * The record was in a producer batch the broker refused because of another record in it (the client fails them
     * all with a plain KafkaException).
     */
    private static boolean innocent(Exception e) {
        return e.getClass() == KafkaException.class;
    }

    private static boolean refusalOrInnocent(Exception e) {
        return e != null && (refused(e) || innocent(e));
    }
}
