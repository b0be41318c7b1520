package dev.log2kafka;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.log2kafka.cli.ExitCode;
import dev.log2kafka.cli.Options;
import dev.log2kafka.cli.Prompts;
import dev.log2kafka.cli.Sentences;
import dev.log2kafka.cli.Settings;
import dev.log2kafka.progress.ProgressListener;
import dev.log2kafka.progress.RunCounters;
import org.apache.logging.log4j.core.config.Configurator;
import picocli.CommandLine;

/**
 * The start: `java -jar log2kafka.jar --files '/var/log/*.log' --topic logs`. Parses the settings, asks for them when
 * interactive, runs a {@link ShippingRun}, and turns how it ended into the exit code and, for a failure, one sentence.
 */
public final class Log2Kafka {

    /** The system property log4j2.properties reads to choose the appender of --log-format. */
    private static final String LOG_APPENDER = "log2kafka.log-appender";

    private final PrintStream out;
    private final PrintStream err;
    private final Map<String, String> environment;
    private final InputStream in;
    private final boolean terminal;
    private final RunCounters counters = new RunCounters();
    private final CountDownLatch finished = new CountDownLatch(1);
    private volatile ShippingRun running;
    private volatile int exitCode = ExitCode.INTERRUPTED.code();

    public Log2Kafka(PrintStream out, PrintStream err, Map<String, String> environment) {
        this(out, err, environment, InputStream.nullInputStream(), false);
    }

    /**
     * @param in       where interactive answers are read from
     * @param terminal whether output goes to a terminal: a live progress line, and questions when no setting is given
     */
    public Log2Kafka(PrintStream out, PrintStream err, Map<String, String> environment, InputStream in,
            boolean terminal) {
        this.out = out;
        this.err = err;
        this.environment = environment;
        this.in = in;
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        Log2Kafka app = new Log2Kafka(System.out, System.err, System.getenv(), System.in, System.console() != null);
        JvmErrors.endRunOnError(app::saveCheckpoints, System.err);
        Thread hook = new Thread(app::interrupt, "log2kafka-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        int code = app.run(args);
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down because of a signal: the hook ends the process with the code
            return;
        }
        System.exit(code);
    }

    /** Runs log2kafka and returns its exit code. */
    public int run(String... args) {
        try {
            exitCode = start(args);
        } finally {
            finished.countDown();
        }
        return exitCode;
    }

    /**
     * --log-format: the appender of log4j2.properties for it, `err` (text) or `json`, chosen as soon as the settings
     * are read, before the run logs anything.
     */
    private static void logFormat(String format) {
        String appender = "json".equals(format) ? "json" : "err";
        if (!appender.equals(System.getProperty(LOG_APPENDER, "err"))) {
            System.setProperty(LOG_APPENDER, appender);
            Configurator.reconfigure();
            JvmErrors.loggingReconfigured();
        }
    }

    private int start(String... args) {
        try {
            Settings settings = Settings.load(Path.of(""), environment);
            CommandLine cli = Options.parse(args, settings);
            if (cli.isUsageHelpRequested()) {
                cli.usage(out);
                return ExitCode.OK.code();
            }
            if (cli.isVersionHelpRequested()) {
                cli.printVersionHelp(out);
                return ExitCode.OK.code();
            }
            Options options = Options.of(cli);
            logFormat(options.logFormat());
            if (options.interactive()
                    || (terminal && args.length == 0 && !settings.environmentSetsAny(options.keys()))) {
                new Prompts(new BufferedReader(new InputStreamReader(in, Charset.defaultCharset())), out).ask(options);
            }
            running = new ShippingRun(options, settings, environment, counters, out, terminal);
            return running.call().code();
        } catch (Exception e) {
            ExitCode code = ExitCode.of(e);
            err.println(code == ExitCode.FAILED ? "log2kafka failed: " + Sentences.sentence(e) : e.getMessage());
            return code.code();
        } finally {
            out.flush();
        }
    }

    /**
     * Ctrl-C or SIGTERM: the run stops as {@link ShippingRun#interrupt()} says, and the process ends with its code;
     * if it has not stopped within --stop-timeout, it is abandoned.
     */
    void interrupt() {
        ShippingRun run = running;
        if (run == null) {
            return;
        }
        run.interrupt();
        try {
            int code = finished.await(run.stopTimeoutSeconds(), TimeUnit.SECONDS) ? exitCode
                    : run.abandon().code();
            out.flush();
            Runtime.getRuntime().halt(code);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Writes the checkpoints as far as Kafka acknowledged, as a run ends that cannot end its own way. */
    void saveCheckpoints() {
        ShippingRun run = running;
        if (run != null) {
            run.saveCheckpoints();
        }
    }

    /** Adds a listener to the run's progress events; call before {@link #run}. */
    public void addProgressListener(ProgressListener listener) {
        counters.addListener(listener);
    }

    /** Whether the run's routes have started (the checks before it are done). */
    public boolean started() {
        ShippingRun run = running;
        return run != null && run.started();
    }

    /** Ends a run as if it were complete: watch mode's normal way to stop when embedded in another program. */
    public void stop() {
        ShippingRun run = running;
        if (run != null) {
            run.stop();
        }
    }
}
