package dev.log2kafka.cli;

import org.apache.camel.CamelExchangeException;

/** Turns an exception chain into the one sentence a user reads. */
public final class Sentences {

    private Sentences() {
    }

    /** The innermost cause's message, without the wrappers that Camel's EIPs add around it. */
    public static String sentence(Throwable error) {
        Throwable cause = error;
        while (cause != null && cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof CamelExchangeException || cause.getMessage() == null
                        || cause instanceof java.util.concurrent.ExecutionException
                        || cause instanceof org.apache.camel.RuntimeCamelException)) {
            cause = cause.getCause();
        }
        if (cause == null) {
            return "unknown cause";
        }
        if (cause instanceof java.io.IOException io && (cause instanceof java.nio.file.FileSystemException)) {
            return ioProblem(io) + " (" + ((java.nio.file.FileSystemException) cause).getFile() + ")";
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** What went wrong with a file, in words: `permission denied`, `no space left on device`, ... */
    public static String ioProblem(java.io.IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "it does not exist";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** Whether the error, or any of its causes, is of the given type. */
    public static boolean isCausedBy(Throwable error, Class<? extends Throwable> type) {
        return causeOfType(error, type) != null;
    }

    /** The error itself or its first cause of the given type, or null. */
    public static <T extends Throwable> T causeOfType(Throwable error, Class<T> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }
}
