package dev.log2kafka;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Reads a stream of bytes as lines and hands them out in batches. A line ends at LF; a CR just before the LF is part
 * of the terminator; a last line without LF is a line too. Bytes are kept as they are: no charset is involved.
 * <p>
 * Memory is one read buffer (grown only while a line longer than the buffer is read) plus the batch being built. A
 * line longer than {@code maxLineBytes}, which Kafka would refuse, is handed to the listener instead of a batch. The
 * Split EIP closes the reader when it is done with it.
 */
public final class LineReader implements Iterator<LineBatch>, Closeable {

    static final int BUFFER_SIZE = 256 * 1024;

    /** Told what the reader reads; called on the reading thread. */
    public interface Listener {

        /** A batch was read, before it is handed out. */
        void read(LineBatch batch);

        /** A line longer than the limit was read; it is counted in its batch's lines but is not one of its records. */
        void tooLong(String source, long lineNumber, byte[] line);

        /** Asked before each batch: once it says true, the reader ends early (see {@link #stopped()}). */
        boolean stopRequested();
    }

    private final InputStream in;
    private final String source;
    private final int batchSize;
    private final boolean skipEmptyLines;
    private final int maxLineBytes;
    private final Listener listener;

    private byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean endOfStream;
    private long offset;
    private long lineNumber;
    private LineBatch next;
    private boolean stopped;

    /**
     * @param in          the bytes from {@code startOffset} on
     * @param startOffset where {@code in} starts in the source (a checkpoint), 0 from the beginning
     * @param startLine   how many lines come before {@code startOffset}
     */
    public LineReader(InputStream in, String source, long startOffset, long startLine, int batchSize,
            boolean skipEmptyLines, int maxLineBytes, Listener listener) {
        this.in = in;
        this.source = source;
        this.offset = startOffset;
        this.lineNumber = startLine;
        this.batchSize = batchSize;
        this.skipEmptyLines = skipEmptyLines;
        this.maxLineBytes = maxLineBytes;
        this.listener = listener;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !stopped && listener.stopRequested()) {
            stopped = true;
        }
        if (next == null && !stopped) {
            try {
                next = readBatch();
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + source + ": " + e.getMessage(), e);
            }
        }
        return next != null;
    }

    @Override
    public LineBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LineBatch batch = next;
        next = null;
        return batch;
    }

    private LineBatch readBatch() throws IOException {
        byte[][] records = new byte[batchSize][];
        int recordCount = 0;
        int lineCount = 0;
        int emptyLines = 0;
        int deadLetters = 0;
        long startOffset = offset;
        long firstLine = lineNumber + 1;
        while (lineCount < batchSize) {
            byte[] line = readLine();
            if (line == null) {
                break;
            }
            lineCount++;
            if (line.length == 0) {
                emptyLines++;
                if (skipEmptyLines) {
                    continue;
                }
            } else if (line.length > maxLineBytes) {
                listener.tooLong(source, firstLine + lineCount - 1, line);
                deadLetters++;
                continue;
            }
            records[recordCount++] = line;
        }
        if (lineCount == 0) {
            return null;
        }
        lineNumber += lineCount;
        LineBatch batch = new LineBatch(source, firstLine, lineCount, emptyLines, deadLetters, offset,
                offset - startOffset, records, recordCount);
        listener.read(batch);
        return batch;
    }

    /** The next line without its terminator, or null at the end of the stream. */
    private byte[] readLine() throws IOException {
        int scanFrom = position;
        while (true) {
            for (int i = scanFrom; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    byte[] line = Arrays.copyOfRange(buffer, position, end);
                    offset += i + 1 - position;
                    position = i + 1;
                    return line;
                }
            }
            if (endOfStream) {
                if (position == limit) {
                    return null;
                }
                byte[] line = Arrays.copyOfRange(buffer, position, limit);
                offset += limit - position;
                position = limit;
                return line;
            }
            scanFrom = limit - position;
            fill();
        }
    }

    /**
     * Moves the unread bytes to the front and reads more. The buffer grows while a single line fills it, and shrinks
     * back once such a line is past, so one huge line does not keep its memory for the rest of the file.
     */
    private void fill() throws IOException {
        int unread = limit - position;
        if (unread == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
        } else if (buffer.length > BUFFER_SIZE && unread < BUFFER_SIZE / 2) {
            byte[] smaller = new byte[BUFFER_SIZE];
            System.arraycopy(buffer, position, smaller, 0, unread);
            buffer = smaller;
        } else if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, unread);
        }
        position = 0;
        limit = unread;
        int n = in.read(buffer, limit, buffer.length - limit);
        if (n < 0) {
            endOfStream = true;
        } else {
            limit += n;
        }
    }

    /** The source this reader reads: a file's absolute path, or `-`. */
    public String source() {
        return source;
    }

    /** Whether the reader ended because a stop was requested, before the end of its source. */
    public boolean stopped() {
        return stopped;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
