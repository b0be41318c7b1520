package dev.log2kafka.source;

import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.LongSupplier;

/**
 * Reads a stream of bytes as lines and hands them out in batches. A line ends at LF; a CR just before the LF is part
 * of the terminator; a last line without LF is a line too. Bytes are kept as they are: no charset is involved.
 * <p>
 * Memory is one read buffer plus the batch being built. The buffer grows while a line longer than it is read, up to
 * {@code maxLineBytes}; a line longer than that, which Kafka would refuse, is written to a temporary file as it is
 * read and handed to the listener from there, instead of to a batch, so memory does not grow with line length
 * either. The Split EIP closes the reader when it is done with it.
 */
public final class LineReader implements Iterator<LineBatch>, Closeable {

    static final int BUFFER_SIZE = 256 * 1024;
    private static final int SMALL_BUFFER_SIZE = 8 * 1024;
    /** What {@link #readLine} returns for a line it handed to the listener as too long. */
    private static final byte[] TOO_LONG = new byte[0];
    /** What {@link #readLine} returns when the input paused with lines in the batch: the batch is handed out. */
    private static final byte[] PAUSED = new byte[0];

    /** Told what the reader reads; called on the reading thread. */
    public interface Listener {

        /** A batch was read, before it is handed out. */
        void read(LineBatch batch);

        /**
         * A line longer than the limit was read; it is counted in its batch's lines but is not one of its records.
         * Its bytes are in {@code line}, which is valid only during the call.
         */
        void tooLong(String source, long lineNumber, long length, InputStream line) throws IOException;

        /** Asked before each batch: once it says true, the reader ends early (see {@link #stopped()}). */
        boolean stopRequested();
    }

    private final InputStream in;
    private final String source;
    private final int batchSize;
    private final boolean skipEmptyLines;
    private final int maxLineBytes;
    private final Listener listener;

    private byte[] buffer;
    private int position;
    private int limit;
    private boolean endOfStream;
    private long offset;
    private long lineNumber;
    private LineBatch next;
    private boolean stopped;
    /** A read that waited for input was ended by a stop request. */
    private boolean interrupted;
    /** How long input may pause before a partial batch is handed out; -1: batches are always full but the last. */
    private long pauseMillis = -1;
    /** Bytes of the file read so far, if they are not the bytes of its lines (gzip); else null. */
    private LongSupplier fileBytes;
    private long consumedBefore;
    /** The last bytes read before the buffer was last reused from its start, for {@link #tail()}. */
    private final byte[] carried = new byte[LineBatch.TAIL_BYTES];
    private int carriedLength;
    /** A last line without its newline is left unread (a followed file: the writer has not finished it yet). */
    private boolean holdPartialLine;
    /** The last batch was handed out because the input paused. */
    private boolean paused;

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
        this.consumedBefore = startOffset;
        this.lineNumber = startLine;
        this.batchSize = batchSize;
        this.skipEmptyLines = skipEmptyLines;
        this.maxLineBytes = maxLineBytes;
        this.listener = listener;
        this.buffer = new byte[initialBufferSize(in, source)];
    }

    /** A compressed file: batches count {@code fileBytes}' progress, not their decompressed length. */
    public LineReader countingFileBytes(LongSupplier fileBytes) {
        this.fileBytes = fileBytes;
        // what the file's header cost, or what was read to reach a checkpoint, is not progress
        this.consumedBefore = offset == 0 ? 0 : fileBytes.getAsLong();
        return this;
    }

    /**
     * A file that is still being written: a last line without its newline is not handed out, and {@link #offset()}
     * stays before it, for the next read to take it whole.
     */
    public LineReader holdingPartialLine(boolean hold) {
        this.holdPartialLine = hold;
        return this;
    }

    /** The last bytes before {@link #offset()}, up to {@link LineBatch#TAIL_BYTES}. */
    public byte[] lastBytes() {
        return tail();
    }

    /** How many lines come before {@link #offset()}. */
    public long lines() {
        return lineNumber;
    }

    /** The last bytes read, up to {@link LineBatch#TAIL_BYTES}: those before the buffer's start, then its own. */
    private byte[] tail() {
        int fromBuffer = Math.min(position, LineBatch.TAIL_BYTES);
        int fromBefore = Math.min(carriedLength, LineBatch.TAIL_BYTES - fromBuffer);
        byte[] tail = new byte[fromBefore + fromBuffer];
        System.arraycopy(carried, carriedLength - fromBefore, tail, 0, fromBefore);
        System.arraycopy(buffer, position - fromBuffer, tail, fromBefore, fromBuffer);
        return tail;
    }

    /** Keeps the last bytes before {@code buffer[upTo]} before the buffer is reused from its start. */
    private void carry(int upTo) {
        byte[] last = tailBefore(upTo);
        System.arraycopy(last, 0, carried, 0, last.length);
        carriedLength = last.length;
    }

    private byte[] tailBefore(int upTo) {
        int saved = position;
        position = upTo;
        byte[] tail = tail();
        position = saved;
        return tail;
    }

    /**
     * Live input (standard input): once no byte arrives for {@code millis} while lines wait in a batch, the batch is
     * handed out as it is, so that lines written before a pause are not held back until more come.
     */
    public LineReader handOutAfterPause(long millis) {
        this.pauseMillis = millis;
        return this;
    }

    /**
     * Whether there is a batch. After a batch handed out because the input paused, the answer is yes without reading:
     * the Split asks before it sends the batch it holds, and must not wait for the next one to do so; {@link #next()}
     * then waits for it, and hands out an empty batch if the input ends instead.
     */
    @Override
    public boolean hasNext() {
        if (next == null && !paused) {
            fetch(true);
        }
        return next != null || paused;
    }

    /**
     * Reads the next batch. {@code mayPause}: live input that pauses before the batch's first line makes the answer
     * "paused" too, so that a question of the Split's between two full batches does not wait for more input.
     */
    private void fetch(boolean mayPause) {
        // standard input ends by itself on a stop, once it has handed out what it read (StandardInput)
        if (next == null && !stopped && !(in instanceof StandardInput) && listener.stopRequested()) {
            stopped = !readToTheEnd();
        }
        if (next == null && !stopped) {
            try {
                next = readBatch(mayPause);
                stopped = next == null && interrupted;
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + source + ": " + e.getMessage(), e);
            } catch (OutOfMemoryError e) {
                // An Error would end the Split's task without failing the exchange, and the file would wait for
                // ever; the allocation that failed is gone, so a plain exception fails the file instead.
                throw new IllegalStateException("Not enough memory to read " + source + " in batches of " + batchSize
                        + " lines; give log2kafka a larger heap (LOG2KAFKA_JAVA_OPTS=-Xmx...)", e);
            }
        }
    }

    /**
     * The read buffer: {@link #BUFFER_SIZE}, or less for a small file, so that many small files in flight at once
     * do not each hold a quarter of a megabyte. It grows while a long line fills it.
     */
    private static int initialBufferSize(InputStream in, String source) {
        if (SourceMode.STANDARD_INPUT_NAME.equals(source)) {
            return BUFFER_SIZE;
        }
        try {
            return (int) Math.max(SMALL_BUFFER_SIZE, Math.min(BUFFER_SIZE, in.available() + 1L));
        } catch (IOException e) {
            return BUFFER_SIZE;
        }
    }

    /**
     * Whether every byte there is was read: a file read to its end is complete even if a stop came before the reader
     * noticed.
     */
    private boolean readToTheEnd() {
        if (position < limit) {
            return false;
        }
        try {
            return endOfStream || in.available() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public LineBatch next() {
        if (next == null && paused) {
            paused = false;
            fetch(false);
            if (next == null) {
                return new LineBatch(source, lineNumber + 1, 0, 0, 0, offset, 0, 0, tail(), new Line[0], 0);
            }
        } else if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LineBatch batch = next;
        next = null;
        return batch;
    }

    private LineBatch readBatch(boolean mayPause) throws IOException {
        Line[] records = new Line[batchSize];
        int recordCount = 0;
        int lineCount = 0;
        int emptyLines = 0;
        int deadLetters = 0;
        long firstLine = lineNumber + 1;
        long startOffset = offset;
        while (lineCount < batchSize) {
            byte[] line = readLine(firstLine + lineCount, lineCount > 0 || mayPause);
            paused = line == PAUSED;
            if (line == null || paused) {
                break;
            }
            lineCount++;
            if (line == TOO_LONG) {
                deadLetters++;
            } else if (line.length == 0) {
                emptyLines++;
                if (!skipEmptyLines) {
                    records[recordCount++] = new Line(line, firstLine + lineCount - 1);
                }
            } else if (line.length > maxLineBytes) {
                listener.tooLong(source, firstLine + lineCount - 1, line.length, new ByteArrayInputStream(line));
                deadLetters++;
            } else {
                records[recordCount++] = new Line(line, firstLine + lineCount - 1);
            }
        }
        if (lineCount == 0) {
            return null;
        }
        lineNumber += lineCount;
        long consumed = fileBytes == null ? offset : fileBytes.getAsLong();
        LineBatch batch = new LineBatch(source, firstLine, lineCount, emptyLines, deadLetters, offset,
                offset - startOffset, consumed - consumedBefore, tail(), records, recordCount);
        consumedBefore = consumed;
        listener.read(batch);
        return batch;
    }

    /**
     * The next line without its terminator, {@link #TOO_LONG} if it was handed to the listener, {@link #PAUSED} if
     * the input paused and {@code mayPause}, or null at the end of the stream.
     */
    private byte[] readLine(long number, boolean mayPause) throws IOException {
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
                if (position == limit || holdPartialLine) {
                    return null;
                }
                byte[] line = Arrays.copyOfRange(buffer, position, limit);
                offset += limit - position;
                position = limit;
                return line;
            }
            if (limit - position > maxLineBytes) {
                return spillTooLongLine(number) ? TOO_LONG : null;
            }
            scanFrom = limit - position;
            if (mayPause && pauseMillis >= 0 && !inputWithin(pauseMillis)) {
                return PAUSED;
            }
            fill();
        }
    }

    /**
     * Writes the rest of a line that is already longer than Kafka takes to a temporary file, up to its terminator,
     * hands it to the listener and deletes it. The buffer keeps its size. A file still being written whose input ends
     * before the line's terminator ({@link #holdingPartialLine}) holds the line back instead, as it holds a short one:
     * the reader ends before it, and the next read takes it from its start, so a long line written slowly is one line.
     *
     * @return whether the line was handed to the listener; false if it was held back
     */
    private boolean spillTooLongLine(long number) throws IOException {
        long lineStart = offset;
        byte[] tailAtStart = tail();
        Path spill = Files.createTempFile("log2kafka-long-line-", ".tmp");
        try {
            long length = 0;
            boolean endsInCr = false;
            try (OutputStream out = Files.newOutputStream(spill)) {
                while (true) {
                    int newline = -1;
                    for (int i = position; i < limit; i++) {
                        if (buffer[i] == '\n') {
                            newline = i;
                            break;
                        }
                    }
                    int end = newline < 0 ? limit : newline;
                    out.write(buffer, position, end - position);
                    length += end - position;
                    if (end > position) {
                        endsInCr = buffer[end - 1] == '\r';
                    }
                    offset += end - position;
                    position = end;
                    if (newline >= 0) {
                        offset++;
                        position++;
                        break;
                    }
                    carry(limit);
                    position = 0;
                    limit = 0;
                    int n = in.read(buffer, 0, buffer.length);
                    if (n < 0) {
                        endOfStream = true;
                        endsInCr = false;
                        if (holdPartialLine) {
                            offset = lineStart;
                            System.arraycopy(tailAtStart, 0, carried, 0, tailAtStart.length);
                            carriedLength = tailAtStart.length;
                            return false;
                        }
                        break;
                    }
                    limit = n;
                }
            }
            if (endsInCr) {
                // the CR belonged to a CRLF terminator
                try (FileChannel channel = FileChannel.open(spill, StandardOpenOption.WRITE)) {
                    channel.truncate(--length);
                }
            }
            try (InputStream line = Files.newInputStream(spill)) {
                listener.tooLong(source, number, length, line);
            }
            return true;
        } finally {
            Files.deleteIfExists(spill);
        }
    }

    /**
     * Moves the unread bytes to the front and reads more. The buffer grows while a single line fills it, and shrinks
     * back once such a line is past, so one huge line does not keep its memory for the rest of the file.
     */
    private void fill() throws IOException {
        carry(position);
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
        int n;
        try {
            n = in.read(buffer, limit, buffer.length - limit);
        } catch (InterruptedIOException e) {
            // stopped while waiting for input: what was read is all there is, a partial last line included
            interrupted = true;
            n = -1;
        }
        if (n < 0) {
            endOfStream = true;
        } else {
            limit += n;
        }
    }

    private boolean inputWithin(long millis) throws IOException {
        return in instanceof StandardInput live ? live.awaitInput(millis) : in.available() > 0;
    }

    /** The offset in the source just after what was read so far. */
    public long offset() {
        return offset;
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
