package dev.log2kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Asks for the four settings on the terminal, as the original tool did: `Enter Kafka topic (default: eduroam-log):`.
 * Enter keeps the default; a wrong answer is explained and the question asked again.
 */
final class Prompts {

    private final BufferedReader in;
    private final PrintStream out;

    Prompts(BufferedReader in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /** The answers as command-line options, to be resolved over the other settings. */
    List<String> ask(Settings defaults, boolean embeddedKafka) throws IOException {
        List<String> args = new ArrayList<>();
        args.add("--" + Settings.KAFKA_CONFIG.name());
        args.add(ask("Kafka properties file", defaults.get(Settings.KAFKA_CONFIG), answer ->
                embeddedKafka || Files.isRegularFile(Path.of(answer)) ? null
                        : "There is no file " + answer + "."));
        args.add("--" + Settings.TOPIC.name());
        args.add(ask("Kafka topic", defaults.get(Settings.TOPIC), answer ->
                answer.matches("[a-zA-Z0-9._-]{1,249}") ? null
                        : "A topic name has 1 to 249 letters, digits, '.', '_' or '-'."));
        args.add("--" + Settings.FILES.name());
        args.add(ask("log file or pattern", defaults.get(Settings.FILES), Prompts::checkPattern));
        args.add("--" + Settings.BATCH_SIZE.name());
        args.add(ask("batch size", defaults.get(Settings.BATCH_SIZE), answer -> {
            try {
                return Integer.parseInt(answer) > 0 ? null : "The batch size must be a positive number.";
            } catch (NumberFormatException e) {
                return "The batch size must be a positive number.";
            }
        }));
        return args;
    }

    private String ask(String what, String defaultValue, Function<String, String> problem) throws IOException {
        while (true) {
            out.print("Enter " + what + " (default: " + defaultValue + "): ");
            out.flush();
            String line = in.readLine();
            if (line == null) {
                throw new SettingsException("No answer for the " + what + ": standard input ended.");
            }
            String answer = line.isBlank() ? defaultValue : line.trim();
            String wrong = problem.apply(answer);
            if (wrong == null) {
                return answer;
            }
            out.println(wrong + " Please try again.");
        }
    }

    private static String checkPattern(String answer) {
        if (LineBatches.STANDARD_INPUT.equals(answer)) {
            return null;
        }
        FilePattern pattern = FilePattern.parse(answer);
        if (!Files.isDirectory(pattern.directory())) {
            return "The directory " + pattern.directory() + " does not exist.";
        }
        try {
            return pattern.matchingFiles().isEmpty() ? "No file matches " + answer + "." : null;
        } catch (IOException e) {
            return "Cannot list " + pattern.directory() + ": " + e.getMessage();
        }
    }
}
