package dev.tessera.tokenizers.audio.encodec.train;

import dev.tessera.tokenizers.audio.AudioDecoder;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * The audio files under a folder (recursively), each decoded once to mono at the model's rate
 * ({@link AudioDecoder}: resampled, channels averaged) and kept in memory, with fixed-seed random
 * segments: the segments of step s depend only on (seed, s), so a resumed run sees what an
 * uninterrupted one would.
 */
final class AudioClips {

    /** Segments quieter than this (RMS, dBFS) are drawn again, up to {@link #SILENCE_ATTEMPTS} draws. */
    static final double SILENCE_DB = -50;
    static final int SILENCE_ATTEMPTS = 20;
    private static final String EXTENSIONS = ".*\\.(wav|flac|mp3|ogg|opus|m4a)";

    private final List<Path> files;
    private final List<float[]> samples;

    private AudioClips(List<Path> files, List<float[]> samples) {
        this.files = files;
        this.samples = samples;
    }

    static List<Path> audioFiles(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).matches(EXTENSIONS))
                    .sorted()
                    .toList();
        }
    }

    /**
     * Decodes every file; files that do not decode or are shorter than {@code minSamples} are named
     * on {@code err} and left out.
     */
    static AudioClips load(List<Path> candidates, int sampleRate, int minSamples, PrintStream err) {
        List<Path> ok = new ArrayList<>();
        List<float[]> decoded = new ArrayList<>();
        int skipped = 0;
        for (Path f : candidates) {
            try {
                float[] mono = AudioDecoder.decode(f, sampleRate, 0).samples();
                if (mono.length < minSamples) {
                    err.printf(Locale.ROOT, "skipping %s: %.2f s is shorter than a segment%n", f,
                            mono.length / (double) sampleRate);
                    skipped++;
                    continue;
                }
                ok.add(f);
                decoded.add(mono);
            } catch (RuntimeException e) {
                err.println("skipping " + f + ": " + e.getMessage());
                skipped++;
            }
        }
        if (skipped > 0) {
            err.printf(Locale.ROOT, "%d of %d audio files left out%n", skipped, candidates.size());
        }
        return new AudioClips(List.copyOf(ok), List.copyOf(decoded));
    }

    int size() {
        return files.size();
    }

    double seconds(int sampleRate) {
        long n = 0;
        for (float[] s : samples) {
            n += s.length;
        }
        return n / (double) sampleRate;
    }

    /** Random gain: each segment scaled to an RMS level drawn uniformly in [lowDb, highDb] dBFS, by at most +30 dB. */
    record Gain(double lowDb, double highDb) {
        static final double MAX_BOOST_DB = 30;
    }

    /**
     * {@code batch} segments of {@code length} samples, concatenated: random clips at random
     * offsets (a near-silent draw, under {@link #SILENCE_DB}, is replaced by another), each scaled by
     * {@code gain} (null: as they are), clipped to [−1, 1].
     */
    float[] segments(SplittableRandom random, int batch, int length, Gain gain) {
        float[] out = new float[batch * length];
        for (int b = 0; b < batch; b++) {
            double rmsDb = Double.NEGATIVE_INFINITY;
            for (int attempt = 0; attempt < SILENCE_ATTEMPTS && rmsDb < SILENCE_DB; attempt++) {
                float[] clip = samples.get(random.nextInt(samples.size()));
                int offset = random.nextInt(clip.length - length + 1);
                System.arraycopy(clip, offset, out, b * length, length);
                double sq = 0;
                for (int i = 0; i < length; i++) {
                    sq += (double) out[b * length + i] * out[b * length + i];
                }
                rmsDb = 10 * Math.log10(Math.max(sq / length, 1e-20));
            }
            double target = random.nextDouble();
            if (gain == null) {
                continue;
            }
            double db = Math.min(gain.lowDb() + target * (gain.highDb() - gain.lowDb()) - rmsDb, Gain.MAX_BOOST_DB);
            float factor = (float) Math.pow(10, db / 20);
            for (int i = 0; i < length; i++) {
                out[b * length + i] = Math.max(-1f, Math.min(1f, out[b * length + i] * factor));
            }
        }
        return out;
    }

    /** The first {@code length} samples of clips {@code from} … {@code to − 1}, concatenated. */
    float[] heads(int from, int to, int length) {
        float[] out = new float[(to - from) * length];
        for (int i = from; i < to; i++) {
            System.arraycopy(samples.get(i), 0, out, (i - from) * length, length);
        }
        return out;
    }
}
