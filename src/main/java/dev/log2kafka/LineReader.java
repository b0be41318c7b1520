package dev.log2kafka;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Reads a stream of bytes as lines and hands them out in batches. A line ends at LF; a CR just before the LF is part
 * of the terminator; a last line without LF is a line too. Bytes are kept as they are: no charset is involved.
 * <p>
 * Memory is one read buffer (grown only for a line longer than the buffer) plus the batch being built. The Split EIP
 * closes the reader when it is done with it.
 */
public final class LineReader implements Iterator<LineBatch>, Closeable {

    static final int BUFFER_SIZE = 256 * 1024;

    private final InputStream in;
    private final String source;
    private final int batchSize;
    private final boolean skipEmptyLines;
    private final Consumer<LineBatch> onRead;
    private final BooleanSupplier stopRequested;

    private byte[] buffer = new byte[BUFFER_SIZE];
    private int position;
    private int limit;
    private boolean endOfStream;
    private long offset;
    private long lineNumber;
    private LineBatch next;
    private boolean stopped;

    /**
     * @param onRead        told of each batch once it is read, before it is handed out
     * @param stopRequested asked before each batch: once it says true, the reader ends early (see {@link #stopped()})
     */
    public LineReader(InputStream in, String source, int batchSize, boolean skipEmptyLines,
            Consumer<LineBatch> onRead, BooleanSupplier stopRequested) {
        this.in = in;
        this.stopRequested = stopRequested;
        this.source = source;
        this.batchSize = batchSize;
        this.skipEmptyLines = skipEmptyLines;
        this.onRead = onRead;
    }

    @Override
    public boolean hasNext() {
        if (next == null && !stopped && stopRequested.getAsBoolean()) {
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
            }
            records[recordCount++] = line;
        }
        if (lineCount == 0) {
            return null;
        }
        lineNumber += lineCount;
        LineBatch batch = new LineBatch(source, firstLine, lineCount, emptyLines, offset, offset - startOffset,
                records, recordCount);
        onRead.accept(batch);
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

    /** Moves the unread bytes to the front, grows the buffer if a single line fills it, and reads more. */
    private void fill() throws IOException {
        int unread = limit - position;
        if (position > 0) {
            System.arraycopy(buffer, position, buffer, 0, unread);
        } else if (unread == buffer.length) {
            buffer = Arrays.copyOf(buffer, buffer.length * 2);
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
