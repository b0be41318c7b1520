package dev.log2kafka;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.message.Message;

/**
 * A JVM error (OutOfMemoryError, StackOverflowError: any {@link VirtualMachineError}) in any thread ends the run within
 * seconds, with a sentence that names the thread and exit code 1. Left alone, a thread that dies of one, or a framework
 * that catches and logs it (the Kafka producer's network thread, Camel's error handler, the file consumer), leaves the
 * run alive and doing nothing. The checkpoints are written as far as Kafka acknowledged before the process halts (or
 * stay as last written, at most --checkpoint-interval ago, if that cannot be done in {@value #SAVE_SECONDS} s), so a
 * rerun resumes there.
 * <p>
 * Errors are seen in two places: the default handler of threads that die of any Error, and every log call made with a
 * VirtualMachineError (a Log4j context-wide filter, which sees each call before its level is looked at).
 */
final class JvmErrors {

    private static final long SAVE_SECONDS = 2;
    /** Set once errors end the run: what writes the checkpoints. */
    private static volatile Runnable saveCheckpoints;
    private static volatile PrintStream err;

    private JvmErrors() {
    }

    /**
     * @param saveCheckpoints writes the checkpoints as far as Kafka acknowledged
     * @param err             where the sentence goes
     */
    static void endRunOnError(Runnable saveCheckpoints, PrintStream err) {
        JvmErrors.saveCheckpoints = saveCheckpoints;
        JvmErrors.err = err;
        Thread.setDefaultUncaughtExceptionHandler((thread, e) -> {
            if (e instanceof Error) {
                halt(thread, e);
            }
            // what the JVM prints by itself
            err.print("Exception in thread \"" + thread.getName() + "\" ");
            e.printStackTrace(err);
        });
        watchLogs();
    }

    /** The logging configuration was replaced (--log-format): the new one is watched too. */
    static void loggingReconfigured() {
        if (saveCheckpoints != null) {
            watchLogs();
        }
    }

    private static void watchLogs() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().addFilter(new AbstractFilter() {
            @Override
            public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
                if (params != null && params.length > 0) {
                    look(params[params.length - 1]);
                }
                return Result.NEUTRAL;
            }

            @Override
            public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
                look(t);
                return Result.NEUTRAL;
            }

            @Override
            public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
                look(t);
                return Result.NEUTRAL;
            }

            @Override
            public Result filter(LogEvent event) {
                look(event.getThrown());
                return Result.NEUTRAL;
            }

            private void look(Object logged) {
                for (Object cause = logged; cause instanceof Throwable t; cause = t.getCause() == t ? null
                        : t.getCause()) {
                    if (t instanceof VirtualMachineError) {
                        halt(Thread.currentThread(), t);
                    }
                }
            }
        });
    }

    private static void halt(Thread thread, Throwable error) {
        try {
            err.println("log2kafka failed: " + error.getClass().getSimpleName() + " in thread '" + thread.getName()
                    + "'" + (error.getMessage() == null ? "" : ": " + error.getMessage()) + "; the checkpoints say how"
                    + " far Kafka acknowledged, and a rerun resumes there.");
            Thread save = new Thread(saveCheckpoints, "log2kafka-save-checkpoints");
            save.setDaemon(true);
            save.start();
            save.join(TimeUnit.SECONDS.toMillis(SAVE_SECONDS));
            err.flush();
        } catch (Throwable e) {
            // out of memory even for this: the checkpoints stay as last written
        } finally {
            Runtime.getRuntime().halt(ExitCode.FAILED.code());
        }
    }
}
