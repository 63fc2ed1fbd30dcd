package dev.tessera.benchmarks.report;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress line on stderr (count, rate, ETA) at most every few seconds, so long runs show they
 * are alive without flooding a log file.
 */
public final class Progress {

    private static final long EVERY_NANOS = 3_000_000_000L;

    private final String what;
    private final long total;
    private final PrintStream out;
    private final long started = System.nanoTime();
    private long lastPrinted = started;
    private long done;

    public Progress(String what, long total) {
        this(what, total, System.err);
    }

    Progress(String what, long total, PrintStream out) {
        this.what = what;
        this.total = total;
        this.out = out;
    }

    /** Counts {@code n} more items and prints when due; {@code extra} is appended, e.g. chunk counts. */
    public synchronized void advance(long n, String extra) {
        done += n;
        long now = System.nanoTime();
        if (now - lastPrinted >= EVERY_NANOS || done >= total) {
            lastPrinted = now;
            double seconds = (now - started) / 1e9;
            double rate = seconds > 0 ? done / seconds : 0;
            String eta = rate > 0 && done < total ? duration((total - done) / rate) : "0s";
            out.printf(Locale.ROOT, "%s %,d/%,d (%.0f%%) %.1f/s ETA %s%s%n", what, done, total,
                    100.0 * done / Math.max(1, total), rate, eta, extra == null ? "" : " " + extra);
        }
    }

    public void advance(long n) {
        advance(n, null);
    }

    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? "%dh%02dm".formatted(s / 3600, s % 3600 / 60)
                : s >= 60 ? "%dm%02ds".formatted(s / 60, s % 60) : s + "s";
    }
}
