package dev.tessera.benchmarks.audio;

import dev.tessera.benchmarks.TempDir;
import dev.tessera.benchmarks.cli.Args;
import dev.tessera.benchmarks.cli.UsageException;
import dev.tessera.benchmarks.report.MarkdownTable;
import dev.tessera.benchmarks.report.Progress;
import dev.tessera.tokenizers.audio.AudioDecoder;
import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * {@code eval encodec --data DIR --models NAME=DIR,... [--limit N]}: every WAV/FLAC/MP3 under DIR
 * (held-out clips) through each EnCodec model at each of its bandwidths, and through μ-law and IMA
 * ADPCM at the same bitrates (FFmpeg, sample rate lowered to fit, {@link WaveformCodecBaseline});
 * SI-SNR and log-mel distance against the original ({@link AudioMetrics}), averaged over the clips.
 */
public final class AudioCodecEvaluation {

    private AudioCodecEvaluation() {}

    record Score(double siSnr, double logMel) {}

    public static void run(Args args) {
        try {
            evaluate(args);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void evaluate(Args args) throws Exception {
        args.allow("data", "models", "limit");
        Path data = Path.of(args.require("data"));
        Map<String, Path> models = new LinkedHashMap<>();
        for (String spec : args.require("models").split(",")) {
            String[] kv = spec.split("=", 2);
            if (kv.length != 2) {
                throw new UsageException("--models takes NAME=DIR,...; got " + spec);
            }
            models.put(kv[0], Path.of(kv[1]));
        }
        int limit = args.getInt("limit", 0);
        List<Path> clips;
        try (Stream<Path> files = Files.walk(data)) {
            clips = files.filter(p -> p.toString().toLowerCase(Locale.ROOT).matches(".*\\.(wav|flac|mp3|ogg)")).sorted()
                    .limit(limit > 0 ? limit : Long.MAX_VALUE).toList();
        }
        if (clips.isEmpty()) {
            throw new UsageException("no audio files under " + data);
        }
        MarkdownTable table = new MarkdownTable("codec", ">kbps", ">SI-SNR dB", ">log-mel distance", ">clips");
        double seconds = 0;
        try (TempDir scratch = new TempDir("tessera-eval-encodec")) {
            TreeSet<Double> bandwidths = new TreeSet<>();
            Map<String, Map<Double, List<Score>>> results = new LinkedHashMap<>();
            int sampleRate = 0;
            for (var entry : models.entrySet()) {
                try (EncodecModel model = EncodecModel.load(entry.getValue(), "cpu")) {
                    sampleRate = model.sampleRate();
                    AudioMetrics metrics = new AudioMetrics(sampleRate);
                    Progress progress = new Progress(entry.getKey() + " clips", clips.size());
                    for (Path clip : clips) {
                        float[] x = AudioDecoder.decode(clip, sampleRate, 0).samples();
                        for (double kbps : model.targetBandwidths()) {
                            bandwidths.add(kbps);
                            float[] y = model.decode(model.encode(x, model.numCodebooks(kbps)));
                            results.computeIfAbsent(entry.getKey(), k -> new LinkedHashMap<>())
                                    .computeIfAbsent(kbps, k -> new ArrayList<>())
                                    .add(new Score(AudioMetrics.siSnr(x, y), metrics.logMelDistance(x, y)));
                        }
                        progress.advance(1);
                    }
                }
            }
            AudioMetrics metrics = new AudioMetrics(sampleRate);
            Progress progress = new Progress("baseline clips", clips.size());
            for (Path clip : clips) {
                float[] x = AudioDecoder.decode(clip, sampleRate, 0).samples();
                seconds += x.length / (double) sampleRate;
                for (WaveformCodecBaseline baseline : WaveformCodecBaseline.values()) {
                    for (double kbps : bandwidths) {
                        float[] y = baseline.roundTrip(x, sampleRate, kbps, scratch.path());
                        results.computeIfAbsent(baseline.label(), k -> new LinkedHashMap<>())
                                .computeIfAbsent(kbps, k -> new ArrayList<>())
                                .add(new Score(AudioMetrics.siSnr(x, y), metrics.logMelDistance(x, y)));
                    }
                }
                progress.advance(1);
            }
            for (double kbps : bandwidths) {
                for (var r : results.entrySet()) {
                    List<Score> scores = r.getValue().get(kbps);
                    if (scores == null) {
                        continue;
                    }
                    table.row(r.getKey(), fmt(kbps, 2), fmt(scores.stream().mapToDouble(Score::siSnr).average().orElse(0), 2),
                            fmt(scores.stream().mapToDouble(Score::logMel).average().orElse(0), 3), scores.size());
                }
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%d clips (%.0f s) under %s; baselines at the same bitrate: sample rate lowered to "
                + "kbps·1000/bits, FFmpeg encode + decode, resampled back%n", clips.size(), seconds, data);
        System.out.println(table);
    }

    static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
