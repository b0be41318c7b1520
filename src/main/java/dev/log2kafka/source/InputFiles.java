package dev.log2kafka.source;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which files the routes' file consumers take (bean `inputFiles`, their `filter`): one-shot, exactly the files the
 * check before the run listed; watch mode, the regular files the pattern matches, by the same matcher, that no process
 * holds open for writing ({@link Writers}): a writer that pauses longer than the quiet time with its file open would
 * otherwise see the file moved to .done/ under it, and what it wrote after that never shipped. Links to directories
 * are not walked into, so a link loop or a second path into a directory cannot make a file ship twice.
 */
public final class InputFiles implements GenericFileFilter<File> {

    private static final Logger LOG = LoggerFactory.getLogger(InputFiles.class);

    private final FilePattern pattern;
    private final Set<Path> listed;
    private final Set<Path> warned = ConcurrentHashMap.newKeySet();
    /** Watch mode: files left for now because a process holds them open for writing (said once each). */
    private final Set<Path> writing = ConcurrentHashMap.newKeySet();
    private final Writers writers = new Writers();

    /** @param listed the files a one-shot run ships; null in watch mode */
    public InputFiles(FilePattern pattern, List<Path> listed) {
        this.pattern = pattern;
        this.listed = listed == null ? null
                : listed.stream().map(p -> p.toAbsolutePath().normalize()).collect(Collectors.toSet());
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        Path path = Path.of(file.getAbsoluteFilePath()).normalize();
        if (file.isDirectory()) {
            return !Files.isSymbolicLink(path);
        }
        if (listed != null) {
            return listed.contains(path);
        }
        if (!pattern.matches(path)) {
            return false;
        }
        if (!Files.isRegularFile(path)) {
            if (warned.add(path)) {
                LOG.warn("Skipping {}: it is not a regular file (a named pipe, socket or device)", path);
            }
            return false;
        }
        OptionalLong writer = writers.of(path);
        if (writer.isPresent()) {
            if (writing.add(path)) {
                LOG.atInfo().addKeyValue("file", path).log("{} is open for writing (process {}, {}); it is taken"
                        + " once it is closed", path, writer.getAsLong(), Writers.command(writer.getAsLong()));
            }
            return false;
        }
        writing.remove(path);
        return true;
    }
}
