package dev.log2kafka.cli;

/** A setting or an input the user can correct; its message is the one sentence that is printed. */
public class SettingsException extends RuntimeException {

    public SettingsException(String sentence) {
        super(sentence);
    }
}
