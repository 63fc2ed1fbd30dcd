package dev.tessera.tokenizers.audio;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AudioTokenizerCommandTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/encodec-tiny");

    @TempDir
    Path dir;

    @Test
    void tokenizeAudioPrintsTheOfficialCodesAndDetokenizeAudioWritesTheirWaveform() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = AudioTokenizerCommand.run(new String[] {"tokenize-audio", "--model", FIXTURE.toString(),
                "--bandwidth", "1.8", FIXTURE.resolve("inputs/clip_1.wav").toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(FIXTURE.resolve("expected/clip_1.nq4.codes.i32")))
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] expected = new int[b.remaining() / 4];
        b.asIntBuffer().get(expected);
        int frames = expected.length / 4;
        for (int q = 0; q < 4; q++) {
            assertThat(lines.get(q)).isEqualTo(String.join(" ",
                    Arrays.stream(expected, q * frames, (q + 1) * frames).mapToObj(String::valueOf).toList()));
        }

        Path codes = Files.writeString(dir.resolve("codes.txt"), String.join("\n", lines));
        Path wav = dir.resolve("out.wav");
        status = AudioTokenizerCommand.run(new String[] {"detokenize-audio", "--model", FIXTURE.toString(),
                "--codes", codes.toString(), "--out", wav.toString()}, new PrintStream(out), new PrintStream(err));
        assertThat(status).isZero();
        byte[] bytes = Files.readAllBytes(wav);
        assertThat(bytes.length - 44).isEqualTo(2 * frames * 320);
        assertThat(AudioTokenizerCommand.run(new String[] {"tokenize-audio"}, new PrintStream(out), new PrintStream(err)))
                .isEqualTo(2);
    }
}
