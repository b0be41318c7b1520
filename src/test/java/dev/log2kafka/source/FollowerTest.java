package dev.log2kafka.source;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.zip.GZIPOutputStream;

import dev.log2kafka.delivery.Checkpoints;
import dev.log2kafka.delivery.DeadLetters;
import dev.log2kafka.delivery.LineLimit;
import dev.log2kafka.delivery.ShippingSteps;
import dev.log2kafka.progress.RunCounters;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The follower's looks at a real file, tick by tick, with the shipping steps and checkpoints a run uses; the lines a
 * tick reads are what a run would send. The order of writes and looks is the test's, so a rotation can fall between
 * two looks however slow a machine is.
 */
class FollowerTest {

    @TempDir
    Path dir;

    private final RunCounters progress = new RunCounters();
    private ShippingSteps shipping;
    private Follower follower;

    private void follow(String pattern) throws IOException {
        follow(pattern, () -> { });
    }

    /** A follower as a run starts it; {@code afterListing} runs once, between its first listing and opening. */
    private void follow(String pattern, Runnable afterListing) throws IOException {
        stop();
        follower = new Follower(FilePattern.parse(dir.resolve(pattern).toString()), progress, shipping(
                new Checkpoints(dir.resolve("state"), "topic", 1000)));
        AtomicBoolean once = new AtomicBoolean();
        follower.afterListing(() -> {
            if (!once.getAndSet(true)) {
                afterListing.run();
            }
        });
        follower.start();
    }

    private ShippingSteps shipping(Checkpoints checkpoints) {
        shipping = new ShippingSteps(progress, checkpoints, new DeadLetters(progress), false,
                new LineLimit(1_000_000, "test"), false, null, new LateWrites());
        return shipping;
    }

    @AfterEach
    void stop() {
        if (follower != null) {
            follower.close();
        }
    }

    /**
     * A line written to a followed file ends the wait for the next look (the kernel tells), and that look reads it.
     * Without the kernel's word the wait would run its 60 s.
     */
    @Test
    void aLineAppendedDuringTheWaitForTheNextLookEndsItAndIsRead() throws Exception {
        Path live = followAFileReadToItsEnd();

        CompletableFuture<Void> waited = awaitChange();
        write(live, List.of("second"), StandardOpenOption.APPEND);
        waited.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("second"), tick());
    }

    /**
     * A program deletes its log and creates it again, twice, while the follower is busy shipping (no look between):
     * the file made in between is held open as soon as the kernel tells it was created, and its lines are read through
     * that handle after it is deleted. Without the hold they were lost (FollowIT under a loaded machine).
     */
    @Test
    void aFileCreatedAndDeletedAgainBetweenTwoLooksIsReadThroughTheHandleHeldSinceItWasCreated() throws Exception {
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(lines("first", 10));
        write(live, expected, StandardOpenOption.CREATE_NEW);
        follow("app.log");
        assertEquals(expected, tick());

        Files.delete(live);
        List<String> between = lines("between", 20);
        write(live, between, StandardOpenOption.CREATE_NEW);
        await().atMost(Duration.ofSeconds(10)).until(() -> follower.heldFiles() == 1);
        Files.delete(live);
        List<String> last = lines("last", 5);
        write(live, last, StandardOpenOption.CREATE_NEW);

        List<String> shipped = tick();
        assertEquals(Set.copyOf(concat(between, last)), Set.copyOf(shipped));
        assertEquals(between.size() + last.size(), shipped.size(), "lines shipped twice: " + shipped);
        // three files, each counted, though the look that found the last two saw the first gone in the same look
        assertEquals(3, progress.snapshot().filesStarted());
    }

    private static List<String> concat(List<String> one, List<String> other) {
        List<String> both = new ArrayList<>(one);
        both.addAll(other);
        return both;
    }

    /**
     * A standby under --cluster-lock does not start its follower before it leads: its first tick looks at once, and the
     * ticks after wait for the kernel's word as any do (they failed at every tick, and it shipped nothing more).
     */
    @Test
    void aFollowerThatWasNotStartedLooksAtItsFirstTickAndThenWaitsForChanges() throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 5), StandardOpenOption.CREATE_NEW);
        follower = new Follower(FilePattern.parse(live.toString()), progress, shipping(new Checkpoints(
                dir.resolve("state"), "topic", 1000)));
        follower.awaitChange(60_000, 60_000);
        assertEquals(5, tick().size());
        follower.awaitChange(60_000, 60_000);
        assertEquals(List.of(), tick());

        CompletableFuture<Void> waited = awaitChange();
        write(live, List.of("second"), StandardOpenOption.APPEND);
        waited.get(10, TimeUnit.SECONDS);

        assertEquals(List.of("second"), tick());
    }

    /** A run that stops does not wait for the next look: the wait ends at once. */
    @Test
    void aStopEndsTheWaitForTheNextLook() throws Exception {
        followAFileReadToItsEnd();

        CompletableFuture<Void> waited = awaitChange();
        follower.stopWaiting();

        waited.get(10, TimeUnit.SECONDS);
    }

    /** A followed app.log of 5 lines, read, and looked at once more: the next look waits for a change. */
    private Path followAFileReadToItsEnd() throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 5), StandardOpenOption.CREATE_NEW);
        follow("app.log");
        assertEquals(5, tick().size());
        // the look after a read comes at once, and finds nothing new
        follower.awaitChange(60_000, 60_000);
        assertEquals(List.of(), tick());
        return live;
    }

    /** The follow route's wait for the next look, 60 s at most, on a thread of its own. */
    private CompletableFuture<Void> awaitChange() {
        return CompletableFuture.runAsync(() -> {
            try {
                follower.awaitChange(60_000, 60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * What changes are worth a look with a pattern of the live name only: the live file, a rotation's name of it
     * (copytruncate's copy, a compression), a followed file under the name a rotation gave it; not another log.
     */
    @Test
    void theChangesWorthALookAreThoseOfFollowedFilesAndOfTheirRotations() throws Exception {
        Path live = followAFileReadToItsEnd();
        assertTrue(follower.worthALook(live));
        assertTrue(follower.worthALook(dir.resolve("app.log-20261207")));
        assertFalse(follower.worthALook(dir.resolve("other.log")));

        Files.move(live, dir.resolve("renamed"));
        tick();
        assertTrue(follower.worthALook(dir.resolve("renamed")));
        assertTrue(follower.worthALook(live));
        assertFalse(follower.worthALook(dir.resolve("other.log")));
    }

    /**
     * logrotate's create renames the live file and creates a new one between the start's listing of the files and
     * its opening of them: the renamed file is followed where it is now and read to its end, the new one from its
     * start, and no line is lost.
     */
    @Test
    void aRotationBetweenTheListingAndTheOpeningOfTheFilesLosesNoLine() throws Exception {
        Path live = dir.resolve("app.log");
        List<String> expected = new ArrayList<>(lines("first", 50));
        write(live, expected, StandardOpenOption.CREATE_NEW);
        List<String> second = lines("second", 50);
        expected.addAll(second);
        follow("app.log", () -> {
            try {
                Files.move(live, dir.resolve("app.log.1"));
                write(live, second, StandardOpenOption.CREATE_NEW);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        List<String> shipped = tick();
        shipped.addAll(tick());
        assertEquals(Set.copyOf(expected), Set.copyOf(shipped));
        assertEquals(expected.size(), shipped.size(), "lines shipped twice: " + shipped);
    }

    /**
     * The listed file is deleted between the listing and the opening, and its inode goes to another file made at
     * once (logrotate deletes a compressed file's original, then writes its state file): that file is not taken for
     * the listed one. Here the other file is the listed one renamed and written again, which is what a reused inode
     * looks like from its identity.
     */
    @Test
    void aFileOnTheInodeOfAListedFileThatIsGoneIsNotTakenForIt() throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 50), StandardOpenOption.CREATE_NEW);
        follow("app.log", () -> {
            try {
                Path state = Files.move(live, dir.resolve("logrotate.state"));
                Files.writeString(state, "logrotate state -- version 2\n");
                Files.setLastModifiedTime(state, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });

        assertEquals(List.of(), tick());
    }

    /**
     * A file under 1 KB when it was first seen (known by fewer of its first bytes), truncated (copytruncate) and
     * written past where it was read before the next look: it is read again from its start.
     */
    @Test
    void aShortFileTruncatedAndWrittenPastWhereItWasReadBeforeTheNextLookIsReadFromItsStart() throws Exception {
        Path live = dir.resolve("app.log");
        List<String> first = lines("first", 5);
        write(live, first, StandardOpenOption.CREATE_NEW);
        follow("app.log");
        assertEquals(first, tick());

        List<String> second = lines("second", 100);
        write(live, second, StandardOpenOption.TRUNCATE_EXISTING);

        assertEquals(second, tick());
        assertEquals(List.of(), tick());
    }

    /**
     * Stopped across two rotations of a log followed by its live name only, started again while logrotate compresses
     * the older rotation (its .gz still empty): the lines after the checkpoint come from the uncompressed file, the
     * file rotated away while stopped is shipped whole, and the .gz is not taken for a file of lines.
     */
    @Test
    void aCompressedRotationBeingWrittenAtStartIsNotReadAsLines() throws Exception {
        stoppedAcrossTwoRotationsAndStartedDuringTheCompression(false);
    }

    /** The same with the .gz written, its uncompressed file not deleted yet: the lines are shipped once. */
    @Test
    void aCompressedRotationBesideItsUncompressedFileAtStartSendsItsLinesOnce() throws Exception {
        stoppedAcrossTwoRotationsAndStartedDuringTheCompression(true);
    }

    private void stoppedAcrossTwoRotationsAndStartedDuringTheCompression(boolean compressed) throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 50), StandardOpenOption.CREATE_NEW);
        follow("app.log");
        assertEquals(50, tick().size());

        List<String> expected = new ArrayList<>(lines("more", 5));
        write(live, expected, StandardOpenOption.APPEND);
        Files.move(live, dir.resolve("app.log.2"));
        List<String> second = lines("second", 50);
        write(dir.resolve("app.log.1"), second, StandardOpenOption.CREATE_NEW);
        expected.addAll(second);
        Path gz = Files.createFile(dir.resolve("app.log.2.gz"));
        if (compressed) {
            gzip(dir.resolve("app.log.2"), gz);
        }
        List<String> third = lines("third", 5);
        write(live, third, StandardOpenOption.CREATE_NEW);
        expected.addAll(third);
        follow("app.log");
        gzip(dir.resolve("app.log.2"), gz);

        List<String> shipped = tick();
        Thread.sleep(1100);
        shipped.addAll(tick());
        assertEquals(Set.copyOf(expected), Set.copyOf(shipped));
        assertEquals(expected.size(), shipped.size(), "lines shipped twice: " + shipped);
    }

    private static void gzip(Path from, Path to) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(to))) {
            out.write(Files.readAllBytes(from));
        }
    }

    /**
     * copytruncate with compress under a pattern of all names, all of it between two looks: the copy, its .gz (the
     * uncompressed copy not deleted yet) and the truncation are seen at once. The lines written after the last look
     * and before the copy are shipped once, from one of the copies.
     */
    @Test
    void aCopyAndItsCompressionSeenInTheSameLookShipTheLinesAfterTheLastReadOnce() throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 100), StandardOpenOption.CREATE_NEW);
        follow("app.log*");
        assertEquals(100, tick().size());

        List<String> expected = new ArrayList<>(lines("window", 20));
        write(live, expected, StandardOpenOption.APPEND);
        Files.copy(live, dir.resolve("app.log.1"));
        gzip(dir.resolve("app.log.1"), dir.resolve("app.log.1.gz"));
        List<String> after = lines("after", 10);
        write(live, after, StandardOpenOption.TRUNCATE_EXISTING);
        expected.addAll(after);

        List<String> shipped = tick();
        Thread.sleep(1100);
        shipped.addAll(tick());
        assertEquals(Set.copyOf(expected), Set.copyOf(shipped));
        assertEquals(expected.size(), shipped.size(), "lines shipped twice: " + shipped);
    }

    /**
     * copytruncate, and the writer appends between logrotate's copy and its truncation, and the follower reads those
     * lines from the live file before it is truncated: the copy ends before where the original was read, so it holds
     * nothing that was not shipped, and nothing is read from it (it was read again from its start).
     */
    @Test
    void aCopyThatEndsBeforeWhereItsOriginalWasReadShipsNothingAgain() throws Exception {
        Path live = dir.resolve("app.log");
        write(live, lines("first", 100), StandardOpenOption.CREATE_NEW);
        follow("app.log");
        assertEquals(100, tick().size());

        Files.copy(live, dir.resolve("app.log-20261208"));
        List<String> window = lines("window", 20);
        write(live, window, StandardOpenOption.APPEND);
        assertEquals(window, tick());
        List<String> after = lines("after", 10);
        write(live, after, StandardOpenOption.TRUNCATE_EXISTING);

        List<String> shipped = tick();
        Thread.sleep(1100);
        shipped.addAll(tick());
        assertEquals(after, shipped);
    }

    /** The lines every file with new bytes holds, read as the follow route reads them and acknowledged. */
    private List<String> tick() throws Exception {
        List<String> read = new ArrayList<>();
        for (FollowedFile file : follower.filesToRead(60_000, 60)) {
            try (LineReader reader = shipping.follow(file, 1000)) {
                while (reader.hasNext()) {
                    LineBatch batch = reader.next();
                    for (Line line : batch) {
                        read.add(new String(line.bytes(), StandardCharsets.UTF_8));
                    }
                    shipping.acknowledged(batch);
                }
                shipping.ended(reader);
                follower.readTo(file, reader);
            }
        }
        return read;
    }

    private static List<String> lines(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            lines.add(prefix + " line " + i);
        }
        return lines;
    }

    private static void write(Path file, List<String> lines, StandardOpenOption option) throws IOException {
        Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE,
                StandardOpenOption.CREATE, option);
    }
}
