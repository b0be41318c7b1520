package dev.log2kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.SettingsException;
import dev.log2kafka.kafka.KafkaClientSettings;
import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.SourceMode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The checks made before anything starts, each failing with one sentence that names the file or setting. */
final class Preflight {

    private static final Logger LOG = LoggerFactory.getLogger(Preflight.class);

    private Preflight() {
    }

    /**
     * The files a one-shot run will ship, after checking that they exist and can be read; none for watch mode (whose
     * directory must exist) and standard input.
     */
    static List<Path> inputFiles(FilePattern pattern, SourceMode mode) throws IOException {
        if (mode == SourceMode.STANDARD_INPUT) {
            return List.of();
        }
        if (!Files.isDirectory(pattern.directory())) {
            throw new SettingsException("Directory " + pattern.directory() + " of pattern " + pattern
                    + " does not exist.");
        }
        if (mode == SourceMode.WATCH) {
            return List.of();
        }
        List<Path> files = pattern.matchingFiles();
        if (files.isEmpty()) {
            throw new SettingsException("No file matches " + pattern + ".");
        }
        for (Path file : files) {
            try (InputStream in = Files.newInputStream(file)) {
                in.read();
            } catch (IOException e) {
                throw new SettingsException("File " + file + " cannot be read: " + reason(e) + ".");
            }
        }
        return files;
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "it does not exist (a broken link?)";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        return e.getMessage();
    }

    /**
     * The Kafka client settings of the properties file, logged with secrets masked. The embedded broker needs no
     * such file, but producer settings in one still apply.
     */
    static Map<String, String> kafkaClientSettings(Options options, Map<String, String> environment) {
        Path file = options.kafkaConfig();
        if (options.embeddedKafka() && !Files.exists(file)) {
            return new LinkedHashMap<>();
        }
        Map<String, String> kafka = KafkaClientSettings.load(file, environment);
        LOG.info("Kafka client settings from {}: {}", file, KafkaClientSettings.masked(kafka));
        maxLineBytes(kafka);
        return kafka;
    }

    /**
     * The longest line that fits in a record: the producer's max.request.size less the overhead of a batch of one
     * record (61 bytes of batch header, at most 21 of record framing; no key, no headers), rounded up for safety.
     */
    static int maxLineBytes(Map<String, String> kafka) {
        String maxRequestSize = kafka.getOrDefault("max.request.size", "1048576");
        try {
            return Integer.parseInt(maxRequestSize.trim()) - 128;
        } catch (NumberFormatException e) {
            throw new SettingsException("Kafka properties file: max.request.size must be a number of bytes, not '"
                    + maxRequestSize + "'.");
        }
    }
}
