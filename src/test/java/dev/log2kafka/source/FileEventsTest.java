package dev.log2kafka.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kernel's word that a file changed, on a real directory: a wait ends on a change worth a look, and only then. */
class FileEventsTest {

    @TempDir
    Path dir;

    private final List<Path> created = new CopyOnWriteArrayList<>();
    private FileEvents events;

    private void watch(Path directory, Predicate<Path> relevant) {
        events = new FileEvents(relevant, created::add);
        assertTrue(events.watch(directory));
    }

    @AfterEach
    void close() {
        if (events != null) {
            events.close();
        }
    }

    @Test
    void aLineWrittenEndsTheWait() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "first\n");
        watch(dir, log::equals);
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return events.await(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Files.writeString(log, "second\n", StandardOpenOption.APPEND);

        assertTrue(waited.get(10, TimeUnit.SECONDS));
    }

    @Test
    void aRenameIntoTheDirectoryAndATruncationEachEndTheWait() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "first\n");
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));
        Path next = Files.writeString(elsewhere.resolve("next.log"), "next\n");
        watch(dir, path -> path.equals(log) || path.equals(dir.resolve("app.log.new")));
        Files.move(next, dir.resolve("app.log.new"));
        assertTrue(events.await(10_000));
        assertEquals(List.of(dir.resolve("app.log.new")), created, "told of the file renamed in as created");

        Files.writeString(log, "", StandardOpenOption.TRUNCATE_EXISTING);
        assertTrue(events.await(10_000));
    }

    @Test
    void changesOfFilesThatAreNotWorthALookLetTheWaitRunToItsEnd() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "first\n");
        watch(dir, log::equals);
        Files.writeString(dir.resolve("other.txt"), "noise\n");

        assertFalse(events.await(300));
        assertEquals(List.of(), created);
    }

    @Test
    void aDirectoryDeletedAndMadeAgainIsWatchedAgain() throws Exception {
        Path logs = Files.createDirectory(dir.resolve("logs"));
        watch(logs, path -> path.getFileName().toString().equals("app.log"));
        Files.delete(logs);
        // the watch ends with its directory: worth a look, which watches the new one
        assertTrue(events.await(10_000));
        Files.createDirectory(logs);
        assertTrue(events.watch(logs));
        Files.writeString(logs.resolve("app.log"), "first\n");

        assertTrue(events.await(10_000));
    }

    @Test
    void closingEndsAWait() throws Exception {
        watch(dir, path -> true);
        CompletableFuture<Boolean> waited = CompletableFuture.supplyAsync(() -> {
            try {
                return events.await(60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        events.close();

        assertFalse(waited.get(10, TimeUnit.SECONDS));
    }

    @Test
    void networkFileSystemsAreToldFromLocalOnes() {
        for (String network : new String[] {"nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p", "ceph"}) {
            assertTrue(FileEvents.isNetwork(network), network);
        }
        for (String local : new String[] {"ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs"}) {
            assertFalse(FileEvents.isNetwork(local), local);
        }
    }
}
