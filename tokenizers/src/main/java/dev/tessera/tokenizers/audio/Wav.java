package dev.tessera.tokenizers.audio;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** RIFF/WAVE files with 16-bit PCM samples: what detokenized audio is returned as. */
public final class Wav {

    private Wav() {}

    /** Interleaved 16-bit samples ({@code channels} per frame) at {@code sampleRate} Hz as a WAV file. */
    public static byte[] pcm16(short[] samples, int sampleRate, int channels) {
        if (sampleRate <= 0 || channels <= 0 || samples.length % channels != 0) {
            throw new IllegalArgumentException("need a positive rate, channels, and whole frames");
        }
        int data = 2 * samples.length;
        ByteBuffer b = ByteBuffer.allocate(44 + data).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {'R', 'I', 'F', 'F'}).putInt(36 + data).put(new byte[] {'W', 'A', 'V', 'E'});
        b.put(new byte[] {'f', 'm', 't', ' '}).putInt(16).putShort((short) 1).putShort((short) channels)
                .putInt(sampleRate).putInt(sampleRate * channels * 2).putShort((short) (channels * 2)).putShort((short) 16);
        b.put(new byte[] {'d', 'a', 't', 'a'}).putInt(data);
        for (short s : samples) {
            b.putShort(s);
        }
        return b.array();
    }

    /** Mono float samples in [−1, 1] (clipped outside) as a 16-bit WAV: scaled by 32767 and rounded. */
    public static byte[] pcm16(float[] samples, int sampleRate) {
        short[] pcm = new short[samples.length];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = (short) Math.round(Math.max(-1f, Math.min(1f, samples[i])) * 32767f);
        }
        return pcm16(pcm, sampleRate, 1);
    }

    /** A mono sine tone, e.g. for tests: {@code seconds} of {@code hz} at amplitude {@code amplitude} (of 32767). */
    public static short[] tone(double hz, double seconds, int sampleRate, int amplitude) {
        short[] out = new short[(int) Math.round(seconds * sampleRate)];
        for (int i = 0; i < out.length; i++) {
            out[i] = (short) Math.round(amplitude * Math.sin(2 * Math.PI * hz * i / sampleRate));
        }
        return out;
    }
}
