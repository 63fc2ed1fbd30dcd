package dev.tessera.tokenizers.audio.encodec.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * Multi-scale log-mel spectrogram distance, the frequency-domain reconstruction term, over the
 * scales of audiocraft's {@code MultiScaleMelSpectrogramLoss} (windows 2^6 … 2^11 samples, hop a
 * quarter window): for each scale the magnitude STFT (Hann window, centred) scaled by 2 / window
 * (a unit sine peaks near 1), through an HTK mel filterbank (f 0 … sr/2, unnormalised triangles as
 * torchaudio's default {@code melscale_fbanks}; min(64, window / 8) bands), then the mean absolute
 * difference of {@code log10(mel + ε)}; the scales are averaged. (EnCodec's paper uses L1 + L2 on
 * the linear mel; the log form with a floor ε weighs quiet bands less than the waveform needs at
 * first.) Differentiable ({@code torch.stft}); the filterbanks are built once.
 */
final class MelLoss {

    static final int FIRST_SCALE = 6;
    static final int LAST_SCALE = 11;
    static final int MAX_MELS = 64;

    private record Scale(int window, int hop, NDArray hann, NDArray filterbank) {}


    private final List<Scale> scales = new ArrayList<>();
    private final float floor;

    /** @param floor ε in log10(mel + ε), on magnitudes scaled so a full-scale sine peaks near 1 */
    MelLoss(NDManager manager, int sampleRate, float floor) {
        this.floor = floor;
        for (int e = FIRST_SCALE; e <= LAST_SCALE; e++) {
            int window = 1 << e;
            int mels = Math.min(MAX_MELS, window / 8);
            float[] fb = filterbank(window / 2 + 1, mels, sampleRate);
            for (int i = 0; i < fb.length; i++) {
                fb[i] *= 2f / window;   // the STFT of a unit sine peaks at window / 2 with a Hann window
            }
            scales.add(new Scale(window, window / 4, manager.hanningWindow(window),
                    manager.create(fb, new Shape(mels, window / 2 + 1))));
        }
    }

    /** Mean over scales of mean |log10(mel(x) + ε) − log10(mel(y) + ε)|; x, y [B, L] (L > 1024). */
    NDArray apply(NDArray x, NDArray y) {
        NDArray total = null;
        for (Scale s : scales) {
            NDArray d = mel(x, s).add(floor).log10().sub(mel(y, s).add(floor).log10()).abs().mean();
            total = total == null ? d : total.add(d);
        }
        return total.div(scales.size());
    }

    private static NDArray mel(NDArray audio, Scale s) {
        NDArray spectrum = audio.stft(s.window(), s.hop(), true, s.hann(), false, true).real();   // [B, F, frames, 2]
        NDArray magnitude = spectrum.square().sum(new int[] {3}).add(1e-12f).sqrt();             // [B, F, frames]
        return s.filterbank().matMul(magnitude);                                                  // [B, mels, frames]
    }

    /** torchaudio.functional.melscale_fbanks(n_freqs, 0, sr/2, n_mels, sr, norm=None, mel_scale="htk"), transposed to [mels, freqs]. */
    static float[] filterbank(int freqs, int mels, int sampleRate) {
        double maxMel = hzToMel(sampleRate / 2.0);
        double[] hz = new double[mels + 2];
        for (int i = 0; i < mels + 2; i++) {
            hz[i] = melToHz(maxMel * i / (mels + 1));
        }
        float[] fb = new float[mels * freqs];
        for (int f = 0; f < freqs; f++) {
            double freq = (sampleRate / 2.0) * f / (freqs - 1);
            for (int m = 0; m < mels; m++) {
                double down = (freq - hz[m]) / (hz[m + 1] - hz[m]);
                double up = (hz[m + 2] - freq) / (hz[m + 2] - hz[m + 1]);
                fb[m * freqs + f] = (float) Math.max(0, Math.min(down, up));
            }
        }
        return fb;
    }

    private static double hzToMel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    private static double melToHz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }
}
