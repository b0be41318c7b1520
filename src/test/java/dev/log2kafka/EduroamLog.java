package dev.log2kafka;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes a deterministic eduroam-like F-Ticks log, lines of about 130 bytes, for the demo sample, the tests and the
 * benchmark: `java -cp log2kafka.jar dev.log2kafka.EduroamLog LINES FILE`.
 */
public final class EduroamLog {

    private static final String[] REALMS = {"uni-a.edu", "chula.ac.th", "ku.ac.th", "surf.nl", "ethz.ch",
        "mit.edu", "ox.ac.uk", "tu-berlin.de", "kth.se", "unimelb.edu.au"};
    private static final String[] COUNTRIES = {"TH", "NL", "CH", "US", "GB", "DE", "SE", "AU", "JP", "FR"};
    private static final String[] MONTHS = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
        "Nov", "Dec"};

    private EduroamLog() {
    }

    /** Line number n (from 0) of the log with the given seed; the same n and seed give the same line. */
    public static String line(long n, long seed) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
        long second = n / 50;
        return String.format("%s %2d %02d:%02d:%02d radius%d radiusd[%d]: F-TICKS/eduroam/1.0#REALM=%s"
                + "#VISCOUNTRY=%s#VISINST=1%s-%d#CSI=%02x-%02x-%02x-%02x-%02x-%02x#RESULT=%s#",
                MONTHS[(int) (second / 86400 / 28 % 12)], second / 86400 % 28 + 1, second / 3600 % 24,
                second / 60 % 60, second % 60, random.nextInt(1, 5), random.nextInt(1000, 32768),
                REALMS[random.nextInt(REALMS.length)], COUNTRIES[random.nextInt(COUNTRIES.length)],
                COUNTRIES[random.nextInt(COUNTRIES.length)].toLowerCase(), random.nextInt(1, 400),
                random.nextInt(256), random.nextInt(256), random.nextInt(256), random.nextInt(256),
                random.nextInt(256), random.nextInt(256), random.nextInt(20) == 0 ? "FAIL" : "OK");
    }

    /** Writes `lines` lines, each ended by LF. */
    public static void write(Path file, long lines, long seed) throws IOException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 20)) {
            for (long n = 0; n < lines; n++) {
                out.write(line(n, seed).getBytes(StandardCharsets.US_ASCII));
                out.write('\n');
            }
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("Usage: java -cp log2kafka.jar dev.log2kafka.EduroamLog LINES FILE");
            System.exit(2);
        }
        write(Path.of(args[1]), Long.parseLong(args[0]), 1);
    }
}
