package dev.tessera.tokenizers.weights;

import dev.tessera.tokenizers.weights.RestrictedUnpickler.Global;
import dev.tessera.tokenizers.weights.RestrictedUnpickler.UnsafePickleException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * A PyTorch {@code torch.save} checkpoint (the zip format of PyTorch ≥ 1.6: {@code <archive>/data.pkl}
 * and one {@code <archive>/data/<key>} entry per storage), such as {@code pytorch_model.bin} or a
 * {@code .pt}/{@code .pth} state dict. The pickle is read by {@link RestrictedUnpickler} with the globals
 * {@code torch.load(weights_only=True)} allows for a state dict — the tensor-rebuild functions, storage
 * types, {@code OrderedDict} — and anything else is refused before it could run. Tensors may be views
 * (offset, strides) into shared storages; each read gathers its elements into a dense row-major copy.
 */
public final class TorchCheckpointFile implements WeightsFile {

    /** Storage classes by their pickled name and the element type they hold. */
    private static final Map<String, DType> STORAGES = Map.of(
            "FloatStorage", DType.F32, "HalfStorage", DType.F16, "BFloat16Storage", DType.BF16,
            "DoubleStorage", DType.F64, "LongStorage", DType.I64, "IntStorage", DType.I32,
            "ShortStorage", DType.I16, "CharStorage", DType.I8, "ByteStorage", DType.U8, "BoolStorage", DType.BOOL);
    private static final Set<String> REBUILD = Set.of("_rebuild_tensor_v2", "_rebuild_parameter",
            "_rebuild_parameter_with_state");
    /** Where a training checkpoint keeps the model's state dict, when it is not the top level. */
    private static final List<String> NESTED_STATE = List.of("state_dict", "model_state_dict", "model", "module");

    private record Storage(String key, DType dtype, long elements) {}

    private record Tensor(Storage storage, long offset, long[] shape, long[] stride) {}

    private final Path path;
    private final ZipFile zip;
    private final String prefix;
    private final Map<String, Tensor> tensors;
    private final Map<String, TensorInfo> infos;

    private TorchCheckpointFile(Path path, ZipFile zip, String prefix, Map<String, Tensor> tensors) {
        this.path = path;
        this.zip = zip;
        this.prefix = prefix;
        this.tensors = tensors;
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        tensors.forEach((name, t) -> infos.put(name, new TensorInfo(name, t.storage().dtype(), t.shape())));
        this.infos = Collections.unmodifiableMap(infos);
    }

    public static TorchCheckpointFile open(Path path) throws IOException {
        ZipFile zip;
        try {
            zip = new ZipFile(path.toFile());
        } catch (ZipException e) {
            throw new MalformedWeightsException(path, "not a readable torch.save zip (truncated or corrupt): "
                    + e.getMessage());
        }
        try {
            String prefix = archivePrefix(path, zip);
            ZipEntry byteOrder = zip.getEntry(prefix + "byteorder");
            if (byteOrder != null) {
                String order = new String(read(zip, byteOrder, 16), StandardCharsets.US_ASCII).strip();
                if (!order.equals("little")) {
                    throw new MalformedWeightsException(path, "tensors are stored " + order + "-endian; only little-endian is read");
                }
            }
            byte[] pickle = read(zip, zip.getEntry(prefix + "data.pkl"), 512L * 1024 * 1024);
            Object root;
            try {
                root = RestrictedUnpickler.load(pickle, new StateDictGlobals(zip, prefix));
            } catch (UnsafePickleException e) {
                throw new MalformedWeightsException(path, e.getMessage());
            }
            return new TorchCheckpointFile(path, zip, prefix, stateDict(path, root));
        } catch (IOException | RuntimeException e) {
            zip.close();
            if (e instanceof ZipException z) {
                throw new MalformedWeightsException(path, "corrupt zip entry: " + z.getMessage());
            }
            throw e;
        }
    }

    /** The folder every entry sits in ({@code archive/} in recent PyTorch, the file's stem in older ones). */
    private static String archivePrefix(Path path, ZipFile zip) throws IOException {
        List<String> pickles = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
            String name = e.nextElement().getName();
            if (name.endsWith("/data.pkl") && name.indexOf('/') == name.length() - "/data.pkl".length()) {
                pickles.add(name);
            }
        }
        if (pickles.size() != 1) {
            throw new MalformedWeightsException(path, "a torch.save zip has one <archive>/data.pkl; found "
                    + (pickles.isEmpty() ? "none" : pickles) + " (is it a TorchScript archive or another zip?)");
        }
        return pickles.get(0).substring(0, pickles.get(0).length() - "data.pkl".length());
    }

    private static byte[] read(ZipFile zip, ZipEntry entry, long limit) throws IOException {
        if (entry.getSize() > limit) {
            throw new IOException(entry.getName() + " is " + entry.getSize() + " bytes, over " + limit);
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** The tensors of the top-level dict, or of the state dict a training checkpoint nests in it. */
    private static Map<String, Tensor> stateDict(Path path, Object root) throws MalformedWeightsException {
        if (!(root instanceof Map<?, ?> top)) {
            throw new MalformedWeightsException(path, "holds a " + RestrictedUnpickler.describe(root)
                    + ", not a state dict (a dict of tensors)");
        }
        Map<?, ?> dict = top;
        if (top.values().stream().noneMatch(v -> v instanceof Tensor)) {
            dict = NESTED_STATE.stream().map(top::get).filter(v -> v instanceof Map<?, ?> m
                    && m.values().stream().anyMatch(t -> t instanceof Tensor)).map(v -> (Map<?, ?>) v)
                    .findFirst().orElseThrow(() -> new MalformedWeightsException(path, "holds no tensors: top-level keys "
                            + top.keySet() + " (a state dict, or one under " + NESTED_STATE + ", is read)"));
        }
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        dict.forEach((k, v) -> {
            if (k instanceof String name && v instanceof Tensor t) {
                tensors.put(name, t);
            }
        });
        return Collections.unmodifiableMap(tensors);
    }

    /** The weights_only policy for a state dict, with storages resolved against the zip's entries. */
    private record StateDictGlobals(ZipFile zip, String prefix) implements RestrictedUnpickler.Globals {

        @Override
        public boolean allowed(String module, String name) {
            return switch (module) {
                case "collections" -> name.equals("OrderedDict");
                case "torch._utils" -> REBUILD.contains(name);
                case "torch" -> STORAGES.containsKey(name);
                case "torch.storage" -> name.equals("TypedStorage") || name.equals("UntypedStorage");
                case "_codecs" -> name.equals("encode"); // how protocol 2 pickles bytes
                default -> false;
            };
        }

        @Override
        public Object call(Global callable, List<Object> args) throws UnsafePickleException {
            switch (callable.toString()) {
                case "collections.OrderedDict" -> {
                    if (!args.isEmpty()) {
                        throw new UnsafePickleException("OrderedDict is called with arguments");
                    }
                    return new LinkedHashMap<>();
                }
                case "torch._utils._rebuild_tensor_v2" -> {
                    if (args.size() < 4 || !(args.get(0) instanceof Storage storage)) {
                        throw new UnsafePickleException("_rebuild_tensor_v2 needs (storage, offset, size, stride, ...)");
                    }
                    return view(storage, number(args.get(1)), longs(args.get(2)), longs(args.get(3)));
                }
                case "torch._utils._rebuild_parameter", "torch._utils._rebuild_parameter_with_state" -> {
                    if (args.isEmpty() || !(args.get(0) instanceof Tensor t)) {
                        throw new UnsafePickleException(callable + " needs a tensor");
                    }
                    return t;
                }
                case "_codecs.encode" -> {
                    if (args.size() != 2 || !(args.get(0) instanceof String text)) {
                        throw new UnsafePickleException("_codecs.encode needs (text, encoding)");
                    }
                    return text.getBytes(StandardCharsets.ISO_8859_1);
                }
                default -> throw new UnsafePickleException("refuses to call " + callable);
            }
        }

        /** {@code ('storage', <storage class>, key, location, elements)}, as torch.save writes it. */
        @Override
        public Object persistent(Object pid) throws UnsafePickleException {
            if (!(pid instanceof List<?> id) || id.size() != 5 || !"storage".equals(id.get(0))
                    || !(id.get(1) instanceof Global type) || !(id.get(2) instanceof String key)) {
                throw new UnsafePickleException("unknown persistent id " + pid);
            }
            DType dtype = STORAGES.get(type.name());
            if (!type.module().equals("torch") || dtype == null) {
                throw new UnsafePickleException("storage of type " + type + " is not read (typed storages only)");
            }
            long elements = number(id.get(4));
            ZipEntry entry = zip.getEntry(prefix + "data/" + key);
            if (entry == null) {
                throw new UnsafePickleException("storage " + key + " is missing from the archive (truncated?)");
            }
            if (entry.getSize() >= 0 && entry.getSize() != elements * dtype.bytes()) {
                throw new UnsafePickleException("storage " + key + " holds " + entry.getSize() + " bytes, not "
                        + elements + " × " + dtype.bytes());
            }
            return new Storage(key, dtype, elements);
        }

        private static Tensor view(Storage storage, long offset, long[] shape, long[] stride) throws UnsafePickleException {
            if (shape.length != stride.length) {
                throw new UnsafePickleException("a tensor has " + shape.length + " sizes but " + stride.length + " strides");
            }
            long last = offset;
            boolean empty = false;
            for (int i = 0; i < shape.length; i++) {
                if (shape[i] < 0 || stride[i] < 0) {
                    throw new UnsafePickleException("a tensor has a negative size or stride");
                }
                empty |= shape[i] == 0;
                last += (shape[i] - 1) * stride[i];
            }
            if (offset < 0 || (!empty && last >= storage.elements())) {
                throw new UnsafePickleException("a tensor reaches element " + last + " of a storage of "
                        + storage.elements());
            }
            return new Tensor(storage, offset, shape, stride);
        }

        private static long number(Object value) throws UnsafePickleException {
            if (value instanceof Long n) {
                return n;
            }
            throw new UnsafePickleException("expected an integer, found " + RestrictedUnpickler.describe(value));
        }

        private static long[] longs(Object value) throws UnsafePickleException {
            if (!(value instanceof List<?> items)) {
                throw new UnsafePickleException("expected a tuple of integers, found " + RestrictedUnpickler.describe(value));
            }
            long[] out = new long[items.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = number(items.get(i));
            }
            return out;
        }
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, TensorInfo> tensors() {
        return infos;
    }

    @Override
    public float[] floats(String name) {
        TensorInfo info = info(name);
        return info.dtype().floats(dense(name), Math.toIntExact(info.elementCount()));
    }

    @Override
    public long[] longs(String name) {
        TensorInfo info = info(name);
        return info.dtype().longs(dense(name), Math.toIntExact(info.elementCount()), name);
    }

    /** The tensor's elements, row-major and contiguous, little-endian. */
    private ByteBuffer dense(String name) {
        Tensor t = tensors.get(name);
        int size = t.storage().dtype().bytes();
        byte[] storage;
        try {
            storage = read(zip, zip.getEntry(prefix + "data/" + t.storage().key()), Integer.MAX_VALUE - 8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(path + ": cannot read the storage of " + name, e);
        }
        if (storage.length != t.storage().elements() * size) {
            throw new java.io.UncheckedIOException(new MalformedWeightsException(path, "the storage of " + name
                    + " holds " + storage.length + " bytes, not " + t.storage().elements() * size));
        }
        int count = Math.toIntExact(new TensorInfo(name, t.storage().dtype(), t.shape()).elementCount());
        byte[] out = new byte[count * size];
        if (rowMajor(t.shape(), t.stride())) {
            System.arraycopy(storage, Math.toIntExact(t.offset() * size), out, 0, out.length);
        } else {
            int dims = t.shape().length;
            long[] index = new long[dims];
            for (int i = 0; i < count; i++) {
                long element = t.offset();
                for (int d = 0; d < dims; d++) {
                    element += index[d] * t.stride()[d];
                }
                System.arraycopy(storage, Math.toIntExact(element * size), out, i * size, size);
                for (int d = dims - 1; d >= 0 && ++index[d] == t.shape()[d]; d--) {
                    index[d] = 0;
                }
            }
        }
        return ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Whether strides are those of a dense row-major tensor (dimensions of size 1 may have any stride). */
    private static boolean rowMajor(long[] shape, long[] stride) {
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            // read-only file: nothing to lose
        }
    }
}
