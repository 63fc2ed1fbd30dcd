package dev.tessera.tokenizers.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageTokenizerCommandTest {

    static final Path FIXTURE = Path.of("src/test/resources/fixtures/titok-tiny");

    @TempDir
    Path dir;

    static String expectedIds(int image) throws Exception {
        ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(FIXTURE.resolve("expected/image_" + image + ".tokens.i32")))
                .order(ByteOrder.LITTLE_ENDIAN);
        int[] ids = new int[buf.remaining() / 4];
        buf.asIntBuffer().get(ids);
        return Arrays.stream(ids).mapToObj(String::valueOf).collect(Collectors.joining(" "));
    }

    @Test
    void tokenizesFilesAndDecodesIdsWithoutAServer() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String img0 = FIXTURE.resolve("inputs/image_0.png").toString();
        String img3 = FIXTURE.resolve("inputs/image_3.png").toString();
        int code = ImageTokenizerCommand.run(new String[] {"tokenize-image", "--model", FIXTURE.toString(),
                "--device", "cpu", img0, img3}, new PrintStream(out), new PrintStream(err));
        assertThat(code).as(err.toString()).isZero();
        assertThat(out.toString().lines()).containsExactly(img0 + "\t" + expectedIds(0), img3 + "\t" + expectedIds(3));

        Path png = dir.resolve("back.png");
        code = ImageTokenizerCommand.run(new String[] {"detokenize-image", "--model", FIXTURE.toString(), "--tokens",
                expectedIds(3), "--out", png.toString()}, new PrintStream(out), new PrintStream(err));
        assertThat(code).as(err.toString()).isZero();
        var actual = ImageIO.read(png.toFile());
        var expected = ImageIO.read(FIXTURE.resolve("expected/image_3.decoded.png").toFile());
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                for (int s = 0; s <= 16; s += 8) {
                    assertThat(Math.abs(((actual.getRGB(x, y) >> s) & 0xff) - ((expected.getRGB(x, y) >> s) & 0xff)))
                            .isLessThanOrEqualTo(1);
                }
            }
        }
    }

    @Test
    void wrongTokenCountIsAnErrorNotACrash() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ImageTokenizerCommand.run(new String[] {"detokenize-image", "--model", FIXTURE.toString(), "--tokens",
                "1 2 3", "--out", dir.resolve("x.png").toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains("error:");
    }
}
