package dev.log2kafka.source;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A reader's batches, read on a thread of their own up to {@value #AHEAD} batches ahead of the thread that takes them.
 * Exactly once, one thread sends the lines of each transaction and commits it in turn; if it also read them, reading
 * would wait for every commit and sending for every read. Closed when its source ends or fails: the thread then stops
 * before its next batch.
 */
public final class ReadAhead implements Iterator<LineBatch>, AutoCloseable {

    /** Batches read ahead at most. */
    static final int AHEAD = 4;
    private static final Object END = new Object();

    private final String source;
    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(AHEAD);
    private volatile boolean closed;
    private Object next;

    public ReadAhead(LineReader reader) {
        this.source = reader.source();
        Thread thread = new Thread(() -> read(reader), "read-ahead " + source);
        thread.setDaemon(true);
        thread.start();
    }

    private void read(LineReader reader) {
        Object last = END;
        try {
            while (!closed && reader.hasNext()) {
                put(reader.next());
            }
        } catch (RuntimeException | Error e) {
            // handed to the thread that takes the batches, which fails the source with it
            last = e;
        }
        put(last);
    }

    private void put(Object item) {
        try {
            while (!closed && !queue.offer(item, 100, TimeUnit.MILLISECONDS)) {
                // the taker is busy sending: wait for room, or for the source to end
            }
        } catch (InterruptedException e) {
            closed = true;
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            try {
                next = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for the lines of " + source, e);
            }
        }
        if (next instanceof RuntimeException failure) {
            throw failure;
        }
        if (next instanceof Error failure) {
            throw failure;
        }
        return next != END;
    }

    @Override
    public LineBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        LineBatch batch = (LineBatch) next;
        next = null;
        return batch;
    }

    /** The source ended or failed: the reading thread stops before its next batch. */
    @Override
    public void close() {
        closed = true;
    }
}
