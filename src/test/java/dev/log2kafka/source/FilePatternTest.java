package dev.log2kafka.source;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilePatternTest {

    @TempDir
    Path dir;

    @Test
    void aPatternSplitsIntoTheDirectoryBeforeTheFirstWildcardAndAnInclude() {
        FilePattern p = FilePattern.parse("/eduroam/kafka-log/*.log");
        assertEquals(Path.of("/eduroam/kafka-log"), p.directory());
        assertEquals("*.log", p.include());
        assertFalse(p.recursive());

        FilePattern deep = FilePattern.parse("/var/log/**/radius-?.log");
        assertEquals(Path.of("/var/log"), deep.directory());
        assertEquals("**/radius-?.log", deep.include());
        assertTrue(deep.recursive());

        FilePattern single = FilePattern.parse("/eduroam/kafka-log/eduroam-nro.log");
        assertEquals(Path.of("/eduroam/kafka-log"), single.directory());
        assertEquals("eduroam-nro.log", single.include());

        assertEquals(Path.of("."), FilePattern.parse("*.log").directory());
    }

    @Test
    void matchingFilesSkipsDirectoriesHiddenFilesAndDoneFolders() throws Exception {
        Files.createDirectories(dir.resolve("x.log"));
        Files.createDirectories(dir.resolve(".done"));
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("b.log"), "");
        Files.writeString(dir.resolve("a.log"), "");
        Files.writeString(dir.resolve(".hidden.log"), "");
        Files.writeString(dir.resolve(".done/old.log"), "");
        Files.writeString(dir.resolve("sub/c.log"), "");

        assertEquals(List.of(dir.resolve("a.log"), dir.resolve("b.log")),
                FilePattern.parse(dir + "/*.log").matchingFiles());
        assertEquals(List.of(dir.resolve("a.log"), dir.resolve("b.log"), dir.resolve("sub/c.log")),
                FilePattern.parse(dir + "/**/*.log").matchingFiles());
        assertEquals(List.of(dir.resolve("sub/c.log")), FilePattern.parse(dir + "/s?b/*.log").matchingFiles());
    }
}
