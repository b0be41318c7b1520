package dev.log2kafka.source;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's word that a file changed, for follow mode: a file written, truncated, created, renamed or deleted in a
 * watched directory (Java's WatchService: inotify on Linux). An event is a hint to look, never the truth: the look
 * itself finds out what changed, by identity and size, as it always did. What events cannot tell is found by looks
 * that come without them: a file renamed out of the directory or deleted while open and written on, a directory on a
 * network file system (another host's writes are not told), a directory that cannot be watched (no watch service, the
 * kernel's table of watches full: said once).
 */
final class FileEvents implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FileEvents.class);
    /** File systems whose files other hosts write: the kernel here is not told of those writes. */
    private static final List<String> NETWORK_FILE_SYSTEMS = List.of("nfs", "cifs", "smb", "fuse", "9p", "ceph",
            "glusterfs", "lustre", "gpfs", "afs", "davfs", "ncpfs");

    private final WatchService service;
    private final Map<Path, WatchKey> watched = new HashMap<>();
    /** Directories on a network file system: not watched. */
    private final Set<Path> network = new HashSet<>();
    private final Predicate<Path> relevant;
    private final Consumer<Path> created;
    /** Guards {@link #changed} and {@link #closed}; waited on by {@link #await}. */
    private final Object signal = new Object();
    private boolean changed;
    private boolean closed;
    private boolean saidCannotWatch;
    private boolean saidNetwork;

    /**
     * Starts taking the kernel's events on a thread of its own, so that they are taken while the follow route ships.
     *
     * @param relevant which files' changes are worth a look; the others are let pass
     * @param created  told at once of each relevant file created (or renamed into a watched directory), so that it can
     *                 be held open before it is deleted again
     */
    FileEvents(Predicate<Path> relevant, Consumer<Path> created) {
        this.relevant = relevant;
        this.created = created;
        WatchService made;
        try {
            made = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("Cannot be told of file changes ({}): followed files are looked at every log2kafka.follow-interval"
                    + " ms only", e.toString());
            made = null;
            saidCannotWatch = true;
        }
        this.service = made;
        if (service != null) {
            Thread taker = new Thread(this::take, "follow-events");
            taker.setDaemon(true);
            taker.start();
        }
    }

    /**
     * Watches a directory from now on, if it is not watched yet (again, if it was deleted and made anew).
     *
     * @return whether every change in it is told: it is watched, and not on a network file system
     */
    synchronized boolean watch(Path directory) {
        if (service == null || isClosed()) {
            return false;
        }
        WatchKey key = watched.get(directory);
        if (key != null && key.isValid()) {
            return true;
        }
        if (network.contains(directory)) {
            return false;
        }
        try {
            String type = Files.getFileStore(directory).type();
            if (isNetwork(type)) {
                network.add(directory);
                if (!saidNetwork) {
                    saidNetwork = true;
                    LOG.atInfo().addKeyValue("file", directory).log("{} is on a network file system ({}), whose"
                            + " changes made on other hosts are not told: its files are looked at every"
                            + " log2kafka.follow-interval ms", directory, type);
                }
                return false;
            }
            watched.put(directory, directory.register(service, StandardWatchEventKinds.ENTRY_CREATE,
                    StandardWatchEventKinds.ENTRY_DELETE, StandardWatchEventKinds.ENTRY_MODIFY));
            return true;
        } catch (NoSuchFileException e) {
            // not there (yet): looked at again at the next look
            watched.remove(directory);
            return false;
        } catch (ClosedWatchServiceException e) {
            // the run stops
            return false;
        } catch (IOException e) {
            watched.remove(directory);
            if (!saidCannotWatch) {
                saidCannotWatch = true;
                LOG.atWarn().addKeyValue("file", directory).log("Cannot be told of changes in {} ({}): its files are"
                        + " looked at every log2kafka.follow-interval ms (on Linux, a full table of watches is"
                        + " raised with sysctl fs.inotify.max_user_watches)", directory, e.toString());
            }
            return false;
        }
    }

    /** Whether a file system type (as /proc/mounts names it) may be one whose files other hosts write. */
    static boolean isNetwork(String type) {
        // nfs4, smb3, fuse.sshfs
        return NETWORK_FILE_SYSTEMS.stream().anyMatch(type::startsWith);
    }

    /**
     * Waits until a relevant file changed (or events may have been lost) since the last wait, or {@code maxMillis}
     * passed, or the events are closed.
     *
     * @return whether a change ended the wait
     */
    boolean await(long maxMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(maxMillis);
        synchronized (signal) {
            while (!changed && !closed) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(signal, left);
            }
            boolean was = changed;
            changed = false;
            return was;
        }
    }

    private boolean isClosed() {
        synchronized (signal) {
            return closed;
        }
    }

    /** The events thread: takes each watched directory's events as they come, until closed. */
    private void take() {
        try {
            while (true) {
                WatchKey key = service.take();
                Path directory = (Path) key.watchable();
                boolean any = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        any = true;
                        continue;
                    }
                    Path path = directory.resolve((Path) event.context());
                    if (relevant.test(path)) {
                        any = true;
                        if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE) {
                            created.accept(path);
                        }
                    }
                }
                // a directory deleted (or moved away) is watched again when a look finds it, and is worth a look now
                if (!key.reset() || any) {
                    synchronized (signal) {
                        changed = true;
                        signal.notifyAll();
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed: the run stops
        }
    }

    /** Ends the events thread and any wait, now and from now on: the run stops. */
    @Override
    public void close() {
        synchronized (signal) {
            closed = true;
            signal.notifyAll();
        }
        if (service != null) {
            try {
                service.close();
            } catch (IOException e) {
                // nothing to keep
            }
        }
    }
}
