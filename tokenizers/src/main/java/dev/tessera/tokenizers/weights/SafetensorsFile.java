package dev.tessera.tokenizers.weights;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A memory-mapped safetensors file (8-byte little-endian header length, JSON header, raw
 * little-endian data). The header is validated completely on open — dtypes, shapes, offsets
 * inside the file, no overlaps — so a truncated or malformed checkpoint fails with a message
 * naming the file instead of producing garbage weights.
 */
public final class SafetensorsFile implements WeightsFile {

    private static final long MAX_HEADER = 100L * 1024 * 1024;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> tensors;
    private final Map<String, long[]> offsets; // name -> [begin, end) in the data section
    private final Map<String, String> metadata;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> tensors,
                            Map<String, long[]> offsets, Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.tensors = tensors;
        this.offsets = offsets;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new MalformedWeightsException(path, "file too short for a safetensors header (" + size + " bytes)");
            }
            long headerLength = map(channel, 0, 8).getLong(0);
            if (headerLength <= 0 || headerLength > MAX_HEADER || 8 + headerLength > size) {
                throw new MalformedWeightsException(path, "header length " + headerLength
                        + " does not fit the file of " + size + " bytes (truncated or not safetensors)");
            }
            byte[] header = new byte[(int) headerLength];
            map(channel, 8, headerLength).get(header);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, long[]> offsets = new LinkedHashMap<>();
            Map<String, TensorInfo> tensors = parseHeader(path, header, size - 8 - headerLength, metadata, offsets);
            return new SafetensorsFile(path, channel, 8 + headerLength, tensors, offsets, metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Maps one region (tensors are mapped one at a time, so files over 2 GB work). */
    private static ByteBuffer map(FileChannel channel, long offset, long length) throws IOException {
        return channel.map(FileChannel.MapMode.READ_ONLY, offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    private ByteBuffer region(TensorInfo info) {
        long[] range = offsets.get(info.name());
        try {
            return map(channel, dataStart + range[0], range[1] - range[0]);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": cannot read tensor " + info.name(), e);
        }
    }

    private static Map<String, TensorInfo> parseHeader(Path path, byte[] header, long dataSize,
                                                       Map<String, String> metadata, Map<String, long[]> ranges)
            throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(new String(header, StandardCharsets.UTF_8).strip());
        } catch (JacksonException e) {
            throw new MalformedWeightsException(path, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedWeightsException(path, "header is not a JSON object");
        }
        Map<String, TensorInfo> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            String name = entry.getKey();
            JsonNode node = entry.getValue();
            if (name.equals("__metadata__")) {
                node.properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asString()));
                continue;
            }
            DType dtype;
            try {
                dtype = DType.valueOf(node.path("dtype").asString(""));
            } catch (IllegalArgumentException e) {
                throw new MalformedWeightsException(path, "tensor " + name + " has unsupported dtype '"
                        + node.path("dtype").asString("") + "' (F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL)");
            }
            JsonNode shapeNode = node.path("shape");
            JsonNode offsets = node.path("data_offsets");
            if (!shapeNode.isArray() || !offsets.isArray() || offsets.size() != 2) {
                throw new MalformedWeightsException(path, "tensor " + name + " lacks shape or data_offsets");
            }
            long[] shape = new long[shapeNode.size()];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = shapeNode.get(i).asLong(-1);
                if (shape[i] < 0) {
                    throw new MalformedWeightsException(path, "tensor " + name + " has a negative dimension");
                }
            }
            TensorInfo info = new TensorInfo(name, dtype, shape);
            long begin = offsets.get(0).asLong(-1);
            long end = offsets.get(1).asLong(-1);
            if (begin < 0 || end < begin || end > dataSize) {
                throw new MalformedWeightsException(path, "tensor " + name + " lies outside the data section [0, "
                        + dataSize + ") (file truncated?)");
            }
            if (end - begin != info.elementCount() * dtype.bytes()) {
                throw new MalformedWeightsException(path, "tensor " + name + " has " + (end - begin)
                        + " bytes but its shape needs " + info.elementCount() * dtype.bytes());
            }
            tensors.put(name, info);
            ranges.put(name, new long[] {begin, end});
        }
        List<String> byOffset = new ArrayList<>(tensors.keySet());
        byOffset.sort((a, b) -> Long.compare(ranges.get(a)[0], ranges.get(b)[0]));
        for (int i = 1; i < byOffset.size(); i++) {
            if (ranges.get(byOffset.get(i))[0] < ranges.get(byOffset.get(i - 1))[1]) {
                throw new MalformedWeightsException(path, "tensors " + byOffset.get(i - 1) + " and "
                        + byOffset.get(i) + " overlap");
            }
        }
        return Collections.unmodifiableMap(tensors);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return tensors;
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    @Override
    public float[] floats(String name) {
        TensorInfo info = info(name);
        return info.dtype().floats(region(info), Math.toIntExact(info.elementCount()));
    }

    @Override
    public long[] longs(String name) {
        TensorInfo info = info(name);
        return info.dtype().longs(region(info), Math.toIntExact(info.elementCount()), name);
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // read-only file: nothing to lose
        }
    }
}
