package dev.tessera.tokenizers.audio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;

class WavTest {

    @Test
    void javaSoundReadsBackTheFormatAndTheSamples() throws Exception {
        short[] tone = Wav.tone(440, 0.25, 16000, 12000);
        short[] stereo = new short[2 * tone.length];
        for (int i = 0; i < tone.length; i++) {
            stereo[2 * i] = tone[i];
            stereo[2 * i + 1] = (short) -tone[i];
        }
        try (AudioInputStream in = AudioSystem.getAudioInputStream(new ByteArrayInputStream(Wav.pcm16(stereo, 16000, 2)))) {
            AudioFormat f = in.getFormat();
            assertThat(f.getSampleRate()).isEqualTo(16000f);
            assertThat(f.getChannels()).isEqualTo(2);
            assertThat(f.getSampleSizeInBits()).isEqualTo(16);
            assertThat(f.isBigEndian()).isFalse();
            assertThat(in.getFrameLength()).isEqualTo(4000);
            byte[] pcm = in.readAllBytes();
            assertThat((short) ((pcm[5] << 8) | (pcm[4] & 0xff))).isEqualTo(stereo[2]);
            assertThat((short) ((pcm[7] << 8) | (pcm[6] & 0xff))).isEqualTo(stereo[3]);
        }
        assertThat(tone[40]).isEqualTo((short) Math.round(12000 * Math.sin(2 * Math.PI * 440 * 40 / 16000.0)));
        assertThatThrownBy(() -> Wav.pcm16(new short[3], 8000, 2)).isInstanceOf(IllegalArgumentException.class);
    }
}
