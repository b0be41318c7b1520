package dev.log2kafka.delivery;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.SettingsException;

/**
 * One run per state directory: the file `lock` in it, locked for the run's life and holding the run's process id.
 * Two runs on one state directory would both ship the same files; the second is refused instead. Taking the lock also
 * proves that the directory can be written, before anything is sent.
 */
public final class StateLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws SettingsException   if the directory cannot be created or written
     * @throws InUseException      if another run holds it
     */
    public static StateLock acquire(Path directory) {
        writable(directory);
        FileChannel channel;
        try {
            channel = FileChannel.open(directory.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new SettingsException("State directory " + directory + " cannot be written: "
                    + Sentences.ioProblem(e) + " (set another with --state-dir).");
        }
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String holder = new String(Files.readAllBytes(directory.resolve("lock")), StandardCharsets.US_ASCII)
                        .strip();
                channel.close();
                throw new InUseException("State directory " + directory + " is in use by another log2kafka run"
                        + (holder.isEmpty() ? "" : " (process " + holder + ")")
                        + "; wait for it to end, or give this run a --state-dir of its own.");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            return new StateLock(channel, lock);
        } catch (IOException e) {
            throw new SettingsException("State directory " + directory + " cannot be written: "
                    + Sentences.ioProblem(e) + " (set another with --state-dir).");
        }
    }

    /**
     * Makes the directory if it is not there and proves that checkpoints can be written in it; for instances that
     * share it under a cluster lock, which decides instead which of them ships.
     *
     * @throws SettingsException if the directory cannot be created or written
     */
    public static void writable(Path directory) {
        try {
            Files.createDirectories(directory);
            // checkpoints are new files in it: make one, as they will be made
            Files.delete(Files.createTempFile(directory, "probe", ".tmp"));
        } catch (IOException e) {
            throw new SettingsException("State directory " + directory + " cannot be written: "
                    + Sentences.ioProblem(e) + " (set another with --state-dir).");
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // held by another run in this same JVM
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }

    /** Another run holds the state directory. */
    public static final class InUseException extends RuntimeException {

        InUseException(String sentence) {
            super(sentence);
        }
    }
}
