package dev.log2kafka.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.Sentences;
import dev.log2kafka.source.LineBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For each file, how far every line is acknowledged: a byte offset and the number of lines before it, kept in the
 * state directory, one small properties file per file, written atomically (a new file renamed over the old one). A
 * rerun resumes a file from there. A file is recognised by its path plus a fingerprint of its first bytes; a file
 * whose fingerprint changed, or that is now shorter than its checkpoint, was replaced or truncated and starts over.
 * A checkpoint belongs to where the lines went, the Kafka cluster (by its id) and the topic: the same file shipped to
 * another topic, or to a new cluster, has a checkpoint of its own and ships whole.
 */
public final class Checkpoints extends ServiceSupport implements CamelContextAware {

    /** Bytes at the start of a file that make its fingerprint. */
    static final int FINGERPRINT_BYTES = 4096;
    /** Writes of a file's last checkpoint before it is given up on. */
    private static final int COMPLETE_ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final Path directory;
    private final String destination;
    private final long intervalMillis;
    private final Map<String, Progress> open = new ConcurrentHashMap<>();
    private final Map<String, String> notCurrent = new ConcurrentHashMap<>();
    private CamelContext camelContext;
    private ScheduledExecutorService writer;

    /**
     * @param destination    where the lines go: the cluster's id and the topic, as `CLUSTER-ID/TOPIC`
     * @param intervalMillis how often the checkpoints of the files being shipped are written while the service runs
     */
    public Checkpoints(Path directory, String destination, long intervalMillis) {
        this.directory = directory;
        this.destination = destination;
        this.intervalMillis = intervalMillis;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    protected void doStart() {
        writer = camelContext.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "checkpoints");
        writer.scheduleWithFixedDelay(this::saveAll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    protected void doStop() throws InterruptedException {
        // waits for a write in progress, then writes once more what was acknowledged last
        camelContext.getExecutorServiceManager().shutdownGraceful(writer, 10_000);
        saveAll();
    }

    /** Where a file starts: its checkpoint if it is still the same file, else its beginning. */
    public Checkpoint resume(Path file) throws IOException {
        Checkpoint saved = load(file);
        long size = Files.size(file);
        if (saved != null && saved.offset() <= size
                && saved.fingerprint().equals(fingerprint(file, saved.fingerprintLength()))) {
            return saved;
        }
        int length = (int) Math.min(size, FINGERPRINT_BYTES);
        return new Checkpoint(file.toString(), 0, 0, fingerprint(file, length), length, false);
    }

    /** The state directory. */
    public Path directory() {
        return directory;
    }

    /** Starts tracking the acknowledgements of a file being shipped from {@code start}. */
    public void open(Checkpoint start) {
        open.put(start.file(), new Progress(start));
    }

    /**
     * Kafka acknowledged a batch. Batches can be acknowledged out of order (several sender threads), so the
     * checkpoint only moves over an unbroken run of acknowledged batches.
     */
    public void acknowledged(LineBatch batch) {
        Progress progress = open.get(batch.source());
        if (progress != null) {
            progress.acknowledged(batch);
        }
    }

    /** Writes the checkpoint of every file being shipped that moved since it was last written. */
    public void saveAll() {
        for (Progress progress : open.values()) {
            progress.saveIfMoved();
        }
    }

    /**
     * The file was shipped to its end: its checkpoint says so, and a later run does not send it again. If that
     * cannot be written, the file stays in {@link #notCurrent()}.
     */
    public void completed(String file) throws InterruptedException {
        Progress progress = open.remove(file);
        if (progress != null) {
            progress.complete();
        }
    }

    /** The files whose checkpoint on disk is behind what Kafka acknowledged, each with why it could not be written. */
    public Map<String, String> notCurrent() {
        return Map.copyOf(notCurrent);
    }

    /** The file moves away (watch mode) or was replaced: its checkpoint is deleted. */
    public void forget(Path file) {
        open.remove(file.toString());
        delete(file);
    }

    /** The file ended without being complete: its checkpoint is written as it stands, for a rerun to resume. */
    public void abandoned(String file) {
        Progress progress = open.remove(file);
        if (progress != null) {
            progress.saveIfMoved();
        }
    }

    private Path stateFile(Path file) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((destination + "\n"
                    + file.toAbsolutePath().normalize()).getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".checkpoint");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Checkpoint load(Path file) throws IOException {
        return read(stateFile(file));
    }

    /** The checkpoint in a file of the state directory, or null if there is none. */
    public static Checkpoint read(Path stateFile) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (NoSuchFileException e) {
            return null;
        }
        return new Checkpoint(p.getProperty("file"), Long.parseLong(p.getProperty("offset")),
                Long.parseLong(p.getProperty("lines")), p.getProperty("fingerprint"),
                Integer.parseInt(p.getProperty("fingerprint.length")), Boolean.parseBoolean(p.getProperty("complete")));
    }

    /**
     * Writes a checkpoint; a failure (no permission, a full disk) is logged once, when it starts, and the file is
     * listed in {@link #notCurrent()} until a write succeeds again.
     *
     * @return whether it was written
     */
    private boolean write(Checkpoint checkpoint) {
        try {
            save(checkpoint);
        } catch (IOException e) {
            String reason = Sentences.ioProblem(e);
            if (notCurrent.put(checkpoint.file(), reason) == null) {
                LOG.warn("Cannot write the checkpoint of {} in {}: {}; trying again every {} ms", checkpoint.file(),
                        directory, reason, intervalMillis);
            }
            return false;
        }
        if (notCurrent.remove(checkpoint.file()) != null) {
            LOG.info("The checkpoint of {} is written again", checkpoint.file());
        }
        return true;
    }

    private void save(Checkpoint checkpoint) throws IOException {
        Properties p = new Properties();
        p.setProperty("file", checkpoint.file());
        p.setProperty("destination", destination);
        p.setProperty("offset", Long.toString(checkpoint.offset()));
        p.setProperty("lines", Long.toString(checkpoint.lines()));
        p.setProperty("fingerprint", checkpoint.fingerprint());
        p.setProperty("fingerprint.length", Integer.toString(checkpoint.fingerprintLength()));
        p.setProperty("complete", Boolean.toString(checkpoint.complete()));
        Files.createDirectories(directory);
        Path target = stateFile(Path.of(checkpoint.file()));
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            p.store(writer, "log2kafka checkpoint: every line before offset is acknowledged");
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private void delete(Path file) {
        notCurrent.remove(file.toString());
        try {
            Files.deleteIfExists(stateFile(file));
        } catch (IOException e) {
            LOG.warn("Cannot delete the checkpoint of {} in {}: {}", file, directory, Sentences.ioProblem(e));
        }
    }

    static String fingerprint(Path file, int length) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(in.readNBytes(length));
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every line before {@code offset} (there are {@code lines} of them) is acknowledged.
     *
     * @param fingerprintLength how many of the first bytes the fingerprint covers (fewer than 4096 for a small file)
     * @param complete          the file was shipped to its end at the size {@code offset}
     */
    public record Checkpoint(String file, long offset, long lines, String fingerprint, int fingerprintLength,
            boolean complete) {
    }

    /** The acknowledgements of one file being shipped. */
    private final class Progress {
        private final ConcurrentSkipListMap<Long, LineBatch> waiting = new ConcurrentSkipListMap<>();
        private Checkpoint current;
        private boolean moved;

        Progress(Checkpoint start) {
            this.current = start;
        }

        synchronized void acknowledged(LineBatch batch) {
            waiting.put(batch.firstLine(), batch);
            LineBatch next;
            while ((next = waiting.remove(current.lines() + 1)) != null) {
                current = new Checkpoint(current.file(), next.endOffset(), next.lastLine(), current.fingerprint(),
                        current.fingerprintLength(), false);
                moved = true;
            }
        }

        synchronized void saveIfMoved() {
            if (moved && write(current)) {
                moved = false;
            }
        }

        /** Writes the complete checkpoint, trying a few times: the file's lines are all acknowledged by now. */
        synchronized void complete() throws InterruptedException {
            current = new Checkpoint(current.file(), current.offset(), current.lines(), current.fingerprint(),
                    current.fingerprintLength(), true);
            for (int attempt = 1; !write(current) && attempt < COMPLETE_ATTEMPTS; attempt++) {
                Thread.sleep(intervalMillis);
            }
        }
    }
}
