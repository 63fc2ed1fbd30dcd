package dev.tessera.benchmarks.audio;

import dev.tessera.tokenizers.audio.AudioDecoder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Classic waveform codecs squeezed to a target bitrate by lowering the sample rate, all done by
 * FFmpeg: resample down (libswresample), encode (G.711 μ-law, 8 bits a sample; IMA ADPCM, 4 bits,
 * whose block headers add about 1 %), decode and resample back up to the original rate. What a codec-free system would send at the same
 * number of bits per second as the neural codec.
 */
public enum WaveformCodecBaseline {
    MU_LAW("μ-law (G.711, 8 bit)", avcodec.AV_CODEC_ID_PCM_MULAW, 8),
    IMA_ADPCM("IMA ADPCM (4 bit)", avcodec.AV_CODEC_ID_ADPCM_IMA_WAV, 4);

    private final String label;
    private final int codec;
    private final int bits;

    WaveformCodecBaseline(String label, int codec, int bits) {
        this.label = label;
        this.codec = codec;
        this.bits = bits;
    }

    public String label() {
        return label;
    }

    /** The sample rate that spends {@code kbps} at this codec's bits per sample. */
    public int sampleRate(double kbps) {
        return (int) Math.round(kbps * 1000 / bits);
    }

    /**
     * {@code samples} (mono, {@code rate} Hz) through this codec at {@code kbps}, back at {@code rate},
     * trimmed (or zero-padded) to the input's length: ADPCM pads its last block.
     */
    public float[] roundTrip(float[] samples, int rate, double kbps, Path scratch) throws Exception {
        int low = sampleRate(kbps);
        Path original = Files.createTempFile(scratch, "original", ".wav");
        Path coded = Files.createTempFile(scratch, name().toLowerCase(Locale.ROOT), ".wav");
        try {
            // Each step at the recorder's own rate: JavaCV's recorder miscounts samples when it resamples PCM itself.
            // The input as 16-bit PCM (rounding noise ~96 dB down, far below any codec here).
            Files.write(original, dev.tessera.tokenizers.audio.Wav.pcm16(samples, rate));
            write(coded, codec, low, AudioDecoder.decode(original, low, 0).samples());
            return java.util.Arrays.copyOf(AudioDecoder.decode(coded, rate, 0).samples(), samples.length);
        } finally {
            Files.deleteIfExists(original);
            Files.deleteIfExists(coded);
        }
    }

    private static void write(Path file, int codec, int rate, float[] samples) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 1)) {
            recorder.setFormat("wav");
            recorder.setAudioCodec(codec);
            recorder.setSampleRate(rate);
            if (codec == avcodec.AV_CODEC_ID_ADPCM_IMA_WAV) {
                recorder.setSampleFormat(org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_S16P);   // its only input format
            }
            recorder.start();
            recorder.recordSamples(rate, 1, FloatBuffer.wrap(samples));
            recorder.stop();
        }
    }
}
