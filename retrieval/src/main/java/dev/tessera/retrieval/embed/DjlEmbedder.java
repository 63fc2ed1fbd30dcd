package dev.tessera.retrieval.embed;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ModelException;
import ai.djl.engine.Engine;
import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import ai.djl.translate.TranslateException;
import ai.djl.util.PairList;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A transformer encoder served on DJL (OnnxRuntime or PyTorch engine) with a HuggingFace
 * tokenizer. Tokenisation, padding and pooling happen here, so any exported encoder or
 * decoder-only embedder that returns per-token states works by configuration.
 */
public final class DjlEmbedder implements Embedder {

    private static final Logger log = LoggerFactory.getLogger(DjlEmbedder.class);

    private final EmbeddingModelSpec spec;
    private final ZooModel<NDList, NDList> model;
    private final HuggingFaceTokenizer inputTokenizer;
    private final HuggingFaceTokenizer spanTokenizer;
    private final BlockingQueue<Predictor<NDList, NDList>> predictors;
    private final List<String> inputNames;
    private final int maxBatchSize;
    private final int dimension;
    private final TextTokenizer tokenizerView;

    private DjlEmbedder(EmbeddingModelSpec spec, String device, int predictorCount, int maxBatchSize,
            OnnxSessionOptions session) throws IOException, ModelException {
        this.spec = spec;
        this.maxBatchSize = Math.max(1, maxBatchSize);
        Path modelFile = ModelFiles.resolve(spec.modelLocation());
        Path tokenizerFile = ModelFiles.resolve(spec.tokenizerLocation());
        this.inputTokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optAddSpecialTokens(true)
                .optTruncation(true)
                .optMaxLength(spec.maxTokens())
                .optPadding(false)
                .build();
        this.spanTokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optAddSpecialTokens(false)
                .optTruncation(false)
                .optPadding(false)
                .build();
        Criteria.Builder<NDList, NDList> criteria = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelPath(modelFile)
                .optEngine(spec.engine())
                .optDevice(chooseDevice(spec.engine(), device))
                .optTranslator(new NoopTranslator());
        if (session != null && "OnnxRuntime".equalsIgnoreCase(spec.engine())) {
            criteria.optOptions(session.criteriaOptions());
        }
        this.model = criteria.build().loadModel();
        PairList<String, Shape> inputs = model.describeInput();
        this.inputNames = inputs == null ? List.of("input_ids", "attention_mask") : inputs.keys();
        // Special tokens the model adds around every input ([CLS]/[SEP] for BERT, BOS/EOS for others).
        int specialTokens = inputTokenizer.encode("").getIds().length;
        this.predictors = new ArrayBlockingQueue<>(Math.max(1, predictorCount));
        for (int i = 0; i < Math.max(1, predictorCount); i++) {
            predictors.add(model.newPredictor());
        }
        this.tokenizerView = new TextTokenizer() {
            @Override
            public int[][] tokenSpans(String text) {
                CharSpan[] spans = spanTokenizer.encode(text).getCharTokenSpans();
                int[][] out = new int[spans.length][];
                for (int i = 0; i < spans.length; i++) {
                    out[i] = new int[] {spans[i].getStart(), spans[i].getEnd()};
                }
                return out;
            }

            @Override
            public int count(String text) {
                return spanTokenizer.encode(text).getIds().length + specialTokens;
            }
        };
        this.dimension = forward(List.of("dimension probe")).getFirst().length;
        log.info("loaded embedding model {} ({} engine, {}-d, inputs {}, device {})",
                spec.name(), spec.engine(), dimension, inputNames, model.getNDManager().getDevice());
    }

    /**
     * @param device {@code auto} (CUDA when the engine sees a GPU), {@code cpu} or {@code gpu}
     * @param predictorCount concurrent forward passes allowed (each engine call already uses all cores)
     */
    public static DjlEmbedder load(EmbeddingModelSpec spec, String device, int predictorCount, int maxBatchSize) {
        return load(spec, device, predictorCount, maxBatchSize, OnnxSessionOptions.defaults());
    }

    /**
     * As {@link #load(EmbeddingModelSpec, String, int, int)}, with ONNX Runtime session settings
     * (ignored by PyTorch); {@code null} leaves every setting to ONNX Runtime, as releases before 0.2 did.
     */
    public static DjlEmbedder load(EmbeddingModelSpec spec, String device, int predictorCount, int maxBatchSize,
            OnnxSessionOptions session) {
        try {
            return new DjlEmbedder(spec, device, predictorCount, maxBatchSize, session);
        } catch (IOException | ModelException e) {
            throw new IllegalStateException("cannot load embedding model " + spec.name() + ": " + e.getMessage(), e);
        }
    }

    static Device chooseDevice(String engine, String device) {
        String d = device == null ? "auto" : device.toLowerCase(Locale.ROOT);
        return switch (d) {
            case "cpu" -> Device.cpu();
            case "gpu", "cuda" -> Device.gpu();
            default -> Engine.getEngine(engine).getGpuCount() > 0 ? Device.gpu() : Device.cpu();
        };
    }

    @Override
    public String name() {
        return spec.name();
    }

    /** The device the model runs on, e.g. {@code cpu()} or {@code gpu(0)}. */
    public String device() {
        return model.getNDManager().getDevice().toString();
    }

    public EmbeddingModelSpec spec() {
        return spec;
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public int maxTokens() {
        return spec.maxTokens();
    }

    @Override
    public TextTokenizer tokenizer() {
        return tokenizerView;
    }

    @Override
    public List<float[]> embed(List<String> texts, Role role) {
        String prefix = role == Role.QUERY ? spec.queryPrefix() : spec.documentPrefix();
        List<String> inputs = prefix.isEmpty() ? texts : texts.stream().map(t -> prefix + t).toList();
        return forward(inputs);
    }

    private List<float[]> forward(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        Encoding[] encodings = inputTokenizer.batchEncode(texts);
        // Sort by length so each sub-batch pads little, then put results back in request order.
        Integer[] order = new Integer[encodings.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        float[][] results = new float[encodings.length][];
        for (int from = 0; from < order.length; from += maxBatchSize) {
            int to = Math.min(order.length, from + maxBatchSize);
            Encoding[] batch = new Encoding[to - from];
            for (int i = from; i < to; i++) {
                batch[i - from] = encodings[order[i]];
            }
            float[][] vectors = runBatch(batch);
            for (int i = from; i < to; i++) {
                results[order[i]] = vectors[i - from];
            }
        }
        return Arrays.asList(results);
    }

    /**
     * Late chunking: each span's vector is the mean of the output states of the tokens whose
     * characters overlap it, from the whole text's forward pass, L2-normalised when the model's
     * vectors are; the text's own vector is pooled as {@link #embed} pools it. A span no read token
     * overlaps (past the model's maximum length) gets null.
     */
    @Override
    public List<Spanned> embedWithSpans(List<String> texts, List<List<int[]>> spans, Role role) {
        if (texts.isEmpty()) {
            return List.of();
        }
        String prefix = role == Role.QUERY ? spec.queryPrefix() : spec.documentPrefix();
        Encoding[] encodings = inputTokenizer.batchEncode(
                prefix.isEmpty() ? texts : texts.stream().map(t -> prefix + t).toList());
        Integer[] order = new Integer[encodings.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> encodings[i].getIds().length));
        Spanned[] results = new Spanned[encodings.length];
        for (int from = 0; from < order.length; from += maxBatchSize) {
            int to = Math.min(order.length, from + maxBatchSize);
            Encoding[] batch = new Encoding[to - from];
            for (int i = from; i < to; i++) {
                batch[i - from] = encodings[order[i]];
            }
            int first = from;
            runBatch(batch, (flat, shape, mask) -> {
                if (shape.dimension() == 2) { // the graph pools itself: no token states to pool spans from
                    float[][] rows = toRows(flat, (int) shape.get(0), (int) shape.get(1));
                    for (int i = 0; i < rows.length; i++) {
                        if (spec.normalize()) {
                            VectorMath.normalizeInPlace(rows[i]);
                        }
                        results[order[first + i]] = new Spanned(rows[i], new float[spans.get(order[first + i]).size()][]);
                    }
                    return rows;
                }
                int b = (int) shape.get(0), seq = (int) shape.get(1), d = (int) shape.get(2);
                float[][] pooled = spec.pooling().pool(flat, b, seq, d, mask);
                for (int i = 0; i < b; i++) {
                    int text = order[first + i];
                    if (spec.normalize()) {
                        VectorMath.normalizeInPlace(pooled[i]);
                    }
                    List<int[]> asked = spans.get(text);
                    float[][] out = new float[asked.size()][];
                    CharSpan[] tokens = batch[i].getCharTokenSpans();
                    for (int j = 0; j < asked.size(); j++) {
                        int s = asked.get(j)[0] + prefix.length(), e = asked.get(j)[1] + prefix.length();
                        float[] sum = new float[d];
                        int n = 0;
                        for (int t = 0; t < tokens.length && t < seq; t++) {
                            CharSpan c = tokens[t];
                            if (c == null || c.getEnd() <= s || c.getStart() >= e || c.getEnd() == c.getStart()) {
                                continue;
                            }
                            int off = (i * seq + t) * d;
                            for (int k = 0; k < d; k++) {
                                sum[k] += flat[off + k];
                            }
                            n++;
                        }
                        if (n > 0) {
                            for (int k = 0; k < d; k++) {
                                sum[k] /= n;
                            }
                            if (spec.normalize()) {
                                VectorMath.normalizeInPlace(sum);
                            }
                            out[j] = sum;
                        }
                    }
                    results[text] = new Spanned(pooled[i], out);
                }
                return pooled;
            });
        }
        return Arrays.asList(results);
    }

    /**
     * Per-token output states ({@code last_hidden_state}) of each text as it is, without the
     * query/document prefix: the first {@code length} positions (special tokens included) as a
     * row-major {@code [length × dimension]} array, zero rows past the text's last token. The
     * whole text goes through the model (up to its maximum), so the kept rows have seen all of it.
     */
    public List<float[]> tokenStates(List<String> texts, int length) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (int from = 0; from < texts.size(); from += maxBatchSize) {
            Encoding[] batch = inputTokenizer.batchEncode(texts.subList(from, Math.min(texts.size(), from + maxBatchSize)));
            float[][] states = runBatch(batch, (flat, shape, mask) -> {
                int b = (int) shape.get(0);
                int seq = (int) shape.get(1);
                int d = (int) shape.get(2);
                float[][] rows = new float[b][length * d];
                for (int i = 0; i < b; i++) {
                    int tokens = Math.min(length, batch[i].getIds().length);
                    System.arraycopy(flat, i * seq * d, rows[i], 0, tokens * d);
                }
                return rows;
            });
            out.addAll(Arrays.asList(states));
        }
        return out;
    }

    /** What to make of a forward pass: its states (flattened), their shape and the attention mask. */
    private interface Readout {
        float[][] read(float[] flat, Shape shape, long[][] mask);
    }

    private float[][] runBatch(Encoding[] batch) {
        return runBatch(batch, (flat, shape, mask) -> {
            float[][] pooled;
            if (shape.dimension() == 2) {
                pooled = toRows(flat, (int) shape.get(0), (int) shape.get(1));
            } else {
                pooled = spec.pooling().pool(flat, (int) shape.get(0), (int) shape.get(1), (int) shape.get(2), mask);
            }
            if (spec.normalize()) {
                for (float[] v : pooled) {
                    VectorMath.normalizeInPlace(v);
                }
            }
            return pooled;
        });
    }

    private float[][] runBatch(Encoding[] batch, Readout readout) {
        int seq = 0;
        for (Encoding e : batch) {
            seq = Math.max(seq, e.getIds().length);
        }
        long[][] ids = new long[batch.length][seq];
        long[][] mask = new long[batch.length][seq];
        long[][] types = new long[batch.length][seq];
        for (int b = 0; b < batch.length; b++) {
            long[] id = batch[b].getIds();
            long[] tt = batch[b].getTypeIds();
            System.arraycopy(id, 0, ids[b], 0, id.length);
            System.arraycopy(tt, 0, types[b], 0, tt.length);
            Arrays.fill(mask[b], 0, id.length, 1L);
        }
        Predictor<NDList, NDList> predictor = takePredictor();
        try (NDManager manager = model.getNDManager().newSubManager()) {
            NDList input = new NDList();
            for (String inputName : inputNames) {
                NDArray array = switch (inputName) {
                    case "input_ids" -> manager.create(ids);
                    case "attention_mask" -> manager.create(mask);
                    case "token_type_ids" -> manager.create(types);
                    default -> throw new IllegalStateException("model input '" + inputName + "' is not supported");
                };
                array.setName(inputName);
                input.add(array);
            }
            NDList output = predictor.predict(input);
            NDArray states = pickHiddenStates(output);
            return readout.read(states.toFloatArray(), states.getShape(), mask);
        } catch (TranslateException e) {
            throw new IllegalStateException("embedding forward pass failed: " + e.getMessage(), e);
        } finally {
            predictors.add(predictor);
        }
    }

    private static NDArray pickHiddenStates(NDList output) {
        NDArray byName = output.get("last_hidden_state");
        if (byName != null) {
            return byName;
        }
        for (NDArray array : output) {
            if (array.getShape().dimension() == 3) {
                return array;
            }
        }
        return output.getFirst();
    }

    private static float[][] toRows(float[] flat, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }

    private Predictor<NDList, NDList> takePredictor() {
        try {
            return predictors.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the model", e);
        }
    }

    @Override
    public void close() {
        predictors.forEach(Predictor::close);
        model.close();
        inputTokenizer.close();
        spanTokenizer.close();
    }
}
