package dev.tessera.tokenizers.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.FloatBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.Frame;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AudioDecoderTest {

    @TempDir
    Path dir;

    static final int RATE = 24_000;

    /** Stereo: 440 Hz on the left, 440 Hz at half amplitude on the right, for {@code seconds}. */
    static short[] stereoTone(int rate, double seconds) {
        int n = (int) (rate * seconds);
        short[] pcm = new short[2 * n];
        for (int i = 0; i < n; i++) {
            double s = Math.sin(2 * Math.PI * 440 * i / rate);
            pcm[2 * i] = (short) Math.round(16000 * s);
            pcm[2 * i + 1] = (short) Math.round(8000 * s);
        }
        return pcm;
    }

    /** Encodes interleaved 16-bit stereo through FFmpeg (JavaCV's recorder). */
    static Path encode(Path file, String format, int codec, short[] stereo, int rate) throws Exception {
        try (FFmpegFrameRecorder recorder = new FFmpegFrameRecorder(file.toFile(), 2)) {
            recorder.setFormat(format);
            recorder.setAudioCodec(codec);
            recorder.setSampleRate(rate);
            recorder.setAudioBitrate(128_000);
            recorder.start();
            recorder.recordSamples(rate, 2, ShortBuffer.wrap(stereo));
            recorder.stop();
        }
        return file;
    }

    /** Zero crossings per second / 2: the frequency of a pure tone. */
    static double frequency(float[] x, int rate, int from, int to) {
        int crossings = 0;
        for (int i = from + 1; i < to; i++) {
            if ((x[i - 1] < 0) != (x[i] < 0)) {
                crossings++;
            }
        }
        return crossings / 2.0 / ((to - from) / (double) rate);
    }

    static double rms(float[] x, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += x[i] * x[i];
        }
        return Math.sqrt(s / (to - from));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"tone.wav, wav, PCM_S16LE", "tone.flac, flac, FLAC", "tone.mp3, mp3, MP3", "tone.ogg, ogg, OPUS",
            "tone.m4a, ipod, AAC"})
    void decodesCommonFormatsDownmixedAndResampled(String name, String format, String codecName) throws Exception {
        int codec = switch (codecName) {
            case "PCM_S16LE" -> avcodec.AV_CODEC_ID_PCM_S16LE;
            case "FLAC" -> avcodec.AV_CODEC_ID_FLAC;
            case "MP3" -> avcodec.AV_CODEC_ID_MP3;
            case "OPUS" -> avcodec.AV_CODEC_ID_OPUS;
            default -> avcodec.AV_CODEC_ID_AAC;
        };
        int sourceRate = codecName.equals("OPUS") ? 48_000 : 44_100;
        Path file = encode(dir.resolve(name), format, codec, stereoTone(sourceRate, 2.0), sourceRate);
        AudioDecoder.Decoded d = AudioDecoder.decode(file, RATE, 0);
        assertThat(d.sampleRate()).isEqualTo(RATE);
        assertThat(d.source().channels()).isEqualTo(2);
        assertThat(d.source().sampleRate()).isEqualTo(sourceRate);
        // Lossy codecs add priming/padding samples: within 60 ms of 2 s.
        assertThat(d.seconds()).isBetween(1.94, 2.08);
        int from = RATE / 4;
        int to = RATE * 7 / 4;
        assertThat(frequency(d.samples(), RATE, from, to)).isBetween(435.0, 445.0);
        // Down-mix is the mean of the channels: (16000 + 8000) / 2 / 32768 peak → rms 0.259.
        assertThat(rms(d.samples(), from, to)).isBetween(0.23, 0.29);
    }

    @Test
    void streamingHandsOnTheSameSamplesInChunks() throws Exception {
        Path file = encode(dir.resolve("tone.flac"), "flac", avcodec.AV_CODEC_ID_FLAC, stereoTone(44_100, 1.0), 44_100);
        List<float[]> chunks = new ArrayList<>();
        AudioDecoder.stream(file, RATE, 0, chunks::add);
        assertThat(chunks.size()).isGreaterThan(5);
        float[] joined = new float[chunks.stream().mapToInt(c -> c.length).sum()];
        int at = 0;
        for (float[] c : chunks) {
            System.arraycopy(c, 0, joined, at, c.length);
            at += c.length;
        }
        assertThat(joined).isEqualTo(AudioDecoder.decode(file, RATE, 0).samples());
    }

    @Test
    void theSoundOfAVideoIsDecodedAndASilentVideoIsRefused() throws Exception {
        Path withSound = dir.resolve("with-sound.mp4");
        Path silent = dir.resolve("silent.mp4");
        for (Path file : List.of(withSound, silent)) {
            boolean sound = file == withSound;
            try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), 64, 64, sound ? 2 : 0);
                 org.bytedeco.javacv.Java2DFrameConverter converter = new org.bytedeco.javacv.Java2DFrameConverter()) {
                r.setFormat("mp4");
                r.setVideoCodec(avcodec.AV_CODEC_ID_MPEG4);
                r.setFrameRate(10);
                if (sound) {
                    r.setAudioCodec(avcodec.AV_CODEC_ID_AAC);
                    r.setSampleRate(44_100);
                }
                r.start();
                java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(64, 64,
                        java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
                for (int i = 0; i < 10; i++) {
                    r.record(converter.convert(img));
                }
                if (sound) {
                    r.recordSamples(44_100, 2, ShortBuffer.wrap(stereoTone(44_100, 1.0)));
                }
                r.stop();
            }
        }
        AudioDecoder.Decoded d = AudioDecoder.decode(withSound, RATE, 0);
        assertThat(d.seconds()).isBetween(0.9, 1.1);
        assertThat(frequency(d.samples(), RATE, RATE / 4, RATE * 3 / 4)).isBetween(435.0, 445.0);
        assertThatThrownBy(() -> AudioDecoder.decode(silent, RATE, 0)).isInstanceOf(InvalidAudioException.class)
                .hasMessageContaining("no audio track")
                .satisfies(e -> assertThat(((InvalidAudioException) e).unsupported()).isFalse());
    }

    @Test
    void badInputIsTellingApart() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.txt"), "just some text, not audio at all");
        assertThatThrownBy(() -> AudioDecoder.decode(text, RATE, 0)).isInstanceOf(InvalidAudioException.class)
                .satisfies(e -> assertThat(((InvalidAudioException) e).unsupported()).isTrue());
        // A WAV header announcing no samples: 422-style, not unsupported.
        Path empty = Files.write(dir.resolve("empty.wav"), Wav.pcm16(new short[0], 16_000, 1));
        assertThatThrownBy(() -> AudioDecoder.decode(empty, RATE, 0)).isInstanceOf(InvalidAudioException.class)
                .satisfies(e -> assertThat(((InvalidAudioException) e).unsupported()).isFalse());
        // A FLAC cut after its first bytes.
        Path flac = encode(dir.resolve("t.flac"), "flac", avcodec.AV_CODEC_ID_FLAC, stereoTone(44_100, 1.0), 44_100);
        Path cut = Files.write(dir.resolve("cut.flac"), java.util.Arrays.copyOf(Files.readAllBytes(flac), 30));
        assertThatThrownBy(() -> AudioDecoder.decode(cut, RATE, 0)).isInstanceOf(InvalidAudioException.class)
                .satisfies(e -> assertThat(((InvalidAudioException) e).unsupported()).isFalse());
        assertThatThrownBy(() -> AudioDecoder.decode(flac, RATE, 500)).isInstanceOf(AudioTooLongException.class);
    }
}
