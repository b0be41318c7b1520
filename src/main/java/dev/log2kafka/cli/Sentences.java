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
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message;
    }

    /** Whether the error, or any of its causes, is of the given type. */
    public static boolean isCausedBy(Throwable error, Class<? extends Throwable> type) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
