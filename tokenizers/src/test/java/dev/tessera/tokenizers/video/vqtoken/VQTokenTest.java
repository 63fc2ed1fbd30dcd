package dev.tessera.tokenizers.video.vqtoken;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.tokenizers.audio.Wav;
import dev.tessera.tokenizers.video.InvalidVideoException;
import dev.tessera.tokenizers.video.SampledVideo;
import dev.tessera.tokenizers.video.SyntheticClips;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.VideoTooLongException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VQTokenTest {

    static final PatchDescriptor DESCRIPTOR = new PatchDescriptor(SyntheticClips.SIZE, 16);   // 8 × 8 patches

    static VQToken.Result tokenize(byte[] video, VQToken.Options options) {
        SampledVideo v = VideoFrames.sample(video, 5, 16, DESCRIPTOR.frameSize(), 0);
        return VQToken.tokenize(DESCRIPTOR.embed(v.frames()), DESCRIPTOR.grid(), DESCRIPTOR.grid(), options);
    }

    /** Fraction of patches whose entry matches the true region (0 = the colour of the first patch seen). */
    static double swapAccuracy(VQToken.Result r, long[] timesMs, long swapMs) {
        int g = r.width();
        int right = 0;
        for (int t = 0; t < r.frames(); t++) {
            boolean swapped = timesMs[t] >= swapMs;
            for (int y = 0; y < g; y++) {
                for (int x = 0; x < g; x++) {
                    int truth = (x < g / 2) != swapped ? 0 : 1;   // frame 0's left half (red) is entry 0
                    if (r.index()[(t * g + y) * g + x] == truth) {
                        right++;
                    }
                }
            }
        }
        return (double) right / r.index().length;
    }

    @Test
    void twoRegionsThatSwapAreTwoEntriesAndThePositionMapFollowsTheSwap(@TempDir Path dir) throws Exception {
        for (String ext : new String[] {"mp4", "webm"}) {
            byte[] clip = Files.readAllBytes(SyntheticClips.write(dir.resolve("swap." + ext), 20, 10,
                    i -> SyntheticClips.twoRegions(i, 20)));
            SampledVideo v = VideoFrames.sample(clip, 5, 16, DESCRIPTOR.frameSize(), 0);
            assertThat(v.frames()).as(ext).hasSize(10);   // 2 s at 5 fps
            VQToken.Result r = VQToken.tokenize(DESCRIPTOR.embed(v.frames()), 8, 8, VQToken.Options.fixed(2));
            assertThat(r.tokens()).containsExactly(0, 1);
            assertThat(r.index()).hasSize(10 * 64);
            assertThat(swapAccuracy(r, v.timesMs(), 1000)).as(ext + " position map accuracy").isGreaterThanOrEqualTo(0.95);
            assertThat(r.compressionRatio()).isEqualTo(2.0 / 640);
            assertThat(r.fidelity()).isGreaterThan(0.95);
        }
    }

    @Test
    void theSameVideoGivesTheSameTokensPositionsAndCodebook(@TempDir Path dir) throws Exception {
        byte[] clip = Files.readAllBytes(SyntheticClips.write(dir.resolve("square.mp4"), 30, 10,
                i -> SyntheticClips.movingSquare(i, 30)));
        VQToken.Result a = tokenize(clip, VQToken.Options.adaptive());
        VQToken.Result b = tokenize(clip, VQToken.Options.adaptive());
        assertThat(b.index()).containsExactly(a.index());
        assertThat(b.tokens()).containsExactly(a.tokens());
        for (int i = 0; i < a.k(); i++) {
            assertThat(b.codebook()[i]).containsExactly(a.codebook()[i]);
        }
    }

    @Test
    void adaptiveKStaysWithinTheRangeAndEntriesAreNumberedByFirstAppearance(@TempDir Path dir) throws Exception {
        byte[] clip = Files.readAllBytes(SyntheticClips.write(dir.resolve("square.mp4"), 30, 10,
                i -> SyntheticClips.movingSquare(i, 30)));
        VQToken.Result r = tokenize(clip, VQToken.Options.adaptive());
        assertThat(r.adaptive()).isTrue();
        assertThat(r.distortions()).hasSize(21);   // K = 12 … 32
        assertThat(r.k()).isBetween(12, 32);
        int seen = -1;
        for (int id : r.index()) {
            assertThat(id).isLessThanOrEqualTo(seen + 1);   // a new id is always the next one
            seen = Math.max(seen, id);
        }
        assertThat(seen).isEqualTo(r.k() - 1);
        VQToken.Result narrow = tokenize(clip, new VQToken.Options(0, 3, 6, 100, 0));
        assertThat(narrow.k()).isBetween(3, 6);
    }

    @Test
    void aClipOfRealPicturesWithPansAndCutsGetsNewEntriesAtEachCut(@TempDir Path dir) throws Exception {
        java.util.List<java.awt.image.BufferedImage> pictures = new java.util.ArrayList<>();
        for (String name : new String[] {"rhinoceros.png", "tree.png", "home.png"}) {
            try (var in = VQTokenTest.class.getResourceAsStream("/video/pictures/" + name)) {
                pictures.add(javax.imageio.ImageIO.read(in));
            }
        }
        // Three 2 s shots at 10 fps sampled at 5 fps, up to 16 frames: the first cut lies between frames 9 and 10.
        byte[] clip = Files.readAllBytes(SyntheticClips.write(dir.resolve("pictures.mp4"), 60, 10,
                SyntheticClips.panAndCut(pictures, 20)));
        VQToken.Result r = tokenize(clip, VQToken.Options.adaptive());
        assertThat(r.frames()).isEqualTo(16);
        assertThat(r.k()).isBetween(12, 32);
        assertThat(tokenize(clip, VQToken.Options.adaptive()).index()).containsExactly(r.index());
        // Within a shot consecutive frames share most entries; across the cut they share fewer.
        double within = 0;
        int pairs = 0;
        for (int t = 0; t + 1 < r.frames(); t++) {
            if (t != 9) {
                within += jaccard(r, t, t + 1);
                pairs++;
            }
        }
        double across = jaccard(r, 9, 10);
        assertThat(across).as("entries shared across the cut vs %.2f within shots", within / pairs)
                .isLessThan(within / pairs);
        assertThat(r.fidelity()).isGreaterThan(0.8);
    }

    /** Overlap of the entry sets of two frames. */
    static double jaccard(VQToken.Result r, int a, int b) {
        int per = r.height() * r.width();
        java.util.Set<Integer> x = new java.util.HashSet<>();
        java.util.Set<Integer> y = new java.util.HashSet<>();
        for (int i = 0; i < per; i++) {
            x.add(r.index()[a * per + i]);
            y.add(r.index()[b * per + i]);
        }
        java.util.Set<Integer> both = new java.util.HashSet<>(x);
        both.retainAll(y);
        x.addAll(y);
        return (double) both.size() / x.size();
    }

    @Test
    void elbowRuleIsTheReleasesSecondDifferenceArgMaxPlusFour() {
        double[] d = new double[21];
        for (int i = 0; i < d.length; i++) {
            d[i] = i <= 10 ? 100 - 8 * i : 20 - 0.5 * (i - 10);   // sharpest bend at K = kMin + 10 → j = 9
        }
        assertThat(VQToken.elbow(d, 12, 32)).isEqualTo(13);   // max(12, 9 + 4)
        double[] early = new double[21];
        for (int i = 0; i < early.length; i++) {
            early[i] = i == 0 ? 100 : 10 - 0.1 * i;   // bend at j = 0
        }
        assertThat(VQToken.elbow(early, 12, 32)).isEqualTo(12);
        assertThat(VQToken.elbow(new double[] {3, 2}, 5, 9)).isEqualTo(5);
    }

    @Test
    void badInputsAreRefusedWithTheReason(@TempDir Path dir) throws Exception {
        byte[] clip = Files.readAllBytes(SyntheticClips.write(dir.resolve("swap.mp4"), 20, 10,
                i -> SyntheticClips.twoRegions(i, 20)));
        assertThatThrownBy(() -> VideoFrames.sample("not a video at all".getBytes(), 5, 16, 128, 0))
                .isInstanceOf(InvalidVideoException.class);
        byte[] random = new byte[4096];
        new java.util.Random(1).nextBytes(random);
        assertThatThrownBy(() -> VideoFrames.sample(random, 5, 16, 128, 0)).isInstanceOf(InvalidVideoException.class);
        assertThatThrownBy(() -> VideoFrames.sample(Arrays.copyOf(clip, clip.length / 3), 5, 16, 128, 0))
                .isInstanceOf(InvalidVideoException.class);
        assertThatThrownBy(() -> VideoFrames.sample(wav(8000, 8000), 5, 16, 128, 0))
                .isInstanceOf(InvalidVideoException.class).hasMessageContaining("no video stream");
        assertThatThrownBy(() -> VideoFrames.sample(clip, 5, 16, 128, 500))
                .isInstanceOf(VideoTooLongException.class);
    }

    /** A 440 Hz tone as 16-bit mono PCM WAV: audio only. */
    static byte[] wav(int rate, int samples) {
        return Wav.pcm16(Wav.tone(440, (double) samples / rate, rate, 8000), rate, 1);
    }
}
