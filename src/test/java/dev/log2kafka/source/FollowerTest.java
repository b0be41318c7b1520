package dev.log2kafka.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import dev.log2kafka.delivery.Checkpoints;
import dev.log2kafka.delivery.DeadLetters;
import dev.log2kafka.delivery.LineLimit;
import dev.log2kafka.delivery.ShippingSteps;
import dev.log2kafka.progress.RunCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        Checkpoints checkpoints = new Checkpoints(dir.resolve("state"), "topic", 1000);
        shipping = new ShippingSteps(progress, checkpoints, new DeadLetters(progress), false,
                new LineLimit(1_000_000, "test"), false, null, new LateWrites());
        follower = new Follower(FilePattern.parse(dir.resolve(pattern).toString()), progress, shipping);
        follower.start();
    }

    /**
     * A file under 1 KB when it was first seen (known by fewer of its first bytes), truncated (copytruncate) and
     * written past where it was read before the next look: it is read again from its start.
     */
    @Test
    void aShortFileTruncatedAndWrittenPastWhereItWasReadBeforeTheNextLookIsReadFromItsStart() throws IOException {
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

    /** The lines every file with new bytes holds, read as the follow route reads them. */
    private List<String> tick() throws IOException {
        List<String> read = new ArrayList<>();
        for (FollowedFile file : follower.filesToRead(60_000, 60)) {
            try (LineReader reader = shipping.follow(file, 1000)) {
                while (reader.hasNext()) {
                    for (Line line : reader.next()) {
                        read.add(new String(line.bytes(), StandardCharsets.UTF_8));
                    }
                }
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
