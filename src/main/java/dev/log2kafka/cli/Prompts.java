package dev.log2kafka.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

import dev.log2kafka.source.FilePattern;
import dev.log2kafka.source.SourceMode;
import picocli.CommandLine;

/**
 * Asks for the four settings on the terminal, as the original tool did: `Enter Kafka topic (default: eduroam-log):`.
 * Enter keeps the default; a wrong answer is explained and the question asked again.
 */
public final class Prompts {

    private final BufferedReader in;
    private final PrintStream out;

    public Prompts(BufferedReader in, PrintStream out) {
        this.in = in;
        this.out = out;
    }

    /**
     * Asks the four questions, each with the value that applies now as its default, and sets the answers: they were
     * typed last, so they win over every other source.
     */
    public void ask(Options options) throws IOException {
        boolean embeddedKafka = options.embeddedKafka();
        String kafkaConfig = ask("Kafka properties file", options.kafkaConfig().toString(), answer ->
                embeddedKafka || Files.isRegularFile(Path.of(answer)) ? null : "There is no file " + answer + ".");
        String topic = ask("Kafka topic", options.topic(), answer -> check(new Options.TopicName(), answer,
                "A topic name has 1 to 249 letters, digits, '.', '_' or '-'."));
        String files = ask("log file or pattern", options.files(), Prompts::checkPattern);
        String batchSize = ask("batch size", Integer.toString(options.batchSize()),
                answer -> check(new Options.PositiveInt(), answer, "The batch size must be a positive number."));
        options.answered(Path.of(kafkaConfig), topic, files, Integer.parseInt(batchSize));
    }

    /** null if the option's own converter takes the answer, else {@code wrong}. */
    private static String check(CommandLine.ITypeConverter<?> converter, String answer, String wrong) {
        try {
            converter.convert(answer);
            return null;
        } catch (Exception e) {
            return wrong;
        }
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
        if (SourceMode.STANDARD_INPUT_NAME.equals(answer)) {
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
