package dev.log2kafka.source;

/**
 * What log2kafka reads, and so which source route of `routes/ship-files.camel.yaml` runs: each route's
 * `precondition` compares `{{log2kafka.mode}}` with its {@link #id()}.
 */
public enum SourceMode {

    /** The files that match the pattern now, left where they are; the run ends after the last one. */
    ONE_SHOT("one-shot", true),
    /** Every file that appears in the pattern's directory, moved to .done/ or .failed/; runs until stopped. */
    WATCH("watch", false),
    /** Every file that matches, followed as it grows and across rotations; runs until stopped. */
    FOLLOW("follow", false),
    /** Standard input (`--files -`), to its end. */
    STANDARD_INPUT("stdin", true);

    /** The `--files` value that means standard input. */
    public static final String STANDARD_INPUT_NAME = "-";

    private final String id;
    private final boolean endsWithItsInput;

    SourceMode(String id, boolean endsWithItsInput) {
        this.id = id;
        this.endsWithItsInput = endsWithItsInput;
    }

    /** The value of `log2kafka.mode` in the routes. */
    public String id() {
        return id;
    }

    /**
     * Whether the run ends when its input is shipped. Such a run also stops reading at Ctrl-C (the file in flight is
     * unfinished and resumes next time) and remembers completed files in their checkpoints; a watcher instead
     * finishes the file in flight, and forgets a file once it is moved to .done/.
     */
    public boolean endsWithItsInput() {
        return endsWithItsInput;
    }

    /** Whether a stop ends reading at the next batch (the rest is read next time), rather than after the file. */
    public boolean stopsReadingAtOnce() {
        return this != WATCH;
    }
}
