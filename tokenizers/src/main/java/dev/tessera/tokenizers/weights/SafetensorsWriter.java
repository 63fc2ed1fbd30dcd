package dev.tessera.tokenizers.weights;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Writes float32 / int64 tensors as a safetensors file, in insertion order, atomically. */
public final class SafetensorsWriter {

    private record Entry(DType dtype, long[] shape, byte[] bytes) {}

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();

    public SafetensorsWriter metadata(String key, String value) {
        metadata.put(key, value);
        return this;
    }

    public SafetensorsWriter add(String name, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return put(name, DType.F32, shape, values.length, buf.array());
    }

    public SafetensorsWriter add(String name, long[] shape, long[] values) {
        ByteBuffer buf = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(values);
        return put(name, DType.I64, shape, values.length, buf.array());
    }

    private SafetensorsWriter put(String name, DType dtype, long[] shape, int count, byte[] bytes) {
        long expected = 1;
        for (long d : shape) {
            expected *= d;
        }
        if (expected != count) {
            throw new IllegalArgumentException(name + ": " + count + " values do not fill the shape");
        }
        if (entries.putIfAbsent(name, new Entry(dtype, shape.clone(), bytes)) != null) {
            throw new IllegalArgumentException("duplicate tensor " + name);
        }
        return this;
    }

    public void write(Path file) throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put("__metadata__", metadata);
        }
        long offset = 0;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            long end = offset + e.getValue().bytes().length;
            header.put(e.getKey(), Map.of("dtype", e.getValue().dtype().name(), "shape", e.getValue().shape(),
                    "data_offsets", new long[] {offset, end}));
            offset = end;
        }
        byte[] json = JsonMapper.builder().build().writeValueAsString(header).getBytes(StandardCharsets.UTF_8);
        // Pad the header with spaces so the data section starts 8-byte aligned, as the reference writer does.
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        java.util.Arrays.fill(headerBytes, (byte) ' ');
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
            out.write(headerBytes);
            for (Entry e : entries.values()) {
                out.write(e.bytes());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
