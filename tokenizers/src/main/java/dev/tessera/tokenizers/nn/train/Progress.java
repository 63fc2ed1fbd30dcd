package dev.tessera.tokenizers.nn.train;

import java.util.Locale;

/**
 * Timing of a training run for its progress line: steps done since this run started (a resumed run
 * counts from where it resumed), items per second and the time left.
 */
public final class Progress {

    private final long firstStep;
    private final long totalSteps;
    private final long started = System.nanoTime();

    public Progress(long firstStep, long totalSteps) {
        this.firstStep = firstStep;
        this.totalSteps = totalSteps;
    }

    public double elapsedSeconds() {
        return (System.nanoTime() - started) / 1e9;
    }

    /** Steps run by this process once {@code done} steps are complete. */
    public long ran(long done) {
        return done - firstStep;
    }

    /** Mean seconds per step so far. */
    public double secondsPerStep(long done) {
        return elapsedSeconds() / Math.max(1, done - firstStep);
    }

    /** Items (images, segments) per second at {@code itemsPerStep} each. */
    public double rate(long done, int itemsPerStep) {
        return itemsPerStep / secondsPerStep(done);
    }

    /** Estimated time left, formatted by {@link #duration}. */
    public String eta(long done) {
        return duration(secondsPerStep(done) * (totalSteps - done));
    }

    /** "45s", "3m10s", "1h02m". */
    public static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format(Locale.ROOT, "%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format(Locale.ROOT, "%dm%02ds", s / 60, s % 60) : s + "s";
    }
}
