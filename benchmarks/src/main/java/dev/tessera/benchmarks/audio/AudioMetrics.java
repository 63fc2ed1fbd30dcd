package dev.tessera.benchmarks.audio;

import org.apache.commons.math3.complex.Complex;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;

/**
 * Reconstruction quality of an audio codec, as the codec literature reports it:
 * <ul>
 *   <li>SI-SNR (scale-invariant signal-to-noise ratio, dB; higher is better): both signals made
 *       zero-mean, the estimate projected on the reference, 10·log10(‖projection‖² / ‖rest‖²);</li>
 *   <li>log-mel distance (lower is better): mean |log10 mel(ref) − log10 mel(est)| over an 80-band
 *       mel spectrogram (HTK mel scale, triangular filters, 1,024-point Hann STFT, hop 256, power
 *       floored at 1e-5).</li>
 * </ul>
 */
public final class AudioMetrics {

    static final int FFT = 1024;
    static final int HOP = 256;
    static final int MELS = 80;
    static final double FLOOR = 1e-5;

    private final float[][] filters;   // [mel][bin]
    private final double[] window = new double[FFT];
    private final FastFourierTransformer fft = new FastFourierTransformer(DftNormalization.STANDARD);

    public AudioMetrics(int sampleRate) {
        for (int i = 0; i < FFT; i++) {
            window[i] = 0.5 - 0.5 * Math.cos(2 * Math.PI * i / FFT);   // periodic Hann
        }
        int bins = FFT / 2 + 1;
        double top = mel(sampleRate / 2.0);
        double[] edges = new double[MELS + 2];
        for (int m = 0; m < edges.length; m++) {
            edges[m] = hz(top * m / (MELS + 1));
        }
        filters = new float[MELS][bins];
        for (int m = 0; m < MELS; m++) {
            for (int b = 0; b < bins; b++) {
                double f = b * (double) sampleRate / FFT;
                double up = (f - edges[m]) / (edges[m + 1] - edges[m]);
                double down = (edges[m + 2] - f) / (edges[m + 2] - edges[m + 1]);
                filters[m][b] = (float) Math.max(0, Math.min(up, down));
            }
        }
    }

    static double mel(double hz) {
        return 2595 * Math.log10(1 + hz / 700);
    }

    static double hz(double mel) {
        return 700 * (Math.pow(10, mel / 2595) - 1);
    }

    /** SI-SNR in dB of {@code estimate} against {@code reference} over their common length. */
    public static double siSnr(float[] reference, float[] estimate) {
        int n = Math.min(reference.length, estimate.length);
        double mr = 0;
        double me = 0;
        for (int i = 0; i < n; i++) {
            mr += reference[i];
            me += estimate[i];
        }
        mr /= n;
        me /= n;
        double dot = 0;
        double rr = 0;
        for (int i = 0; i < n; i++) {
            dot += (reference[i] - mr) * (estimate[i] - me);
            rr += (reference[i] - mr) * (reference[i] - mr);
        }
        if (rr == 0) {
            return Double.NaN;
        }
        double scale = dot / rr;
        double target = 0;
        double noise = 0;
        for (int i = 0; i < n; i++) {
            double t = scale * (reference[i] - mr);
            double e = (estimate[i] - me) - t;
            target += t * t;
            noise += e * e;
        }
        return 10 * Math.log10(Math.max(target, 1e-20) / Math.max(noise, 1e-20));
    }

    /** Mean absolute difference of the log10 mel spectrograms over the common length. */
    public double logMelDistance(float[] reference, float[] estimate) {
        int n = Math.min(reference.length, estimate.length);
        double[][] a = logMel(reference, n);
        double[][] b = logMel(estimate, n);
        double sum = 0;
        int count = 0;
        for (int t = 0; t < a.length; t++) {
            for (int m = 0; m < MELS; m++) {
                sum += Math.abs(a[t][m] - b[t][m]);
                count++;
            }
        }
        return sum / count;
    }

    double[][] logMel(float[] x, int n) {
        int frames = Math.max(1, 1 + (n - FFT) / HOP);
        double[][] out = new double[frames][MELS];
        double[] frame = new double[FFT];
        for (int t = 0; t < frames; t++) {
            int start = t * HOP;
            for (int i = 0; i < FFT; i++) {
                frame[i] = start + i < n ? x[start + i] * window[i] : 0;
            }
            Complex[] spectrum = fft.transform(frame, TransformType.FORWARD);
            for (int m = 0; m < MELS; m++) {
                double energy = 0;
                for (int b = 0; b <= FFT / 2; b++) {
                    if (filters[m][b] != 0) {
                        double re = spectrum[b].getReal();
                        double im = spectrum[b].getImaginary();
                        energy += filters[m][b] * (re * re + im * im);
                    }
                }
                out[t][m] = Math.log10(Math.max(energy, FLOOR));
            }
        }
        return out;
    }
}
