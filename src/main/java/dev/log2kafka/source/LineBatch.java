package dev.log2kafka.source;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Consecutive lines of one source, each a {@link Line}. camel-kafka sends each element of an Iterable body as its own
 * record, so a batch is what the Split EIP hands to the kafka endpoint.
 *
 * @param source     the file (or `-` for standard input) the lines come from
 * @param firstLine  number of the batch's first line in its source, from 1
 * @param lineCount  lines read for this batch, empty lines included even when they are not sent
 * @param emptyLines how many of those lines were empty
 * @param deadLetters how many of those lines were too long for Kafka and went to the dead letters instead
 * @param endOffset  byte offset in the source just after the batch's last line terminator
 * @param lineBytes  bytes of the batch's lines, terminators included (decompressed for gzip)
 * @param byteCount  bytes of the source file the batch covers, terminators included (compressed bytes for gzip): the
 *                   progress through the file
 * @param tail       the last bytes before {@code endOffset} (up to {@value #TAIL_BYTES}): a checkpoint keeps them to
 *                   know its file again
 * @param records    the lines sent, each as one record: the first {@code recordCount} elements
 */
public record LineBatch(String source, long firstLine, int lineCount, int emptyLines, int deadLetters, long endOffset,
        long lineBytes, long byteCount, byte[] tail, Line[] records, int recordCount) implements Iterable<Line> {

    /** How many bytes before its end offset a batch keeps. */
    public static final int TAIL_BYTES = 32;

    /** Number of the batch's last line in its source. */
    public long lastLine() {
        return firstLine + lineCount - 1;
    }

    @Override
    public Iterator<Line> iterator() {
        return lines().iterator();
    }

    /** The lines sent. */
    public List<Line> lines() {
        return Arrays.asList(records).subList(0, recordCount);
    }

    /** The same batch without its lines, to be kept after they are sent. */
    public LineBatch withoutLines() {
        return new LineBatch(source, firstLine, lineCount, emptyLines, deadLetters, endOffset, lineBytes, byteCount,
                tail, new Line[0], 0);
    }

    /** Lines Kafka refused for what they are, which went to the dead letters after the batch was sent. */
    public int refused() {
        int refused = 0;
        for (int i = 0; i < recordCount; i++) {
            refused += records[i].refused() ? 1 : 0;
        }
        return refused;
    }

    @Override
    public String toString() {
        return source + " lines " + firstLine + "-" + lastLine();
    }
}
