package dev.log2kafka.delivery;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.log2kafka.cli.Sentences;
import dev.log2kafka.source.FileInput;
import dev.log2kafka.source.FileInput.Fingerprint;
import dev.log2kafka.source.LineBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For each file, how far every line is acknowledged: a byte offset and the number of lines before it, kept in the
 * state directory, one small properties file per file, written atomically (a new file renamed over the old one). A
 * rerun resumes a file from there.
 * <p>
 * A file is known by its content, not its path: its identity is a fingerprint of its first {@value #IDENTITY_BYTES}
 * bytes (decompressed for gzip), so a file renamed by a rotation, copied by copytruncate or compressed afterwards finds
 * its checkpoint under its new name. Before a file resumes, the bytes just before the checkpoint's offset are compared
 * too: two files that only share their first bytes (a common header) are two files. A file shorter than
 * {@value #IDENTITY_BYTES} bytes has no identity of its own yet: its checkpoint is kept under its path (and checked
 * against the bytes it has) until it is long enough, then moves to its content. A checkpoint belongs to where the
 * lines went, the Kafka cluster (by its id) and the topic: the same file shipped to another topic, or to a new
 * cluster, has a checkpoint of its own and ships whole.
 */
public final class Checkpoints extends ServiceSupport implements CamelContextAware {

    /** Bytes at the start of a file that make its identity. */
    static final int IDENTITY_BYTES = FileInput.IDENTITY_BYTES;
    /** Writes of a file's last checkpoint before it is given up on. */
    private static final int COMPLETE_ATTEMPTS = 5;
    private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

    private final Path directory;
    private final String destination;
    private final long intervalMillis;
    private final Map<String, Progress> open = new ConcurrentHashMap<>();
    private final Map<String, String> notCurrent = new ConcurrentHashMap<>();
    /** Exactly once: the checkpoints committed in Kafka, by key; null when they are kept in the state directory. */
    private final Map<String, byte[]> committed;
    private CamelContext camelContext;
    private ScheduledExecutorService writer;
    /** When every checkpoint was last written as far as Kafka acknowledged. */
    private volatile long currentSinceNanos = System.nanoTime();

    /**
     * @param destination    where the lines go: the cluster's id and the topic, as `CLUSTER-ID/TOPIC`
     * @param intervalMillis how often the checkpoints of the files being shipped are written while the service runs
     */
    public Checkpoints(Path directory, String destination, long intervalMillis) {
        this(directory, destination, intervalMillis, null);
    }

    /**
     * @param committed exactly once: the checkpoints read back from Kafka's checkpoints topic, where each transaction
     *                  writes its own ({@link #inTransaction}); the state directory is then neither read nor written
     */
    public Checkpoints(Path directory, String destination, long intervalMillis, Map<String, byte[]> committed) {
        this.directory = directory;
        this.destination = destination;
        this.intervalMillis = intervalMillis;
        this.committed = committed == null ? null : new ConcurrentHashMap<>(committed);
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

    /**
     * Where the file open in {@code channel} starts: its checkpoint if there is one for its content (or, while it is
     * short, for its inode) and the file still has the bytes the checkpoint saw before its offset; else its beginning.
     *
     * @param anyName follow mode: a file shorter than {@value #IDENTITY_BYTES} bytes may also have the checkpoint of
     *                another file whose bytes it holds (a rotation's compressed copy), looked for among all of them
     */
    public Checkpoint resume(Path file, FileChannel channel, boolean anyName) throws IOException {
        Fingerprint head = FileInput.head(channel);
        String path = file.toString();
        String inode = inode(file);
        Found found = head.length() == IDENTITY_BYTES ? lookUpContinued(contentKey(head), head, channel) : null;
        boolean isShort = found == null;
        if (isShort) {
            found = lookUpShort(path, inode, head, channel, anyName);
        }
        if (found != null) {
            Checkpoint saved = found.checkpoint();
            Checkpoint resumed = new Checkpoint(path, saved.offset(), saved.lines(), head, saved.tail(),
                    saved.complete(), inode);
            if (isShort && head.length() == IDENTITY_BYTES && committed == null) {
                // the file has grown long enough to be known by its content: its checkpoint moves there
                save(resumed);
                Files.deleteIfExists(found.stateFile());
            } else if (!saved.file().equals(path)) {
                LOG.atInfo().addKeyValue("file", path)
                        .log("{} has the lines of {} (renamed, copied or compressed); it goes on from that file's "
                        + "checkpoint", path, saved.file());
            }
            return resumed;
        }
        return new Checkpoint(path, 0, 0, head, "", false, inode);
    }

    /** A checkpoint and the state file (or record key) it was found under. */
    private record Found(Checkpoint checkpoint, Path stateFile) {
    }

    private Found lookUpContinued(Path key, Fingerprint head, FileChannel channel) throws IOException {
        Checkpoint saved = lookUp(key);
        return saved != null && continues(saved, head, channel) ? new Found(saved, key) : null;
    }

    /**
     * The checkpoint of a file that was shorter than {@value #IDENTITY_BYTES} bytes when it was written, which had no
     * identity of its own yet: kept under its file's inode, so that a rotation's rename or a new file under the old
     * name leaves it where it is (one written by an earlier version was kept under its path). With {@code anyName},
     * also the one among all such checkpoints whose bytes the file starts with and has before its offset, the furthest
     * if there are several: a compressed copy has an inode of its own.
     */
    private Found lookUpShort(String path, String inode, Fingerprint head, FileChannel channel, boolean anyName)
            throws IOException {
        Found found = null;
        if (inode != null) {
            Path key = key("inode " + inode);
            Checkpoint there = lookUp(key);
            if (there != null && continues(there, head, channel)) {
                found = new Found(there, key);
            } else if (there != null && committed == null) {
                // the inode is another file's now (the file was deleted, a rotation's new file got its inode): its
                // checkpoint moves aside, where a copy of it (a compressed rotation) still finds it by its bytes
                Files.move(key, key("short " + there.head().sha256() + " " + there.offset()),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (found == null && path != null) {
            found = lookUpContinued(pathKey(path), head, channel);
        }
        if (found == null && anyName && head.length() < IDENTITY_BYTES) {
            for (Map.Entry<Path, Checkpoint> candidate : shortCheckpoints().entrySet()) {
                Checkpoint saved = candidate.getValue();
                if ((found == null || saved.offset() > found.checkpoint().offset())
                        && continues(saved, head, channel)) {
                    found = new Found(saved, candidate.getKey());
                }
            }
        }
        return found;
    }

    /** The checkpoints of this destination of files shorter than {@value #IDENTITY_BYTES} bytes, by state file. */
    private Map<Path, Checkpoint> shortCheckpoints() throws IOException {
        Map<Path, Checkpoint> found = new TreeMap<>();
        saved().forEach((stateFile, p) -> {
            if (Integer.parseInt(p.getProperty("head.length")) < IDENTITY_BYTES) {
                found.put(stateFile, checkpoint(p));
            }
        });
        return found;
    }

    /**
     * The checkpoints of this destination as they were saved, by state file (exactly once: by the state file its
     * record key names), in the order of their state files' names.
     */
    private Map<Path, Properties> saved() throws IOException {
        Map<Path, Properties> found = new TreeMap<>();
        if (committed != null) {
            for (Map.Entry<String, byte[]> record : committed.entrySet()) {
                Properties p = new Properties();
                p.load(new java.io.StringReader(new String(record.getValue(), StandardCharsets.UTF_8)));
                if (destination.equals(p.getProperty("destination"))) {
                    found.put(directory.resolve(record.getKey() + ".checkpoint"), p);
                }
            }
            return found;
        }
        if (!Files.isDirectory(directory)) {
            return found;
        }
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".checkpoint")).toList()) {
                Properties p = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    p.load(reader);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (destination.equals(p.getProperty("destination"))) {
                    found.put(file, p);
                }
            }
        }
        return found;
    }

    /** The identity the file system gives the file (device and inode), or null. */
    static String inode(Path file) {
        try {
            Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            return key == null ? null : key.toString();
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The checkpoint of the file open in {@code channel}, found by its content; null if there is none. The bytes before
     * the checkpoint's offset are compared too, except in a compressed file of full identity (which would be
     * decompressed up to there).
     */
    public Checkpoint of(FileChannel channel) throws IOException {
        Fingerprint head = FileInput.head(channel);
        if (head.length() < IDENTITY_BYTES) {
            Found found = head.length() == 0 ? null : lookUpShort(null, null, head, channel, true);
            return found == null ? null : found.checkpoint();
        }
        Checkpoint saved = lookUp(contentKey(head));
        return saved != null && (FileInput.isGzip(channel) || continues(saved, head, channel)) ? saved : null;
    }

    /** Whether the file starts as the checkpoint's file did and has its bytes just before the checkpoint's offset. */
    private static boolean continues(Checkpoint saved, Fingerprint head, FileChannel channel) throws IOException {
        if (saved.head().length() > head.length()) {
            return false;
        }
        if (saved.head().length() < head.length()) {
            try (FileInput in = FileInput.openShared(channel)) {
                if (!in.fingerprint(saved.head().length()).equals(saved.head())) {
                    return false;
                }
            }
        } else if (!saved.head().equals(head)) {
            return false;
        }
        byte[] tail = HexFormat.of().parseHex(saved.tail());
        try (FileInput in = FileInput.openShared(channel)) {
            return in.skipTo(saved.offset() - tail.length) && Arrays.equals(in.readNBytes(tail.length), tail);
        }
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
        if (notCurrent.isEmpty()) {
            currentSinceNanos = System.nanoTime();
        }
    }

    /** How long ago every checkpoint was last written as far as Kafka acknowledged (grows while writes fail). */
    public long ageNanos() {
        return System.nanoTime() - currentSinceNanos;
    }

    /** For each file being shipped, the bytes after its checkpoint: not yet acknowledged (0 for a gzip file). */
    public Map<String, Long> lagBytes() {
        Map<String, Long> lag = new TreeMap<>();
        for (Map.Entry<String, Progress> file : open.entrySet()) {
            try {
                lag.put(file.getKey(), Math.max(0, Files.size(Path.of(file.getKey())) - file.getValue().offset()));
            } catch (IOException e) {
                // gone: nothing to say about it
            }
        }
        return lag;
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

    /** A file's identity grew from its first bytes to a full one: the checkpoint kept under its inode goes. */
    public void identityGrew(String file, String inode) {
        try {
            Files.deleteIfExists(pathKey(file));
            if (inode != null) {
                Files.deleteIfExists(key("inode " + inode));
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete the checkpoint of {} in {}: {}", file, directory, Sentences.ioProblem(e));
        }
    }

    /** The file moves away (watch mode) or was replaced: its checkpoint is deleted. */
    public void forget(Checkpoint checkpoint) {
        open.remove(checkpoint.file());
        notCurrent.remove(checkpoint.file());
        try {
            Files.deleteIfExists(stateFile(checkpoint));
        } catch (IOException e) {
            LOG.warn("Cannot delete the checkpoint of {} in {}: {}", checkpoint.file(), directory,
                    Sentences.ioProblem(e));
        }
    }

    /**
     * Follow mode: the file was read to its end and let go (rotated away, quiet). Its checkpoint says so, so that a later
     * start does not look for it ({@link #notEnded}); it stays, for a copy of the file (a compressed rotation) to be
     * known as shipped. Exactly once keeps its checkpoints in Kafka, written only in transactions: nothing is marked.
     */
    public void ended(String file, Fingerprint head, String inode) {
        if (committed != null) {
            return;
        }
        Path stateFile = stateFile(new Checkpoint(file, 0, 0, head, "", false, inode));
        try {
            Properties p = new Properties();
            try (Reader reader = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
                p.load(reader);
            }
            p.setProperty("ended", "true");
            store(p, stateFile);
        } catch (NoSuchFileException e) {
            // nothing of it was acknowledged: there is no checkpoint to mark
        } catch (IOException e) {
            LOG.warn("Cannot mark the checkpoint of {} in {} as ended: {}", file, directory, Sentences.ioProblem(e));
        }
    }

    /**
     * Follow mode, at start: the checkpoints of this destination whose files were not read to their end and let go, that
     * is, the files the last run was following when it stopped (none with exactly once, see {@link #ended}).
     */
    public List<Checkpoint> notEnded() throws IOException {
        List<Checkpoint> found = new ArrayList<>();
        if (committed != null) {
            return found;
        }
        saved().values().forEach(p -> {
            if (!Boolean.parseBoolean(p.getProperty("ended"))) {
                found.add(checkpoint(p));
            }
        });
        return found;
    }

    /**
     * Follow mode, at start: when a checkpoint of this destination was last written, in milliseconds since the epoch,
     * which is about when the last run that shipped a line stopped; -1 if there is none (exactly once: their time is
     * not kept).
     */
    public long lastWrittenMillis() throws IOException {
        long last = -1;
        if (committed == null) {
            for (Path stateFile : saved().keySet()) {
                try {
                    last = Math.max(last, Files.getLastModifiedTime(stateFile).toMillis());
                } catch (NoSuchFileException e) {
                    // gone since it was listed
                }
            }
        }
        return last;
    }

    /** The file ended without being complete: its checkpoint is written as it stands, for a rerun to resume. */
    public void abandoned(String file) {
        Progress progress = open.remove(file);
        if (progress != null) {
            progress.saveIfMoved();
        }
    }

    /**
     * The state file of a checkpoint: under its content once the file is long enough, else under its inode (under its
     * path where the inode is not known).
     */
    private Path stateFile(Checkpoint checkpoint) {
        if (checkpoint.head().length() == IDENTITY_BYTES) {
            return contentKey(checkpoint.head());
        }
        return checkpoint.inode() == null ? pathKey(checkpoint.file()) : key("inode " + checkpoint.inode());
    }

    private Path contentKey(Fingerprint head) {
        return key("content " + head.sha256());
    }

    private Path pathKey(String file) {
        return key("path " + Path.of(file).toAbsolutePath().normalize());
    }

    private Path key(String identity) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((destination + "\n" + identity)
                    .getBytes(StandardCharsets.UTF_8));
            return directory.resolve(HexFormat.of().formatHex(hash, 0, 16) + ".checkpoint");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The checkpoint in a file of the state directory, or null if there is none. */
    public static Checkpoint read(Path stateFile) throws IOException {
        Properties p = new Properties();
        try (Reader reader = Files.newBufferedReader(stateFile, StandardCharsets.UTF_8)) {
            p.load(reader);
        } catch (NoSuchFileException e) {
            return null;
        }
        return checkpoint(p);
    }

    private static Checkpoint checkpoint(Properties p) {
        return new Checkpoint(p.getProperty("file"), Long.parseLong(p.getProperty("offset")),
                Long.parseLong(p.getProperty("lines")), new Fingerprint(p.getProperty("head"),
                        Integer.parseInt(p.getProperty("head.length"))), p.getProperty("tail"),
                Boolean.parseBoolean(p.getProperty("complete")), p.getProperty("inode"));
    }

    /** The checkpoint under a key: in the state directory, or exactly once in what Kafka has committed. */
    private Checkpoint lookUp(Path key) throws IOException {
        if (committed == null) {
            return read(key);
        }
        byte[] value = committed.get(recordKey(key));
        if (value == null) {
            return null;
        }
        Properties p = new Properties();
        p.load(new java.io.StringReader(new String(value, StandardCharsets.UTF_8)));
        return checkpoint(p);
    }

    /** The key of a checkpoint's record in the checkpoints topic: its state file's name. */
    private static String recordKey(Path stateFile) {
        return stateFile.getFileName().toString().replaceFirst("\\.checkpoint$", "");
    }

    /**
     * Exactly once: a transaction that wrote this checkpoint record is committed; a file read again in this run (it
     * grew while it was shipped, or its read failed) resumes there.
     */
    public void committed(Map.Entry<String, byte[]> checkpoint) {
        committed.put(checkpoint.getKey(), checkpoint.getValue());
    }

    /**
     * Exactly once: the checkpoint record a transaction writes after its last batch, as key and value. It says that
     * every line up to the batch's end is in Kafka, once the transaction is committed.
     */
    public Map.Entry<String, byte[]> inTransaction(LineBatch last) {
        Progress progress = open.get(last.source());
        Checkpoint start = progress.current();
        Checkpoint after = new Checkpoint(start.file(), last.endOffset(), last.lastLine(), start.head(),
                HexFormat.of().formatHex(last.tail()), false, start.inode());
        java.io.StringWriter text = new java.io.StringWriter();
        try {
            properties(after).store(text, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Map.entry(recordKey(stateFile(after)), text.toString().getBytes(StandardCharsets.UTF_8));
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
                LOG.atWarn().addKeyValue("file", checkpoint.file())
                        .log("Cannot write the checkpoint of {} in {}: {}; trying again every {} ms", checkpoint.file(),
                        directory, reason, intervalMillis);
            }
            return false;
        }
        if (notCurrent.remove(checkpoint.file()) != null) {
            LOG.atInfo().addKeyValue("file", checkpoint.file())
                    .log("The checkpoint of {} is written again", checkpoint.file());
        }
        return true;
    }

    private void save(Checkpoint checkpoint) throws IOException {
        if (committed != null) {
            // exactly once: each transaction writes its checkpoint to Kafka (inTransaction)
            return;
        }
        Files.createDirectories(directory);
        store(properties(checkpoint), stateFile(checkpoint));
    }

    /** Writes a checkpoint's properties atomically: a new file renamed over the old one. */
    private static void store(Properties p, Path target) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            p.store(writer, "log2kafka checkpoint: every line before offset is acknowledged");
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Properties properties(Checkpoint checkpoint) {
        Properties p = new Properties();
        p.setProperty("file", checkpoint.file());
        p.setProperty("destination", destination);
        p.setProperty("offset", Long.toString(checkpoint.offset()));
        p.setProperty("lines", Long.toString(checkpoint.lines()));
        p.setProperty("head", checkpoint.head().sha256());
        p.setProperty("head.length", Integer.toString(checkpoint.head().length()));
        p.setProperty("tail", checkpoint.tail());
        p.setProperty("complete", Boolean.toString(checkpoint.complete()));
        if (checkpoint.inode() != null) {
            p.setProperty("inode", checkpoint.inode());
        }
        return p;
    }

    /**
     * Every line before {@code offset} (there are {@code lines} of them) is acknowledged.
     *
     * @param file     the path the file had when the checkpoint was written
     * @param head     the fingerprint of its first bytes: its identity
     * @param tail     the last bytes before {@code offset}, in hex
     * @param complete the file was shipped to its end at the size {@code offset}
     * @param inode    the file system's identity of the file (device and inode), which names the checkpoint of a file
     *                 shorter than {@value #IDENTITY_BYTES} bytes; null if not known
     */
    public record Checkpoint(String file, long offset, long lines, Fingerprint head, String tail, boolean complete,
            String inode) {

        /** The same file from its beginning (--force). */
        public Checkpoint fromTheStart() {
            return new Checkpoint(file, 0, 0, head, "", false, inode);
        }
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
                current = new Checkpoint(current.file(), next.endOffset(), next.lastLine(), current.head(),
                        HexFormat.of().formatHex(next.tail()), false, current.inode());
                moved = true;
            }
        }

        synchronized long offset() {
            return current.offset();
        }

        synchronized Checkpoint current() {
            return current;
        }

        synchronized void saveIfMoved() {
            if (moved && write(current)) {
                moved = false;
            }
        }

        /** Writes the complete checkpoint, trying a few times: the file's lines are all acknowledged by now. */
        synchronized void complete() throws InterruptedException {
            current = new Checkpoint(current.file(), current.offset(), current.lines(), current.head(),
                    current.tail(), true, current.inode());
            for (int attempt = 1; !write(current) && attempt < COMPLETE_ATTEMPTS; attempt++) {
                Thread.sleep(intervalMillis);
            }
        }
    }
}
