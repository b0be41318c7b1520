package dev.log2kafka.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Files moved to .done/ on a real file system: which of them have lines to ship, and which bytes cannot be. */
class LateWritesTest {

    @TempDir
    Path dir;

    private final LateWrites lateWrites = new LateWrites();

    @Test
    void aMovedFileThatGainsBytesIsReadFromWhereItsShippingEnded() throws IOException {
        Path done = shippedAndMoved("line 1\n");
        assertEquals(List.of(), lateWrites.filesToRead(5_000));

        append(done, "line 2\nli");
        List<LateWrites.MovedFile> toRead = lateWrites.filesToRead(5_000);
        assertEquals(1, toRead.size());
        LateWrites.MovedFile file = toRead.get(0);
        assertEquals(done, file.path());
        assertEquals(7, file.offset());
        assertEquals(1, file.lines());
        assertEquals(16, file.size());
        // just grown: a last line without its newline waits for it
        assertFalse(file.sendPartialLine());

        assertTrue(lateWrites.filesToRead(0).get(0).sendPartialLine(), "quiet for the wait: sent as it is");
        assertEquals(0, lateWrites.unshippedBytes());
    }

    @Test
    void bytesOfAMovedFileReplacedBeforeTheyWereShippedAreCounted() throws IOException {
        Path done = shippedAndMoved("line 1\n");
        append(done, "line 2\nline 3\n");
        assertEquals(1, lateWrites.filesToRead(5_000).size());

        Path other = Files.writeString(dir.resolve("other"), "another file\n");
        Files.move(other, done, StandardCopyOption.REPLACE_EXISTING);

        assertEquals(List.of(), lateWrites.filesToRead(5_000));
        assertEquals(14, lateWrites.unshippedBytes());
        // let go: the file now there is not looked at
        append(done, "more\n");
        assertEquals(List.of(), lateWrites.filesToRead(5_000));
    }

    /** A file shipped to its end, then moved to .done/ as the watch route does. */
    private Path shippedAndMoved(String content) throws IOException {
        Path file = Files.writeString(dir.resolve("app.log"), content);
        Object identity = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        lateWrites.shipped(file, identity, content.length(), content.lines().count(), new byte[0]);
        Path done = Files.createDirectories(dir.resolve(".done")).resolve("app.log");
        lateWrites.moved(file, done);
        Files.move(file, done);
        return done;
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.APPEND);
    }
}
