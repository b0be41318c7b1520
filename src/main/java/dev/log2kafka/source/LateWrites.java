package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watch mode: bytes written to a file after it was shipped and moved to .done/. A file is taken only once no process
 * holds it open for writing ({@link Writers}), but a writer log2kafka cannot see (another user's process when it does
 * not run as root, a file system without /proc, a writer that opened the file after that look) writes on into the
 * moved file. For {@value #WATCH_MINUTES} minutes after the move each moved file is looked at every second; bytes it
 * gained are not shipped: a warning names the file and the bytes, and `log2kafka_watch_unshipped_bytes_total` counts
 * them. Such writers need a done marker (--done-file-name).
 */
public final class LateWrites {

    private static final Logger LOG = LoggerFactory.getLogger(LateWrites.class);
    private static final long WATCH_MINUTES = 10;

    /** Files shipped to their end and about to be moved, by the path they were shipped from. */
    private final Map<Path, Shipped> shipped = new ConcurrentHashMap<>();
    /** Files moved to .done/, by where they are now. */
    private final Map<Path, Shipped> moved = new ConcurrentHashMap<>();
    private final AtomicLong unshippedBytes = new AtomicLong();

    private record Shipped(Path from, Object identity, AtomicLong bytes, long sinceNanos) {
    }

    /** Every line of the file up to {@code bytes} was acknowledged, and it is about to be moved. */
    public void shipped(Path file, Object identity, long bytes) {
        shipped.put(file, new Shipped(file, identity, new AtomicLong(bytes), System.nanoTime()));
    }

    /** The file shipped from {@code from} is moved to {@code to}. */
    public void moved(Path from, Path to) {
        Shipped file = shipped.remove(from);
        if (file != null) {
            moved.put(to, new Shipped(from, file.identity(), file.bytes(), System.nanoTime()));
        }
    }

    /** Looks at each moved file for bytes written after it was shipped. */
    public void look() {
        long now = System.nanoTime();
        for (Iterator<Map.Entry<Path, Shipped>> files = moved.entrySet().iterator(); files.hasNext(); ) {
            Map.Entry<Path, Shipped> entry = files.next();
            Path path = entry.getKey();
            Shipped file = entry.getValue();
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class);
            } catch (NoSuchFileException e) {
                files.remove();
                continue;
            } catch (IOException e) {
                continue;
            }
            if (!Objects.equals(attributes.fileKey(), file.identity())) {
                files.remove();
                continue;
            }
            long late = attributes.size() - file.bytes().get();
            if (late > 0) {
                file.bytes().addAndGet(late);
                unshippedBytes.addAndGet(late);
                LOG.atWarn().addKeyValue("file", path).log("{} gained {} bytes after it was shipped and moved there: a"
                        + " writer log2kafka could not see still had {} open. Those bytes are not shipped; give such"
                        + " a writer a done marker (--done-file-name)", path, late, file.from());
            }
            if (now - file.sinceNanos() > TimeUnit.MINUTES.toNanos(WATCH_MINUTES)) {
                files.remove();
            }
        }
    }

    /** The bytes written to files after they were shipped and moved, so far. */
    public long unshippedBytes() {
        return unshippedBytes.get();
    }
}
