package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode: lines written to a file after it was shipped and moved to .done/. A file is taken only once no process
 * holds it open for writing ({@link Writers}), but a writer log2kafka cannot see (another user's process when it does
 * not run as root, a file system without /proc, a writer that opened the file after that look) writes on into the
 * moved file. It is the same file: for {@value #WATCH_MINUTES} minutes after the move (and for as long as it grows)
 * each moved file is looked at every second (the watch-late-writes route), and the lines it gained are shipped from
 * where its shipping ended, line numbers going on. Bytes that cannot be shipped (the moved file deleted or replaced
 * before they were read) are named in a warning and counted in `log2kafka_watch_unshipped_bytes_total`. Such
 * writers should still get a done marker (--done-file-name).
 */
public final class LateWrites {

    private static final Logger LOG = LoggerFactory.getLogger(LateWrites.class);
    private static final long WATCH_MINUTES = 10;
    /** A file is told moved just before Camel renames it: missing for this long, it is taken as deleted. */
    private static final long MISSING_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Files shipped to their end and about to be moved, by the path they were shipped from. */
    private final Map<Path, MovedFile> shipped = new ConcurrentHashMap<>();
    /** Files moved to .done/, by where they are now. */
    private final Map<Path, MovedFile> moved = new ConcurrentHashMap<>();
    private final AtomicLong unshippedBytes = new AtomicLong();

    /** A file moved to .done/, and how far its lines were shipped. */
    public static final class MovedFile {
        private final Path from;
        private final Object identity;
        private final long sinceNanos;
        private volatile Path path;
        private volatile long offset;
        private volatile long lines;
        private volatile byte[] tail;
        private long size;
        private long lastGrowthNanos;
        private boolean sendPartialLine;

        MovedFile(Path from, Object identity, long offset, long lines, byte[] tail) {
            this.from = from;
            this.identity = identity;
            this.path = from;
            this.offset = offset;
            this.lines = lines;
            this.tail = tail;
            this.size = offset;
            this.sinceNanos = System.nanoTime();
            this.lastGrowthNanos = sinceNanos;
        }

        /** Where the file is now, under .done/. */
        public Path path() {
            return path;
        }

        public Object identity() {
            return identity;
        }

        /** Where its shipping ended: the next line starts there. */
        public long offset() {
            return offset;
        }

        public long lines() {
            return lines;
        }

        /** The last bytes before {@link #offset()}, for a checkpoint. */
        public byte[] tail() {
            return tail;
        }

        /** The size the next read goes up to. */
        public long size() {
            return size;
        }

        /** Whether a last line without its newline is shipped as it is: the file has been quiet long enough. */
        public boolean sendPartialLine() {
            return sendPartialLine;
        }
    }

    /** Every line of the file up to {@code offset} was acknowledged, and it is about to be moved. */
    public void shipped(Path file, Object identity, long offset, long lines, byte[] tail) {
        shipped.put(file, new MovedFile(file, identity, offset, lines, tail));
    }

    /** The file shipped from {@code from} is moved to {@code to}. */
    public void moved(Path from, Path to) {
        MovedFile file = shipped.remove(from);
        if (file != null) {
            file.path = to;
            moved.put(to, file);
        }
    }

    /**
     * The moved files that gained bytes after their shipping ended, each knowing up to where to read. A file is let go
     * {@value #WATCH_MINUTES} minutes after its move, or once it is deleted or replaced.
     *
     * @param partialLineWaitMillis how long a last line without its newline waits for it before it is sent as is
     */
    public synchronized List<MovedFile> filesToRead(long partialLineWaitMillis) {
        long now = System.nanoTime();
        List<MovedFile> toRead = new ArrayList<>();
        for (Iterator<MovedFile> files = moved.values().iterator(); files.hasNext(); ) {
            MovedFile file = files.next();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(file.path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                if (now - file.sinceNanos > MISSING_NANOS) {
                    letGo(file, "was deleted");
                    files.remove();
                }
                continue;
            } catch (IOException e) {
                continue;
            }
            if (!Objects.equals(attributes.fileKey(), file.identity)) {
                letGo(file, "was replaced by another file");
                files.remove();
                continue;
            }
            if (attributes.size() != file.size) {
                if (file.size == file.offset && attributes.size() > file.offset) {
                    LOG.atWarn().addKeyValue("file", file.path).log("{} gained {} bytes after it was shipped and"
                            + " moved there: a writer log2kafka could not see still had {} open. Shipping its new"
                            + " lines; give such a writer a done marker (--done-file-name)", file.path,
                            attributes.size() - file.offset, file.from);
                }
                file.size = attributes.size();
                file.lastGrowthNanos = now;
            }
            file.sendPartialLine = now - file.lastGrowthNanos >= TimeUnit.MILLISECONDS.toNanos(partialLineWaitMillis);
            if (now - file.sinceNanos > TimeUnit.MINUTES.toNanos(WATCH_MINUTES) && file.size <= file.offset) {
                files.remove();
            } else if (file.size > file.offset) {
                toRead.add(file);
            }
        }
        return toRead;
    }

    /** The file's lines were shipped and acknowledged up to where the reader ended. */
    public synchronized void readTo(MovedFile file, LineReader reader) {
        file.offset = reader.offset();
        file.lines = reader.lines();
        file.tail = reader.lastBytes();
    }

    private void letGo(MovedFile file, String why) {
        if (file.size > file.offset) {
            unshippedBytes.addAndGet(file.size - file.offset);
            LOG.atWarn().addKeyValue("file", file.path).log("{} {} before the {} bytes written to it after byte {} were"
                    + " shipped: they are not shipped", file.path, why, file.size - file.offset, file.offset);
        }
    }

    /** The bytes written to files after they were shipped and moved that could not be shipped, so far. */
    public long unshippedBytes() {
        return unshippedBytes.get();
    }
}
