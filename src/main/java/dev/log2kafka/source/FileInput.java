package dev.log2kafka.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;

/**
 * A file's lines as bytes: the file as it is, or its decompressed content if it is gzip (a rotated
 * `eduroam-nro.log.2.gz`), recognised by its first two bytes, not its name. Offsets, line numbers and fingerprints are
 * always of the decompressed bytes, so a file and its compressed rotation have the same ones; {@link #consumed()}
 * counts the file's own bytes, for the progress percentage.
 */
public final class FileInput extends FilterInputStream {

    /** Bytes at the start of a file that make its identity (as Filebeat's fingerprint: 1 KB). */
    public static final int IDENTITY_BYTES = 1024;
    private static final int GZIP_MAGIC_1 = 0x1f;
    private static final int GZIP_MAGIC_2 = 0x8b;

    private final Counting file;
    private final boolean gzip;

    private FileInput(Counting file, InputStream content, boolean gzip) {
        super(content);
        this.file = file;
        this.gzip = gzip;
    }

    /**
     * Opens the channel's file from its start (decompressing if it is gzip); closing the result closes the channel.
     */
    public static FileInput open(FileChannel channel) throws IOException {
        return open(channel, true);
    }

    /** The same, for a look at the file: closing the result leaves the channel open. */
    public static FileInput openShared(FileChannel channel) throws IOException {
        return open(channel, false);
    }

    private static FileInput open(FileChannel channel, boolean closesChannel) throws IOException {
        boolean gzip = isGzip(channel);
        channel.position(0);
        Counting file = new Counting(Channels.newInputStream(channel), closesChannel);
        return new FileInput(file, gzip ? new GZIPInputStream(file, 64 * 1024) : file, gzip);
    }

    /**
     * The bytes of a file from {@code from} up to {@code to}, read at their positions: the channel's own position is
     * not used, and closing the stream leaves the channel open (a followed file is read again and again).
     */
    public static InputStream slice(FileChannel channel, long from, long to) {
        return new InputStream() {
            private long position = from;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (position >= to) {
                    return -1;
                }
                int n = channel.read(ByteBuffer.wrap(b, off, (int) Math.min(len, to - position)), position);
                if (n > 0) {
                    position += n;
                }
                return n;
            }

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int available() {
                return (int) Math.min(Integer.MAX_VALUE, to - position);
            }
        };
    }

    /** The fingerprint of a file's first {@value #IDENTITY_BYTES} bytes (fewer if it is shorter), decompressed. */
    public static Fingerprint head(FileChannel channel) throws IOException {
        try (FileInput in = openShared(channel)) {
            return in.fingerprint(IDENTITY_BYTES);
        }
    }

    /** Whether the file starts with gzip's magic bytes. */
    public static boolean isGzip(FileChannel channel) throws IOException {
        ByteBuffer head = ByteBuffer.allocate(2);
        channel.read(head, 0);
        return head.position() == 2 && (head.get(0) & 0xff) == GZIP_MAGIC_1 && (head.get(1) & 0xff) == GZIP_MAGIC_2;
    }

    /** The size of a gzip file's content as its trailer gives it: its last four bytes, the size modulo 4 GiB. */
    public static long gzipSize(FileChannel channel) throws IOException {
        ByteBuffer trailer = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        channel.read(trailer, Math.max(0, channel.size() - 4));
        return trailer.position() == 4 ? Integer.toUnsignedLong(trailer.getInt(0)) : -1;
    }

    public boolean gzip() {
        return gzip;
    }

    /** Bytes of the file itself read so far (compressed bytes for gzip). */
    public long consumed() {
        return file.count;
    }

    /**
     * Moves to {@code offset} of the content; a plain file is positioned, a compressed one is read up to there.
     *
     * @return whether the content is that long
     */
    public boolean skipTo(long offset) throws IOException {
        long left = offset;
        while (left > 0) {
            long skipped = skip(left);
            if (skipped <= 0) {
                if (read() < 0) {
                    return false;
                }
                skipped = 1;
            }
            left -= skipped;
        }
        return true;
    }

    /** SHA-256, in hex, of the bytes read next, at most {@code length} of them; fewer if the content ends first. */
    public Fingerprint fingerprint(int length) throws IOException {
        byte[] bytes = readNBytes(length);
        return Fingerprint.of(bytes);
    }

    /** A hash of some bytes of a file and how many there were. */
    public record Fingerprint(String sha256, int length) {

        static Fingerprint of(byte[] bytes) {
            try {
                return new Fingerprint(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)),
                        bytes.length);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Counts the bytes read through it. */
    private static final class Counting extends FilterInputStream {
        private final boolean closes;
        long count;

        Counting(InputStream in, boolean closes) {
            super(in);
            this.closes = closes;
        }

        @Override
        public void close() throws IOException {
            if (closes) {
                super.close();
            }
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            long skipped = super.skip(n);
            count += skipped;
            return skipped;
        }
    }
}
