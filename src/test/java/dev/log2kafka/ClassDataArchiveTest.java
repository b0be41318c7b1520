package dev.log2kafka;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassDataArchiveTest {

    private static final List<String> OPTIONS = List.of("-XX:+UseParallelGC", "-Xmx256m");

    @TempDir
    Path dir;

    @Test
    void theArchivesAreKeptInTheUsersCacheDirectory() {
        assertEquals(Path.of("/c/log2kafka"), ClassDataArchive.cacheDirectory(Map.of("XDG_CACHE_HOME", "/c",
                "HOME", "/home/u")));
        assertEquals(Path.of("/home/u/.cache/log2kafka"), ClassDataArchive.cacheDirectory(Map.of("HOME", "/home/u")));
        // a service with no home of its own, `env -i`, a relative name: none
        assertNull(ClassDataArchive.cacheDirectory(Map.of("HOME", "/")));
        assertNull(ClassDataArchive.cacheDirectory(Map.of()));
        assertNull(ClassDataArchive.cacheDirectory(Map.of("XDG_CACHE_HOME", "cache")));
    }

    @Test
    void optionsThatChooseClassDataSharingThemselvesTurnItOff() throws Exception {
        Path jar = Files.writeString(dir.resolve("log2kafka.jar"), "a jar");
        Map<String, String> environment = Map.of("XDG_CACHE_HOME", dir.toString());

        assertNull(ClassDataArchive.of(environment, jar.toString(), List.of("-Xshare:off")));
        assertNull(ClassDataArchive.of(environment, jar.toString(), List.of("-XX:SharedArchiveFile=/x.jsa")));
        assertNull(ClassDataArchive.of(environment, jar + ":" + dir.resolve("other.jar"), OPTIONS));
    }

    @Test
    void aJvmThatCannotWriteTheArchiveIsNotAskedAgain() throws Exception {
        Path jar = Files.writeString(dir.resolve("log2kafka.jar"), "a jar");
        Map<String, String> environment = Map.of("XDG_CACHE_HOME", dir.toString());
        try (ClassDataArchive first = ClassDataArchive.of(environment, jar.toString(), OPTIONS)) {
            assertNotNull(first);
            // the first run lists the classes it loads
            String option = first.options().get(0);
            assertTrue(option.startsWith("-XX:DumpLoadedClassList="), option);
            Files.writeString(Path.of(option.substring(option.indexOf('=') + 1)), "java/lang/Object id: 0\n");

            first.afterRun(0, "/bin/false", OPTIONS);
        }

        assertNull(ClassDataArchive.of(environment, jar.toString(), OPTIONS));
        // a new build of the jar is asked again
        Files.writeString(jar, "a new build of the jar");
        try (ClassDataArchive rebuilt = ClassDataArchive.of(environment, jar.toString(), OPTIONS)) {
            assertNotNull(rebuilt);
            assertTrue(rebuilt.options().get(0).startsWith("-XX:DumpLoadedClassList="), rebuilt.options().toString());
        }
    }
}
