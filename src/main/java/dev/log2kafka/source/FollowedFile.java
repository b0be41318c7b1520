package dev.log2kafka.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

import dev.log2kafka.source.FileInput.Fingerprint;

/**
 * One file that follow mode follows, open from when it is first seen until it is let go, so that a file renamed by a
 * rotation (or deleted) is still read to its end through the same handle. It knows how far it was read; where a run
 * starts it is known only once its checkpoint is looked up ({@link #offset()} is -1 until then).
 */
public final class FollowedFile {

    private final Object key;
    private final FileChannel channel;
    private final boolean gzip;
    // volatile: the stall watch reads path and offset without the follower's lock
    private volatile Path path;
    private Fingerprint head;
    private boolean headGrew;
    private volatile long offset = -1;
    private long lines;
    private byte[] tail = new byte[0];
    /** The size this tick reads up to. */
    private long size;
    /** The size the last read went up to; -1 before. */
    private long readSize = -1;
    private long lastSize = -1;
    private long lastGrowthNanos = System.nanoTime();
    private boolean matching = true;
    private boolean sendPartialLine;
    /** A file with the same first bytes as this one, not read while this one is followed (a copy of it). */
    private FollowedFile copyOf;

    FollowedFile(Object key, Path path, FileChannel channel, Fingerprint head, boolean gzip) {
        this.key = key;
        this.path = path;
        this.channel = channel;
        this.head = head;
        this.gzip = gzip;
    }

    /** The file's path now (it changes when a rotation renames it). */
    public Path path() {
        return path;
    }

    public FileChannel channel() {
        return channel;
    }

    /** Compressed: read once, to its end, as its decompressed lines. */
    public boolean gzip() {
        return gzip;
    }

    public Fingerprint head() {
        return head;
    }

    /** Whether the file's identity grew from a short one to a full one since it was last read. */
    public boolean headGrew() {
        return headGrew;
    }

    /** Where the next read starts, in the file's (decompressed) bytes; -1 until its checkpoint is looked up. */
    public long offset() {
        return offset;
    }

    public long lines() {
        return lines;
    }

    /** The last bytes before {@link #offset()}, for its checkpoint. */
    public byte[] tail() {
        return tail;
    }

    /** Where this read ends: the file's size when the tick looked. */
    public long size() {
        return size;
    }

    /** Whether a last line without its newline is sent as it is (the file has been quiet long enough, or is let go). */
    public boolean sendPartialLine() {
        return sendPartialLine;
    }

    /** The file was read up to {@code offset}, with {@code lines} lines before it. */
    public void readTo(long offset, long lines, byte[] tail) {
        this.offset = offset;
        this.lines = lines;
        this.tail = tail;
        this.headGrew = false;
    }

    /** The file was truncated: it is read again from its start, as the file its first bytes now make. */
    void restart(Fingerprint newHead) {
        readTo(0, 0, new byte[0]);
        readSize = -1;
        head(newHead);
    }

    long readSize() {
        return readSize;
    }

    void readSize(long readSize) {
        this.readSize = readSize;
    }

    /** The file system's identity of the file (device and inode). */
    public Object key() {
        return key;
    }

    boolean matching() {
        return matching;
    }

    void matching(boolean matching) {
        this.matching = matching;
    }

    void renamed(Path to) {
        this.path = to;
    }

    void head(Fingerprint grown) {
        this.head = grown;
        this.headGrew = true;
    }

    FollowedFile copyOf() {
        return copyOf;
    }

    void copyOf(FollowedFile original) {
        this.copyOf = original;
    }

    /**
     * Looks at the file's size now: whether it has bytes to read, and how long it has been quiet.
     *
     * @return the size now
     */
    long look(long nowNanos) throws IOException {
        size = channel.size();
        if (size != lastSize) {
            lastSize = size;
            lastGrowthNanos = nowNanos;
        }
        return size;
    }

    long quietNanos(long nowNanos) {
        return nowNanos - lastGrowthNanos;
    }

    void sendPartialLine(boolean send) {
        this.sendPartialLine = send;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing is written through it
        }
    }
}
