package dev.log2kafka.source;

import java.util.Arrays;
import java.util.Iterator;

/**
 * Consecutive lines of one source, each the line's bytes without its terminator. camel-kafka sends each element of an
 * Iterable body as its own record, so a batch is what the Split EIP hands to the kafka endpoint.
 *
 * @param source     the file (or `-` for standard input) the lines come from
 * @param firstLine  number of the batch's first line in its source, from 1
 * @param lineCount  lines read for this batch, empty lines included even when they are not sent
 * @param emptyLines how many of those lines were empty
 * @param deadLetters how many of those lines were too long for Kafka and went to the dead letters instead
 * @param endOffset  byte offset in the source just after the batch's last line terminator
 * @param byteCount  bytes of the source file the batch covers, terminators included (compressed bytes for gzip)
 * @param tail       the last bytes before {@code endOffset} (up to {@value #TAIL_BYTES}): a checkpoint keeps them to
 *                   know its file again
 */
public record LineBatch(String source, long firstLine, int lineCount, int emptyLines, int deadLetters, long endOffset,
        long byteCount, byte[] tail, byte[][] records, int recordCount) implements Iterable<byte[]> {

    /** How many bytes before its end offset a batch keeps. */
    public static final int TAIL_BYTES = 32;

    /** Number of the batch's last line in its source. */
    public long lastLine() {
        return firstLine + lineCount - 1;
    }

    @Override
    public Iterator<byte[]> iterator() {
        return Arrays.asList(records).subList(0, recordCount).iterator();
    }

    @Override
    public String toString() {
        return source + " lines " + firstLine + "-" + lastLine();
    }
}
