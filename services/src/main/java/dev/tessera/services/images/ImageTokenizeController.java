package dev.tessera.services.images;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.image.ImagePreprocessor;
import dev.tessera.tokenizers.image.ImageTokenizer;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Image tokenization: pictures in, a few discrete token ids out, and back. One image gives the
 * single-image shape; several images (or token lists) in one call run as one batch.
 */
@RestController
@Tag(name = "images")
public class ImageTokenizeController {

    /** JSON form: one image or a batch, base64-encoded PNG/JPEG/WebP. */
    public record TokenizeRequest(String model, String imageBase64, List<String> imagesBase64) {}

    public record Tokenized(String model, int[] tokens, int numTokens, int codebookSize, int imageSize) {}

    public record TokenizedBatch(String model, int[][] tokens, int numTokens, int codebookSize, int imageSize) {}

    /** {@code tokens} is one list of ids, or a list of lists for a batch. */
    public record DetokenizeRequest(String model,
            @Schema(oneOf = {int[].class, int[][].class}, description = "one list of ids, or a list of lists")
            Object tokens) {}

    public record DetokenizedBatch(String model, List<String> imagesBase64) {}

    private final ImageModels models;
    private final ImagePreprocessor preprocessor;
    private final int maxBatch;

    public ImageTokenizeController(ImageModels models, TesseraProperties properties) {
        this.models = models;
        this.preprocessor = new ImagePreprocessor(properties.images().maxPixels());
        this.maxBatch = properties.images().maxBatch();
    }

    @PostMapping(path = "/v1/tokenize/image", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "200", description = "One image: Tokenized; several: TokenizedBatch",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Tokenized.class, TokenizedBatch.class})))
    @ApiResponse(responseCode = "404", description = "The model is not installed (`field: model`)")
    @ApiResponse(responseCode = "413", description = "The body, or an image's width × height, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a PNG, JPEG or WebP image")
    @ApiResponse(responseCode = "422", description = "A corrupt image")
    @ApiResponse(responseCode = "503", description = "The model is installed but cannot be served")
    public Object tokenizeUpload(@RequestPart("file") List<MultipartFile> files,
                                 @RequestPart(name = "model", required = false) String model) throws IOException {
        List<byte[]> images = new ArrayList<>();
        for (MultipartFile f : files) {
            images.add(f.getBytes());
        }
        return tokenize(model, images, images.size() > 1);
    }

    @PostMapping(path = "/v1/tokenize/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "One image: Tokenized; several: TokenizedBatch",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Tokenized.class, TokenizedBatch.class})))
    @ApiResponse(responseCode = "404", description = "The model is not installed (`field: model`)")
    @ApiResponse(responseCode = "413", description = "The body, or an image's width × height, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a PNG, JPEG or WebP image")
    @ApiResponse(responseCode = "422", description = "A corrupt image")
    @ApiResponse(responseCode = "503", description = "The model is installed but cannot be served")
    public Object tokenizeJson(@RequestBody TokenizeRequest body) {
        boolean batch = body.imagesBase64() != null;
        if (batch == (body.imageBase64() != null)) {
            throw new InvalidRequestException("image_base64", "give either image_base64 or images_base64");
        }
        List<String> encoded = batch ? body.imagesBase64() : List.of(body.imageBase64());
        List<byte[]> images = new ArrayList<>();
        for (int i = 0; i < encoded.size(); i++) {
            images.add(decodeBase64(encoded.get(i), batch ? "images_base64[" + i + "]" : "image_base64"));
        }
        return tokenize(body.model(), images, batch);
    }

    private Object tokenize(String model, List<byte[]> images, boolean batch) {
        if (images.isEmpty()) {
            throw new InvalidRequestException("file", "no image given");
        }
        if (images.size() > maxBatch) {
            throw new InvalidRequestException(batch ? "images" : "file", "at most " + maxBatch + " images per call");
        }
        ImageTokenizer tokenizer = models.get(model);
        List<float[]> inputs = new ArrayList<>(images.size());
        for (byte[] bytes : images) {
            inputs.add(preprocessor.toModelInput(preprocessor.decode(bytes), tokenizer.imageSize()));
        }
        int[][] tokens;
        synchronized (tokenizer) {
            tokens = tokenizer.tokenize(inputs);
        }
        if (!batch) {
            return new Tokenized(tokenizer.name(), tokens[0], tokenizer.numTokens(), tokenizer.codebookSize(),
                    tokenizer.imageSize());
        }
        return new TokenizedBatch(tokenizer.name(), tokens, tokenizer.numTokens(), tokenizer.codebookSize(),
                tokenizer.imageSize());
    }

    @PostMapping(path = "/v1/detokenize/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "One token list: a PNG; several: base64 PNGs", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "application/json", schema = @Schema(implementation = DetokenizedBatch.class))})
    @ApiResponse(responseCode = "404", description = "The model is not installed (`field: model`)")
    @ApiResponse(responseCode = "422", description = "A token list of the wrong length or with an id outside the codebook")
    @ApiResponse(responseCode = "503", description = "The model is installed but cannot be served")
    public ResponseEntity<?> detokenize(@RequestBody DetokenizeRequest body) {
        if (body.tokens() == null) {
            throw new InvalidRequestException("tokens", "tokens are required");
        }
        ImageTokenizer tokenizer = models.get(body.model());
        boolean batch = body.tokens() instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof List<?>;
        List<int[]> lists = batch ? toLists(body.tokens()) : List.of(toIds(body.tokens(), "tokens"));
        if (lists.size() > maxBatch) {
            throw new InvalidRequestException("tokens", "at most " + maxBatch + " token lists per call");
        }
        for (int i = 0; i < lists.size(); i++) {
            check(tokenizer, lists.get(i), batch ? "tokens[" + i + "]" : "tokens");
        }
        List<float[]> decoded;
        synchronized (tokenizer) {
            decoded = tokenizer.detokenize(lists);
        }
        if (!batch) {
            return ResponseEntity.ok().contentType(MediaType.IMAGE_PNG)
                    .body(ImagePreprocessor.toPng(decoded.getFirst(), tokenizer.imageSize()));
        }
        List<String> pngs = decoded.stream()
                .map(img -> Base64.getEncoder().encodeToString(ImagePreprocessor.toPng(img, tokenizer.imageSize())))
                .toList();
        return ResponseEntity.ok(new DetokenizedBatch(tokenizer.name(), pngs));
    }

    private static void check(ImageTokenizer tokenizer, int[] ids, String field) {
        if (ids.length != tokenizer.numTokens()) {
            throw new InvalidTokensException(field + " has " + ids.length + " ids; model " + tokenizer.name()
                    + " takes exactly " + tokenizer.numTokens());
        }
        for (int id : ids) {
            if (id < 0 || id >= tokenizer.codebookSize()) {
                throw new InvalidTokensException(field + " holds id " + id + ", outside the codebook [0, "
                        + tokenizer.codebookSize() + ")");
            }
        }
    }

    private static List<int[]> toLists(Object tokens) {
        List<?> outer = (List<?>) tokens;
        List<int[]> out = new ArrayList<>(outer.size());
        for (int i = 0; i < outer.size(); i++) {
            out.add(toIds(outer.get(i), "tokens[" + i + "]"));
        }
        return out;
    }

    private static int[] toIds(Object value, String field) {
        if (!(value instanceof List<?> list)) {
            throw new InvalidRequestException(field, field + " must be an array of integers");
        }
        int[] ids = new int[list.size()];
        for (int i = 0; i < ids.length; i++) {
            if (!(list.get(i) instanceof Integer n)) {
                throw new InvalidRequestException(field, field + " must be an array of integers");
            }
            ids[i] = n;
        }
        return ids;
    }

    private static byte[] decodeBase64(String value, String field) {
        String text = value == null ? "" : value.strip();
        if (text.startsWith("data:") && text.contains(",")) {
            text = text.substring(text.indexOf(',') + 1); // a data: URL as browsers produce it
        }
        try {
            return Base64.getDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, field + " is not valid base64");
        }
    }
}
