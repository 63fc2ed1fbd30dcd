package dev.tessera.services.embeddings;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.embed.BatchingEmbedder;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.embed.Matryoshka;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.text.TextTokenCounter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** OpenAI-compatible {@code POST /v1/embeddings}. */
@RestController
@Tag(name = "embeddings")
public class EmbeddingsController {

    /**
     * @param input          a string, an array of strings, an array of token ids, or an array of arrays
     *                       of token ids (ids of {@code tessera.embedding.token-id-encoding}, decoded to text)
     * @param model          model name; the search model when absent
     * @param encodingFormat {@code float} (default) or {@code base64} (little-endian float32)
     * @param dimensions     keep the first this many values, then L2-normalise (Matryoshka); at most the
     *                       model's dimension
     * @param user           an end-user id, as OpenAI takes it: accepted and stored nowhere
     * @param inputType      Tessera extension: {@code document} (default) or {@code query}, for models
     *                       that prefix queries with an instruction
     */
    public record EmbeddingsRequest(
            @Schema(oneOf = {String.class, String[].class, int[].class, int[][].class},
                    description = "a string, an array of strings, an array of token ids, or an array of arrays of token ids")
            Object input,
            String model, String encodingFormat, Integer dimensions, String user, String inputType) {}

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record EmbeddingData(String object, int index,
            @Schema(oneOf = {float[].class, String.class}, description = "floats, or base64 little-endian float32")
            Object embedding) {}

    public record Usage(int promptTokens, int totalTokens) {}

    public record EmbeddingsResponse(String object, List<EmbeddingData> data, String model, Usage usage) {}

    private final EmbeddingModels models;
    private final TesseraProperties properties;
    private final TextTokenCounter tokenIds;

    public EmbeddingsController(EmbeddingModels models, TesseraProperties properties) {
        this.models = models;
        this.properties = properties;
        this.tokenIds = TextTokenCounter.forEncoding(properties.embedding().tokenIdEncoding());
    }

    @PostMapping("/v1/embeddings")
    @ApiResponse(responseCode = "200", description = "One vector per input, in order")
    @ApiResponse(responseCode = "404", description = "Unknown model (`field: model`)")
    public EmbeddingsResponse embed(@RequestBody EmbeddingsRequest request) {
        List<String> inputs = inputs(request.input());
        Embedder.Role role = role(request.inputType());
        boolean base64 = format(request.encodingFormat());
        BatchingEmbedder embedder = request.model() == null || request.model().isBlank()
                ? models.searchModel()
                : models.get(request.model());
        Integer dimensions = request.dimensions();
        if (dimensions != null && (dimensions < 1 || dimensions > embedder.dimension())) {
            throw new InvalidRequestException("dimensions", "dimensions must be between 1 and " + embedder.dimension()
                    + ", the dimension of " + embedder.name());
        }
        List<float[]> vectors = embedder.embed(inputs, role);
        List<EmbeddingData> data = new ArrayList<>(vectors.size());
        int tokens = 0;
        for (int i = 0; i < vectors.size(); i++) {
            float[] v = dimensions == null ? vectors.get(i) : Matryoshka.truncate(vectors.get(i), dimensions);
            data.add(new EmbeddingData("embedding", i, base64 ? toBase64(v) : v));
            tokens += Math.min(embedder.maxTokens(), embedder.tokenizer().count(inputs.get(i)));
        }
        return new EmbeddingsResponse("list", data, embedder.name(), new Usage(tokens, tokens));
    }

    /** The texts to embed, in order; token ids are decoded with the configured OpenAI encoding. */
    private List<String> inputs(Object input) {
        List<String> out = new ArrayList<>();
        if (input instanceof String s) {
            out.add(s);
        } else if (input instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof Number) {
            out.add(decode(list, "input"));
        } else if (input instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                if (item instanceof String s) {
                    out.add(s);
                } else if (item instanceof List<?> ids) {
                    out.add(decode(ids, "input[" + i + "]"));
                } else {
                    throw new InvalidRequestException("input[" + i + "]", SHAPES);
                }
            }
        } else {
            throw new InvalidRequestException("input", SHAPES);
        }
        if (out.isEmpty()) {
            throw new InvalidRequestException("input", "input must not be empty");
        }
        if (out.size() > properties.limits().maxEmbedInputs()) {
            throw new InvalidRequestException("input",
                    "at most " + properties.limits().maxEmbedInputs() + " inputs per request");
        }
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).isBlank()) {
                throw new InvalidRequestException("input[" + i + "]", "input strings must not be empty");
            }
        }
        return out;
    }

    private static final String SHAPES = "input must be a string, an array of strings, an array of token ids"
            + " or an array of arrays of token ids";

    private String decode(List<?> ids, String field) {
        int[] tokens = new int[ids.size()];
        for (int j = 0; j < tokens.length; j++) {
            if (!(ids.get(j) instanceof Number n) || n instanceof Double || n instanceof Float
                    || n.longValue() != n.intValue()) {
                throw new InvalidRequestException(field + "[" + j + "]", "token ids must be integers; " + SHAPES);
            }
            tokens[j] = n.intValue();
        }
        try {
            return tokenIds.decode(tokens);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, e.getMessage() + " (token ids are decoded with "
                    + tokenIds.name() + ", tessera.embedding.token-id-encoding)");
        }
    }

    private static Embedder.Role role(String inputType) {
        if (inputType == null || inputType.equalsIgnoreCase("document") || inputType.equalsIgnoreCase("passage")) {
            return Embedder.Role.DOCUMENT;
        }
        if (inputType.equalsIgnoreCase("query")) {
            return Embedder.Role.QUERY;
        }
        throw new InvalidRequestException("input_type", "input_type must be 'document' or 'query'");
    }

    private static boolean format(String encodingFormat) {
        if (encodingFormat == null || encodingFormat.equals("float")) {
            return false;
        }
        if (encodingFormat.equals("base64")) {
            return true;
        }
        throw new InvalidRequestException("encoding_format", "encoding_format must be 'float' or 'base64'");
    }

    private static String toBase64(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(buf.array());
    }
}
