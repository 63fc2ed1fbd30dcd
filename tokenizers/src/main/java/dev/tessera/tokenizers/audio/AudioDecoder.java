package dev.tessera.tokenizers.audio;

import dev.tessera.tokenizers.media.ContainerSignature;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.Frame;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes the audio of any file the bundled FFmpeg reads (WAV, FLAC, MP3, Ogg Vorbis/Opus, M4A,
 * and the audio track of a video), resampled to the rate a model wants by FFmpeg's own resampler
 * (libswresample, through JavaCV's grabber) and down-mixed to mono by the mean of the channels, as
 * EnCodec's {@code convert_audio} does (FFmpeg's own down-mix is −3 dB per channel, louder). Streaming: samples are handed
 * on in chunks as they are decoded, so a caller that consumes them as they come holds one chunk;
 * the duration limit is enforced while decoding, not only from the header.
 */
public final class AudioDecoder {

    static {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    }

    private AudioDecoder() {}

    /** The usual media types of the formats read (the bundled FFmpeg reads more, the sound of videos included). */
    public static final java.util.List<String> ACCEPTED = java.util.List.of("audio/wav", "audio/flac", "audio/mpeg",
            "audio/ogg", "audio/mp4", "video/mp4", "video/webm");

    /** Receives decoded mono samples in order; the array is the callee's to keep. */
    @FunctionalInterface
    public interface Sink {
        void accept(float[] samples);
    }

    /** What was decoded: how long the source says it is, and its own rate and channels. */
    public record Source(String container, long durationMs, int sampleRate, int channels) {}

    /** Decoded mono audio at the requested rate. */
    public record Decoded(float[] samples, int sampleRate, Source source) {
        public double seconds() {
            return samples.length / (double) sampleRate;
        }
    }

    /** The mean of the channels, whether the frame is interleaved (one buffer) or planar (one per channel). */
    private static float[] mono(Frame frame) {
        int channels = Math.max(1, frame.audioChannels);
        if (frame.samples.length > 1) {
            int n = ((FloatBuffer) frame.samples[0]).remaining();
            float[] out = new float[n];
            for (java.nio.Buffer plane : frame.samples) {
                FloatBuffer b = (FloatBuffer) plane;
                for (int i = 0; i < n; i++) {
                    out[i] += b.get(b.position() + i);
                }
            }
            for (int i = 0; i < n; i++) {
                out[i] /= frame.samples.length;
            }
            return out;
        }
        FloatBuffer b = (FloatBuffer) frame.samples[0];
        int n = b.remaining() / channels;
        float[] out = new float[n];
        int base = b.position();
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (int c = 0; c < channels; c++) {
                sum += b.get(base + i * channels + c);
            }
            out[i] = sum / channels;
        }
        return out;
    }

    /**
     * Decodes the whole file into one array.
     *
     * @param sampleRate    the rate to resample to
     * @param maxDurationMs longest audio accepted (0 = no limit)
     */
    public static Decoded decode(Path file, int sampleRate, long maxDurationMs) {
        float[][] out = {new float[sampleRate]};
        int[] size = {0};
        Source source = stream(file, sampleRate, maxDurationMs, chunk -> {
            if (size[0] + chunk.length > out[0].length) {
                out[0] = Arrays.copyOf(out[0], Math.max(out[0].length * 2, size[0] + chunk.length));
            }
            System.arraycopy(chunk, 0, out[0], size[0], chunk.length);
            size[0] += chunk.length;
        });
        return new Decoded(Arrays.copyOf(out[0], size[0]), sampleRate, source);
    }

    /**
     * Decodes and hands on the samples chunk by chunk (one decoded frame each, typically 1,024–4,608
     * samples).
     *
     * @throws InvalidAudioException  not a format FFmpeg reads (unsupported), or corrupt/truncated,
     *                                no audio track (e.g. a silent video), or no samples at all
     * @throws AudioTooLongException  longer than {@code maxDurationMs}
     */
    public static Source stream(Path file, int sampleRate, long maxDurationMs, Sink sink) {
        if (sampleRate <= 0) {
            throw new IllegalArgumentException("sample rate must be positive");
        }
        byte[] head = ContainerSignature.head(file);
        try (FFmpegFrameGrabber grabber = new FFmpegFrameGrabber(file.toFile())) {
            grabber.setSampleMode(FrameGrabber.SampleMode.FLOAT);
            grabber.setSampleRate(sampleRate);
            try {
                grabber.start();
            } catch (FrameGrabber.Exception e) {
                String container = ContainerSignature.name(head);
                throw new InvalidAudioException(container != null
                        ? "the " + container + " file is corrupt or truncated (FFmpeg cannot open it)"
                        : "not an audio format FFmpeg reads",
                        container == null, e);
            }
            if (grabber.getAudioStream() < 0) {
                throw new InvalidAudioException(grabber.getVideoStream() >= 0
                        ? "the file has a video stream but no audio track" : "the file has no audio track");
            }
            // The grabber reports the rate and channels it converts to; the stream's own are in its parameters.
            var codecpar = grabber.getFormatContext().streams(grabber.getAudioStream()).codecpar();
            String container = ContainerSignature.name(head);
            Source source = new Source(container == null ? grabber.getFormat() : container,
                    Math.max(0, grabber.getLengthInTime() / 1000), codecpar.sample_rate(), codecpar.ch_layout().nb_channels());
            if (maxDurationMs > 0 && source.durationMs() > maxDurationMs) {
                throw new AudioTooLongException("audio lasts " + source.durationMs() / 1000.0 + " s; at most "
                        + maxDurationMs / 1000.0 + " s");
            }
            long limit = maxDurationMs > 0 ? maxDurationMs * sampleRate / 1000 : Long.MAX_VALUE;
            long total = 0;
            while (true) {
                Frame frame;
                try {
                    frame = grabber.grabSamples();
                } catch (FrameGrabber.Exception e) {
                    if (total == 0) {
                        throw new InvalidAudioException("the audio stream cannot be decoded: " + e.getMessage(), false, e);
                    }
                    break;   // a damaged tail: keep what decoded
                }
                if (frame == null) {
                    break;
                }
                if (frame.samples == null || frame.samples.length == 0) {
                    continue;
                }
                float[] chunk = mono(frame);
                total += chunk.length;
                if (total > limit) {
                    throw new AudioTooLongException("audio runs past " + maxDurationMs / 1000.0 + " s");
                }
                if (chunk.length > 0) {
                    sink.accept(chunk);
                }
            }
            if (total == 0) {
                throw new InvalidAudioException("the audio track holds no samples");
            }
            return source;
        } catch (InvalidAudioException | AudioTooLongException e) {
            throw e;
        } catch (Exception e) {
            throw new InvalidAudioException("not audio FFmpeg can read: " + e.getMessage(), false, e);
        }
    }
}
