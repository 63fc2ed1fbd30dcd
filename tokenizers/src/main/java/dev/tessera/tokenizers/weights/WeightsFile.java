package dev.tessera.tokenizers.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named tensors of a checkpoint on disk, read on demand as float32 or int64. Two formats: safetensors
 * (preferred: a header and raw data, nothing to interpret) and PyTorch's {@code torch.save} zip, read
 * with a restricted unpickler that runs no code ({@link TorchCheckpointFile}).
 */
public interface WeightsFile extends AutoCloseable {

    /** Weight files a model folder may hold, in order of preference. */
    List<String> FILE_NAMES = List.of("model.safetensors", "pytorch_model.bin", "model.pt", "model.pth");

    Path path();

    /** Tensors in file order. */
    Map<String, TensorInfo> tensors();

    default boolean contains(String name) {
        return tensors().containsKey(name);
    }

    default TensorInfo info(String name) {
        TensorInfo info = tensors().get(name);
        if (info == null) {
            throw new IllegalArgumentException(path() + ": no tensor named " + name);
        }
        return info;
    }

    /** The tensor's values as float32, converted from its stored type when needed. */
    float[] floats(String name);

    /** The tensor's values as int64 (integer dtypes only). */
    long[] longs(String name);

    @Override
    void close();

    /**
     * Opens a weights file: {@code *.safetensors} as safetensors, anything else as a {@code torch.save}
     * zip. A pickle in PyTorch's pre-1.6 format is refused with a message saying so.
     */
    static WeightsFile open(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".safetensors")) {
            return SafetensorsFile.open(file);
        }
        byte[] head = new byte[4];
        int n;
        try (var in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        }
        if (n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4) {
            return TorchCheckpointFile.open(file);
        }
        if (n > 0 && head[0] == (byte) 0x80) {
            throw new MalformedWeightsException(file, "a pickle in the format torch.save wrote before PyTorch 1.6, "
                    + "which is not read: save it again with a current PyTorch (torch.save(torch.load(f), f))");
        }
        throw new MalformedWeightsException(file, "neither a torch.save zip nor safetensors (" + n + " bytes seen)");
    }

    /** The weights of a model folder: the first of {@link #FILE_NAMES} it holds (safetensors preferred). */
    static Optional<Path> find(Path modelDir) {
        return FILE_NAMES.stream().map(modelDir::resolve).filter(Files::isRegularFile).findFirst();
    }

    /** As {@link #find}, failing with the names looked for. */
    static Path require(Path modelDir, String what) throws NoSuchFileException {
        return find(modelDir).orElseThrow(() -> new NoSuchFileException(modelDir.toString(), null,
                "no " + what + " weights (one of " + String.join(", ", FILE_NAMES) + ")"));
    }
}
