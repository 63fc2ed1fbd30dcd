package dev.tessera.tokenizers.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsFileTest {

    @TempDir
    Path dir;

    @Test
    void roundTripsTensorsInOrderWithMetadata() throws Exception {
        Path file = dir.resolve("m.safetensors");
        new SafetensorsWriter()
                .metadata("format", "pt")
                .add("b.weight", new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, 6})
                .add("a.ids", new long[] {2}, new long[] {7, -1})
                .write(file);
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.tensors().keySet()).containsExactly("b.weight", "a.ids");
            assertThat(f.info("b.weight").shape()).containsExactly(2, 3);
            assertThat(f.floats("b.weight")).containsExactly(1, 2, 3, 4, 5, 6);
            assertThat(f.longs("a.ids")).containsExactly(7, -1);
            assertThat(f.metadata()).containsEntry("format", "pt");
        }
    }

    @Test
    void readsHalfPrecisionAndInt32() throws Exception {
        // Hand-made file: F16 [1.5, -2], BF16 [1.0, 0.5], I32 [42].
        ByteBuffer data = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort(Float.floatToFloat16(1.5f)).putShort(Float.floatToFloat16(-2f));
        data.putShort((short) (Float.floatToIntBits(1.0f) >>> 16)).putShort((short) (Float.floatToIntBits(0.5f) >>> 16));
        data.putInt(42);
        String header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                + "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]},"
                + "\"i\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        Path file = write(header, data.array());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertThat(f.floats("h")).containsExactly(1.5f, -2f);
            assertThat(f.floats("b")).containsExactly(1.0f, 0.5f);
            assertThat(f.longs("i")).containsExactly(42);
        }
    }

    @Test
    void truncatedFileIsRefusedNamingThePath() throws Exception {
        Path file = dir.resolve("full.safetensors");
        new SafetensorsWriter().add("w", new long[] {1000}, new float[1000]).write(file);
        byte[] bytes = Files.readAllBytes(file);
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> SafetensorsFile.open(truncated))
                .isInstanceOf(MalformedWeightsException.class)
                .hasMessageContaining(truncated.toString())
                .hasMessageContaining("outside the data section");
        Path headerOnly = dir.resolve("cut.safetensors");
        Files.write(headerOnly, Arrays.copyOf(bytes, 20));
        assertThatThrownBy(() -> SafetensorsFile.open(headerOnly)).hasMessageContaining("header length");
    }

    @Test
    void malformedHeadersAreRefused() throws Exception {
        assertThatThrownBy(() -> SafetensorsFile.open(write("{not json", new byte[0])))
                .hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> SafetensorsFile.open(write(
                "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}", new byte[1])))
                .hasMessageContaining("unsupported dtype");
        assertThatThrownBy(() -> SafetensorsFile.open(write(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", new byte[8])))
                .hasMessageContaining("shape needs 12");
        assertThatThrownBy(() -> SafetensorsFile.open(write(
                "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"y\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", new byte[8])))
                .hasMessageContaining("overlap");
        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[3]);
        assertThatThrownBy(() -> SafetensorsFile.open(tiny)).hasMessageContaining("too short");
    }

    private Path write(String header, byte[] data) throws Exception {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(data);
        Path file = Files.createTempFile(dir, "t", ".safetensors");
        Files.write(file, buf.array());
        return file;
    }
}
