package dev.log2kafka.source;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Standard input, read on a thread of its own. A read from a pipe blocks until a writer writes or closes it, and
 * cannot be interrupted; reading it here instead lets the {@link LineReader} tell a pause from the end (and send the
 * lines it holds, {@link #awaitInput}) and lets a stop request end a read that waits for input: such a read throws
 * {@link InterruptedIOException}, after what was read already was handed out. The thread is a daemon: it does not
 * keep the process alive when it is stopped while blocked. At most a few chunks wait here, so a fast writer is held
 * back, not buffered.
 */
public final class StandardInput extends InputStream {

    private static final int CHUNK_BYTES = 64 * 1024;
    private static final long STOP_CHECK_MILLIS = 100;
    /** Put after the last chunk: the writer closed its end. */
    private static final byte[] END = new byte[0];

    private final BlockingQueue<byte[]> chunks = new ArrayBlockingQueue<>(4);
    private final BooleanSupplier stopRequested;
    private volatile IOException failure;
    private byte[] chunk;
    private int position;

    /** Starts reading {@code in}; reads that wait end once {@code stopRequested} says true. */
    public StandardInput(InputStream in, BooleanSupplier stopRequested) {
        this.stopRequested = stopRequested;
        Thread reader = new Thread(() -> pump(in), "log2kafka-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(InputStream in) {
        byte[] buffer = new byte[CHUNK_BYTES];
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (n > 0 && !handOver(Arrays.copyOf(buffer, n))) {
                    return;
                }
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            chunks.put(END);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Queues a chunk for the reader; false if the run stops first. */
    private boolean handOver(byte[] read) throws InterruptedException {
        while (!chunks.offer(read, STOP_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
            if (stopRequested.getAsBoolean()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Waits up to {@code millis} for input: true as soon as bytes (or the end) are there, false if the writer paused
     * that long.
     */
    public boolean awaitInput(long millis) throws IOException {
        if (chunk != null && (position < chunk.length || chunk == END)) {
            return true;
        }
        try {
            chunk = chunks.poll(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for standard input");
        }
        position = 0;
        return chunk != null;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        while (chunk == null || chunk != END && position == chunk.length) {
            // once the run stops, what was read already is handed out, and a read that would wait ends
            boolean stopping = stopRequested.getAsBoolean();
            if (!awaitInput(stopping ? 0 : STOP_CHECK_MILLIS) && stopping) {
                throw new InterruptedIOException("stopped while waiting for standard input");
            }
        }
        if (chunk == END) {
            if (failure != null) {
                throw failure;
            }
            return -1;
        }
        int n = Math.min(len, chunk.length - position);
        System.arraycopy(chunk, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int available() {
        return chunk == null || chunk == END ? 0 : chunk.length - position;
    }
}
