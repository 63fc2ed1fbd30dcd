package dev.tessera.tokenizers.video.vqtoken;

import ai.djl.Device;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.util.PairList;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A learned backbone the user installed: the patch states of an exported image encoder ("vision
 * tower", e.g. the vision half of CLIP or SigLIP) served on DJL, ONNX Runtime for {@code .onnx},
 * PyTorch for TorchScript.
 *
 * <p>The folder is a Hugging Face style export: the model file ({@code model.onnx},
 * {@code onnx/model.onnx}, {@code model.pt} or {@code *.torchscript}), the image processor's
 * {@code preprocessor_config.json} (image size, {@code image_mean}, {@code image_std},
 * {@code do_rescale}/{@code rescale_factor}, {@code do_normalize}) and, optionally, the model's
 * {@code config.json} ({@code patch_size}, or {@code vision_config.patch_size} in a full
 * CLIP/SigLIP config). The model takes {@code pixel_values} float32 {@code [B, 3, H, W]} and
 * gives {@code last_hidden_state} (else its first rank-3 output) {@code [B, T, D]}: T = g² patch
 * tokens (SigLIP) or g² + 1 with a leading class token (CLIP), which is dropped. One dummy forward
 * pass at load checks the shapes and finds D; frames run 16 at a time.
 *
 * <p>Frames arrive CHW in [0, 1] at {@link #frameSize()}, i.e. already resized and rescaled
 * (pixel / 255); they are normalised here as the image processor would, ({@code x − mean}) / std.
 * Thread-safe (forward passes are serialised); close it to free the native model.
 */
public final class VisionTowerPatches implements PatchEmbedder, AutoCloseable {

    static final int BATCH = 16;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final Set<String> VISION_MODEL_TYPES =
            Set.of("siglip_vision_model", "clip_vision_model", "siglip", "clip");
    /** CLIP's processor statistics, used when a folder has a CLIP config.json but no preprocessor_config.json. */
    private static final float[] CLIP_MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] CLIP_STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};

    /** What the image processor does to a [0, 1] frame: value·scale, then (· − mean) / std per channel. */
    record Preprocessing(int imageSize, float scale, float[] mean, float[] std) {}

    private enum Format {
        ONNX("onnx", "OnnxRuntime"), TORCHSCRIPT("torchscript", "PyTorch");

        final String label;
        final String engine;

        Format(String label, String engine) {
            this.label = label;
            this.engine = engine;
        }
    }

    private final String name;
    private final Format format;
    private final Preprocessing preprocessing;
    private final ZooModel<NDList, NDList> model;
    private final Predictor<NDList, NDList> predictor;
    private final String inputName;       // null: positional (TorchScript)
    private final int fixedBatch;         // > 0 when the export fixes the batch size
    private final int grid;
    private final int dimension;
    private final boolean classToken;
    private boolean closed;

    private VisionTowerPatches(String name, Format format, Preprocessing preprocessing, ZooModel<NDList, NDList> model,
                               String inputName, int fixedBatch, Integer patchSize) {
        this.name = name;
        this.format = format;
        this.preprocessing = preprocessing;
        this.model = model;
        this.inputName = inputName;
        this.fixedBatch = fixedBatch;
        this.predictor = model.newPredictor();
        int size = preprocessing.imageSize();
        try {
            // The probe: one grey frame (a full fixed batch where the export fixes it) tells T and D.
            Shape shape = probe();
            if (shape.dimension() != 3) {
                throw new IllegalArgumentException("vision tower " + name + " gives no rank-3 output [batch, tokens, dim] "
                        + "(got " + shape + "); it needs last_hidden_state");
            }
            int tokens = (int) shape.get(1);
            this.dimension = (int) shape.get(2);
            if (patchSize != null) {
                if (patchSize <= 0 || size % patchSize != 0) {
                    throw new IllegalArgumentException("vision tower " + name + ": image size " + size
                            + " is not a multiple of patch_size " + patchSize);
                }
                int g = size / patchSize;
                if (tokens != g * g && tokens != g * g + 1) {
                    throw new IllegalArgumentException("vision tower " + name + " gives " + tokens + " tokens, but image "
                            + size + " / patch " + patchSize + " is a " + g + "×" + g + " grid, which needs " + g * g
                            + " (no class token) or " + (g * g + 1) + " (class token first)");
                }
                this.grid = g;
                this.classToken = tokens == g * g + 1;
            } else {
                int square = exactSqrt(tokens);
                int squareAfterClass = exactSqrt(tokens - 1);
                if (square > 0) {
                    this.grid = square;
                    this.classToken = false;
                } else if (squareAfterClass > 0) {
                    this.grid = squareAfterClass;
                    this.classToken = true;
                } else {
                    throw new IllegalArgumentException("vision tower " + name + " gives " + tokens + " tokens, neither g² "
                            + "patch tokens nor g² + 1 with a class token (extra tokens such as registers are not "
                            + "supported)");
                }
            }
        } catch (RuntimeException e) {
            predictor.close();
            throw e;
        }
    }

    /**
     * True when {@code dir} holds an image-encoder export this class can load: a model file
     * ({@code model.onnx}, {@code onnx/model.onnx}, {@code model.pt} or {@code *.torchscript}), and
     * {@code preprocessor_config.json} or a {@code config.json} whose {@code model_type} is a
     * CLIP/SigLIP (vision) model, and no {@code tokenizer.json} (a folder with one is a text
     * embedder). Never throws.
     */
    public static boolean isVisionTower(Path dir) {
        try {
            if (dir == null || !Files.isDirectory(dir) || Files.exists(dir.resolve("tokenizer.json"))
                    || modelFile(dir).isEmpty()) {
                return false;
            }
            if (Files.isRegularFile(dir.resolve("preprocessor_config.json"))) {
                return true;
            }
            Path config = dir.resolve("config.json");
            if (!Files.isRegularFile(config)) {
                return false;
            }
            JsonNode root = JSON.readTree(Files.readString(config));
            return root != null && root.isObject() && VISION_MODEL_TYPES.contains(root.path("model_type").asString(""));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** As {@link #load(String, Path, Device)} on the CPU. */
    public static VisionTowerPatches load(String name, Path dir) {
        return load(name, dir, null);
    }

    /**
     * Loads the vision tower in {@code dir} and runs one dummy forward pass to learn its grid and
     * width.
     *
     * @param name   how answers name it (e.g. the folder name under {@code <data-dir>/models/})
     * @param device where it runs, e.g. {@code Device.gpu()}; null = CPU
     * @throws IllegalArgumentException when the folder has no model file, the model file does not
     *                                  load, a config file is malformed or the output shapes do not
     *                                  fit a square patch grid; the message says which
     */
    public static VisionTowerPatches load(String name, Path dir, Device device) {
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException("vision tower " + name + ": " + dir + " is not a folder");
        }
        Path modelFile = modelFile(dir).orElseThrow(() -> new IllegalArgumentException("vision tower " + name + ": "
                + dir + " holds no model.onnx, onnx/model.onnx, model.pt or *.torchscript"));
        Format format = modelFile.getFileName().toString().endsWith(".onnx") ? Format.ONNX : Format.TORCHSCRIPT;
        JsonNode config = readJson(dir.resolve("config.json"), name);
        Preprocessing preprocessing = preprocessing(dir, config, name);
        Integer patchSize = patchSize(config, dir.resolve("config.json"), name);
        Device target = device == null ? Device.cpu() : device;
        if (target.isGpu() && !canUseGpu(format)) {
            throw new IllegalArgumentException("vision tower " + name + ": " + target + " requested but " + format.engine
                    + (format == Format.ONNX ? " here has no CUDA execution provider (it needs the onnxruntime_gpu "
                    + "artifact, CUDA 12 and cuDNN 9) or sees no GPU" : " sees no GPU (CPU natives only)")
                    + "; use the CPU or VisionTowerPatches.chooseDevice(dir, \"auto\")");
        }

        ZooModel<NDList, NDList> model;
        try {
            long bytes = Files.size(modelFile);
            if (bytes == 0) {
                throw new IllegalArgumentException("vision tower " + name + ": model file " + modelFile + " is empty");
            }
            Criteria<NDList, NDList> criteria = Criteria.builder()
                    .setTypes(NDList.class, NDList.class)
                    .optModelPath(modelFile)
                    .optEngine(format.engine)
                    .optDevice(target)
                    .optTranslator(new NoopTranslator())
                    .build();
            model = criteria.loadModel();
        } catch (IllegalArgumentException e) {
            throw e;
        } catch (Exception | UnsatisfiedLinkError e) {
            throw new IllegalArgumentException("vision tower " + name + ": cannot load " + modelFile.getFileName()
                    + " with " + format.engine + " on " + target + " (corrupt, truncated or not "
                    + (format == Format.ONNX ? "an ONNX" : "a TorchScript") + " model?): " + firstLine(e), e);
        }
        try {
            String inputName = null;
            int fixedBatch = 0;
            PairList<String, Shape> inputs = format == Format.ONNX ? model.describeInput() : null;
            if (inputs != null && inputs.size() > 0) {
                List<String> names = inputs.keys();
                int at = names.indexOf("pixel_values");
                if (at < 0 && names.size() == 1) {
                    at = 0;
                }
                if (at < 0 || names.size() > 1) {
                    throw new IllegalArgumentException("vision tower " + name + ": the model takes inputs " + names
                            + "; a vision-only export with the single input pixel_values [batch, 3, height, width] "
                            + "is needed");
                }
                inputName = names.get(at);
                Shape in = inputs.get(at).getValue();
                if (in != null && in.dimension() == 4) {
                    int size = preprocessing.imageSize();
                    if (in.get(1) > 0 && in.get(1) != 3 || in.get(2) > 0 && in.get(2) != size
                            || in.get(3) > 0 && in.get(3) != size) {
                        throw new IllegalArgumentException("vision tower " + name + ": the model takes " + inputName
                                + " " + in + " but the preprocessor config gives " + size + "×" + size + " RGB images");
                    }
                    fixedBatch = in.get(0) > 0 ? (int) in.get(0) : 0;
                }
            }
            return new VisionTowerPatches(name, format, preprocessing, model, inputName, fixedBatch, patchSize);
        } catch (IllegalArgumentException e) {
            model.close();
            throw e;
        } catch (RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("vision tower " + name + ": the test forward pass on a "
                    + preprocessing.imageSize() + "×" + preprocessing.imageSize() + " image failed: " + firstLine(e), e);
        }
    }

    /**
     * The device to load {@code dir}'s model on: {@code "auto"} (or null) = CUDA when the engine
     * its model file needs (ONNX Runtime with the CUDA provider, or PyTorch with CUDA natives) sees
     * a GPU, else the CPU; {@code "cpu"}; {@code "gpu"}/{@code "cuda"} or {@code "gpu:N"} (checked at
     * {@link #load}). Never loads the model.
     */
    public static Device chooseDevice(Path dir, String device) {
        String d = device == null ? "auto" : device.strip().toLowerCase(java.util.Locale.ROOT);
        if (d.equals("cpu")) {
            return Device.cpu();
        }
        if (d.equals("auto")) {
            Optional<Path> file = dir == null ? Optional.empty() : modelFile(dir);
            if (file.isEmpty()) {
                return Device.cpu();
            }
            Format format = file.get().getFileName().toString().endsWith(".onnx") ? Format.ONNX : Format.TORCHSCRIPT;
            return canUseGpu(format) ? Device.gpu() : Device.cpu();
        }
        if (d.matches("(gpu|cuda)([:(]?\\d+\\)?)?")) {
            return Device.gpu(d.matches(".*\\d.*") ? Integer.parseInt(d.replaceAll("\\D", "")) : 0);
        }
        throw new IllegalArgumentException("device must be auto, cpu, gpu or gpu:N, got '" + device + "'");
    }

    /** Whether the engine can run on CUDA here; never throws. */
    private static boolean canUseGpu(Format format) {
        try {
            if (format == Format.ONNX) {
                return ai.djl.util.cuda.CudaUtils.getGpuCount() > 0
                        && ai.onnxruntime.OrtEnvironment.getAvailableProviders().contains(ai.onnxruntime.OrtProvider.CUDA);
            }
            return ai.djl.engine.Engine.getEngine(format.engine).getGpuCount() > 0;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    @Override
    public String name() {
        return "vision-tower " + name + " (" + format.label + ")";
    }

    @Override
    public int frameSize() {
        return preprocessing.imageSize();
    }

    @Override
    public int grid() {
        return grid;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    /** True when the model puts a class token first (CLIP), which {@link #embed} drops. */
    public boolean hasClassToken() {
        return classToken;
    }

    /** The device the model runs on, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return model.getNDManager().getDevice().toString();
    }

    /** The engine: {@code OnnxRuntime} or {@code PyTorch}. */
    public String engine() {
        return format.engine;
    }

    @Override
    public List<float[]> embed(List<float[]> frames) {
        int plane = frameSize() * frameSize();
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).length != 3 * plane) {
                throw new IllegalArgumentException("frame " + i + " has " + frames.get(i).length + " values, expected 3 × "
                        + frameSize() + " × " + frameSize() + " = " + 3 * plane);
            }
        }
        int chunk = fixedBatch > 0 ? fixedBatch : BATCH;
        List<float[]> out = new ArrayList<>(frames.size());
        for (int from = 0; from < frames.size(); from += chunk) {
            out.addAll(forward(frames.subList(from, Math.min(frames.size(), from + chunk))));
        }
        return out;
    }

    /** One batch: frames → per frame [g² × D] (class token dropped). */
    private synchronized List<float[]> forward(List<float[]> frames) {
        if (closed) {
            throw new IllegalStateException("vision tower " + name + " is closed");
        }
        int n = frames.size();
        int rows = fixedBatch > 0 ? fixedBatch : n;
        int size = frameSize();
        int plane = size * size;
        float[] pixels = new float[rows * 3 * plane];
        for (int b = 0; b < n; b++) {
            normalise(frames.get(b), pixels, b * 3 * plane, plane);
        }
        Result r = run(pixels, rows);
        int tokens = r.shape.get(1) > Integer.MAX_VALUE ? -1 : (int) r.shape.get(1);
        int patches = grid * grid;
        if (r.shape.get(0) != rows || tokens != patches + (classToken ? 1 : 0) || r.shape.get(2) != dimension) {
            throw new IllegalStateException("vision tower " + name + " gave " + r.shape + " for " + rows
                    + " frames, expected (" + rows + ", " + (patches + (classToken ? 1 : 0)) + ", " + dimension + ")");
        }
        int skip = classToken ? 1 : 0;
        List<float[]> out = new ArrayList<>(n);
        for (int b = 0; b < n; b++) {
            float[] v = new float[patches * dimension];
            System.arraycopy(r.values, (b * tokens + skip) * dimension, v, 0, patches * dimension);
            out.add(v);
        }
        return out;
    }

    private void normalise(float[] chw, float[] into, int offset, int plane) {
        float scale = preprocessing.scale();
        for (int c = 0; c < 3; c++) {
            float mean = preprocessing.mean()[c];
            float inv = 1f / preprocessing.std()[c];
            int base = c * plane;
            for (int i = 0; i < plane; i++) {
                into[offset + base + i] = (chw[base + i] * scale - mean) * inv;
            }
        }
    }

    private record Result(float[] values, Shape shape) {}

    private Result run(float[] pixels, int rows) {
        int size = frameSize();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDArray input = manager.create(pixels, new Shape(rows, 3, size, size));
            if (inputName != null) {
                input.setName(inputName);
            }
            NDList output = predictor.predict(new NDList(input));
            try {
                NDArray states = hiddenStates(output);
                if (states.getDataType() != DataType.FLOAT32) {
                    states = states.toType(DataType.FLOAT32, false);
                }
                return new Result(states.toFloatArray(), states.getShape());
            } finally {
                output.close();
            }
        } catch (ai.djl.translate.TranslateException e) {
            throw new IllegalStateException("vision tower " + name + " forward pass failed: " + firstLine(e), e);
        }
    }

    private Shape probe() {
        int rows = Math.max(1, fixedBatch);
        int size = frameSize();
        float[] blank = new float[3 * size * size];
        java.util.Arrays.fill(blank, 0.5f);
        float[] pixels = new float[rows * blank.length];
        for (int b = 0; b < rows; b++) {
            normalise(blank, pixels, b * blank.length, size * size);
        }
        Shape shape = run(pixels, rows).shape;
        if (shape.dimension() == 3 && shape.get(0) != rows) {
            throw new IllegalArgumentException("vision tower " + name + " gave " + shape + " for a batch of " + rows);
        }
        return shape;
    }

    /** {@code last_hidden_state} by name, else the first rank-3 output, else the first output. */
    private static NDArray hiddenStates(NDList output) {
        NDArray byName = output.get("last_hidden_state");
        if (byName != null) {
            return byName;
        }
        for (NDArray array : output) {
            if (array.getShape().dimension() == 3) {
                return array;
            }
        }
        if (output.isEmpty()) {
            throw new IllegalStateException("the model gave no outputs");
        }
        return output.getFirst();
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            predictor.close();
            model.close();
        }
    }

    // ---------------------------------------------------------------- folder and config files

    /** The model file: model.onnx, onnx/model.onnx, model.pt, else the first *.torchscript by name. */
    static Optional<Path> modelFile(Path dir) {
        for (String candidate : new String[] {"model.onnx", "onnx/model.onnx", "model.pt"}) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return Optional.of(p);
            }
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".torchscript") && Files.isRegularFile(p))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The parsed file, null when it does not exist. */
    private static JsonNode readJson(Path file, String name) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(Files.readString(file));
            if (root == null || !root.isObject()) {
                throw new IllegalArgumentException("vision tower " + name + ": " + file + " is not a JSON object");
            }
            return root;
        } catch (JacksonException e) {
            throw new IllegalArgumentException("vision tower " + name + ": " + file + " is not valid JSON: "
                    + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("vision tower " + name + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** config.json's vision part: {@code vision_config} of a full CLIP/SigLIP config, else the root. */
    private static JsonNode visionConfig(JsonNode config) {
        if (config == null) {
            return null;
        }
        JsonNode vision = config.get("vision_config");
        return vision != null && vision.isObject() ? vision : config;
    }

    static Preprocessing preprocessing(Path dir, JsonNode config, String name) {
        Path file = dir.resolve("preprocessor_config.json");
        JsonNode p = readJson(file, name);
        JsonNode vision = visionConfig(config);
        String modelType = config == null ? "" : config.path("model_type").asString("");
        if (p == null) {
            if (config == null) {
                throw new IllegalArgumentException("vision tower " + name + ": " + dir
                        + " has no preprocessor_config.json (image size, image_mean, image_std) and no config.json");
            }
            Integer size = positiveInt(vision, "image_size", dir.resolve("config.json"), name);
            if (size == null) {
                throw new IllegalArgumentException("vision tower " + name + ": no preprocessor_config.json and no "
                        + "image_size in config.json");
            }
            boolean siglip = modelType.startsWith("siglip");
            return new Preprocessing(size, 1f, siglip ? HALF : CLIP_MEAN, siglip ? HALF : CLIP_STD);
        }
        Integer size = null;
        boolean centreCrop = !p.has("do_center_crop") || p.path("do_center_crop").asBoolean(true);
        if (centreCrop && p.has("crop_size")) {
            size = squareSize(p.get("crop_size"), "crop_size", file, name);
        }
        if (size == null && p.has("size")) {
            size = squareSize(p.get("size"), "size", file, name);
        }
        if (size == null && vision != null) {
            size = positiveInt(vision, "image_size", dir.resolve("config.json"), name);
        }
        if (size == null) {
            throw new IllegalArgumentException("vision tower " + name + ": " + file + " gives no image size "
                    + "(size, size.height/width, size.shortest_edge or crop_size)");
        }
        boolean normalize = !p.has("do_normalize") || p.path("do_normalize").asBoolean(true);
        float[] mean = normalize ? triple(p, "image_mean", file, name) : new float[] {0, 0, 0};
        float[] std = normalize ? triple(p, "image_std", file, name) : new float[] {1, 1, 1};
        for (float s : std) {
            if (!(s > 0) || !Float.isFinite(s)) {
                throw new IllegalArgumentException("vision tower " + name + ": " + file + ": image_std must be positive, got "
                        + java.util.Arrays.toString(std));
            }
        }
        // Frames are pixel / 255 already; the processor multiplies raw pixels by rescale_factor (1/255 by
        // default) when do_rescale is on, and feeds raw 0–255 values when it is off.
        boolean rescale = !p.has("do_rescale") || p.path("do_rescale").asBoolean(true);
        float scale = 255f;
        if (rescale) {
            JsonNode factor = p.get("rescale_factor");
            double f = 1.0 / 255;
            if (factor != null && !factor.isNull()) {
                if (!factor.isNumber() || !(factor.doubleValue() > 0)) {
                    throw new IllegalArgumentException("vision tower " + name + ": " + file
                            + ": rescale_factor must be a positive number, got " + factor);
                }
                f = factor.doubleValue();
            }
            scale = (float) (255 * f);
        }
        return new Preprocessing(size, scale, mean, std);
    }

    /** An int, {height, width} (equal), {shortest_edge} or null when the node gives none of these. */
    private static Integer squareSize(JsonNode node, String key, Path file, String name) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return checkedSize(node, key, file, name);
        }
        if (node.isObject()) {
            if (node.has("height") || node.has("width")) {
                int h = checkedSize(node.get("height"), key + ".height", file, name);
                int w = checkedSize(node.get("width"), key + ".width", file, name);
                if (h != w) {
                    throw new IllegalArgumentException("vision tower " + name + ": " + file + ": " + key + " is " + h + "×"
                            + w + "; only square inputs are supported");
                }
                return h;
            }
            if (node.has("shortest_edge")) {
                return checkedSize(node.get("shortest_edge"), key + ".shortest_edge", file, name);
            }
            return null;
        }
        throw new IllegalArgumentException("vision tower " + name + ": " + file + ": " + key
                + " must be a number or an object with height/width or shortest_edge, got " + node);
    }

    private static int checkedSize(JsonNode node, String key, Path file, String name) {
        if (node == null || !node.isNumber() || node.doubleValue() != Math.rint(node.doubleValue())
                || node.doubleValue() < 1 || node.doubleValue() > 8192) {
            throw new IllegalArgumentException("vision tower " + name + ": " + file + ": " + key
                    + " must be a whole number of pixels in 1…8192, got " + node);
        }
        return (int) node.doubleValue();
    }

    private static Integer positiveInt(JsonNode node, String key, Path file, String name) {
        if (node == null || !node.has(key) || node.get(key).isNull()) {
            return null;
        }
        return checkedSize(node.get(key), key, file, name);
    }

    /** A list of 3 numbers, or one number for all channels. */
    private static float[] triple(JsonNode p, String key, Path file, String name) {
        JsonNode node = p.get(key);
        if (node == null || node.isNull()) {
            throw new IllegalArgumentException("vision tower " + name + ": " + file + " has no " + key);
        }
        if (node.isNumber()) {
            float v = (float) node.doubleValue();
            return new float[] {v, v, v};
        }
        if (node.isArray() && node.size() == 3) {
            float[] out = new float[3];
            for (int i = 0; i < 3; i++) {
                if (!node.get(i).isNumber()) {
                    throw new IllegalArgumentException("vision tower " + name + ": " + file + ": " + key
                            + " must hold numbers, got " + node);
                }
                out[i] = (float) node.get(i).doubleValue();
            }
            return out;
        }
        throw new IllegalArgumentException("vision tower " + name + ": " + file + ": " + key
                + " must be 3 numbers (R, G, B), got " + node);
    }

    private static Integer patchSize(JsonNode config, Path file, String name) {
        JsonNode vision = visionConfig(config);
        return vision == null ? null : positiveInt(vision, "patch_size", file, name);
    }

    /** √n when n is a positive perfect square, else 0. */
    private static int exactSqrt(int n) {
        if (n < 1) {
            return 0;
        }
        int r = (int) Math.round(Math.sqrt(n));
        return r * r == n ? r : 0;
    }

    private static String firstLine(Throwable e) {
        Throwable t = e;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == null || t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse(message);
        return line.length() > 300 ? line.substring(0, 300) + "…" : line;
    }

    @Override
    public String toString() {
        return name() + " [" + frameSize() + " px, " + grid + "×" + grid + " × " + dimension + ", " + device() + "]";
    }
}
