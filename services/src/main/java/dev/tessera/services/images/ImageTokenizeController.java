package dev.tessera.services.images;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.web.MismatchedFieldException;
import dev.tessera.services.web.UploadedFile;
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
import org.springframework.web.bind.annotation.RequestParam;
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

    /**
     * JSON form: one image or a batch, base64-encoded PNG/JPEG/WebP; {@code caption} (one for all)
     * or {@code captions} (one per image) for a model trained with captions.
     */
    public record TokenizeRequest(String model, String imageBase64, List<String> imagesBase64, String caption,
                                  List<String> captions) {}

    /**
     * The caption(s) the tokens were made with are echoed, so that the answer posted as it is to
     * {@code /v1/detokenize/image} is a complete request.
     */
    public record Tokenized(String model, int[] tokens, int numTokens, int codebookSize, int imageSize,
                            String caption) {}

    public record TokenizedBatch(String model, int[][] tokens, int numTokens, int codebookSize, int imageSize,
                                 String caption, List<String> captions) {}

    /**
     * {@code tokens} is one list of ids, or a list of lists for a batch. A tokenize answer is a valid
     * request as it is: its {@code num_tokens}, {@code codebook_size} and {@code image_size} are
     * checked against the model instead of being refused as unknown fields.
     */
    public record DetokenizeRequest(String model,
            @Schema(oneOf = {int[].class, int[][].class}, description = "one list of ids, or a list of lists")
            Object tokens,
            @Schema(description = "the caption the image was tokenized with; required by caption-conditioned models")
            String caption,
            @Schema(description = "one caption per token list (instead of caption)")
            List<String> captions,
            @Schema(description = "optional, as the tokenize answer gives it: must be the model's")
            Integer numTokens,
            @Schema(description = "optional, as the tokenize answer gives it: must be the model's")
            Integer codebookSize,
            @Schema(description = "optional, as the tokenize answer gives it: must be the model's")
            Integer imageSize) {}

    /** Longest caption accepted, in characters (the text model reads its first few dozen tokens anyway). */
    static final int MAX_CAPTION_CHARS = 2000;

    public record DetokenizedBatch(String model, List<String> imagesBase64) {}

    /** The answers of both forms of {@code POST /v1/tokenize/image} (springdoc reads them through this meta-annotation). */
    @java.lang.annotation.Target(java.lang.annotation.ElementType.METHOD)
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @ApiResponse(responseCode = "200", description = "One image: Tokenized; several: TokenizedBatch",
            content = @Content(mediaType = "application/json",
                    schema = @Schema(oneOf = {Tokenized.class, TokenizedBatch.class})))
    @ApiResponse(responseCode = "404", description = "The model is not installed (`field: model`)")
    @ApiResponse(responseCode = "413", description = "The body, or an image's width × height, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a PNG, JPEG or WebP image")
    @ApiResponse(responseCode = "422", description = "A corrupt image; a caption missing for a model trained with "
            + "captions, or given to one without (`field: caption`)")
    @ApiResponse(responseCode = "503", description = "The model is installed but cannot be served")
    @interface TokenizeResponses {}

    private final ImageModels models;
    private final ImagePreprocessor preprocessor;
    private final int maxBatch;

    public ImageTokenizeController(ImageModels models, TesseraProperties properties) {
        this.models = models;
        this.preprocessor = new ImagePreprocessor(properties.images().maxPixels());
        this.maxBatch = properties.images().maxBatch();
    }

    @PostMapping(path = "/v1/tokenize/image", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @TokenizeResponses
    public Object tokenizeUpload(@RequestPart("file") List<MultipartFile> files,
                                 @RequestPart(name = "model", required = false) String model,
                                 @RequestParam(name = "caption", required = false) List<String> caption)
            throws IOException {
        List<byte[]> images = new ArrayList<>();
        for (MultipartFile f : files) {
            images.add(UploadedFile.bytes(f));
        }
        return tokenize(model, images, caption, images.size() > 1);
    }

    @PostMapping(path = "/v1/tokenize/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    @TokenizeResponses
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
        if (body.caption() != null && body.captions() != null) {
            throw new InvalidRequestException("caption", "give either caption or captions");
        }
        return tokenize(body.model(), images, body.captions() != null ? body.captions()
                : body.caption() != null ? List.of(body.caption()) : null, batch);
    }

    private Object tokenize(String model, List<byte[]> images, List<String> captions, boolean batch) {
        if (images.isEmpty()) {
            throw new InvalidRequestException("file", "no image given");
        }
        if (images.size() > maxBatch) {
            throw new InvalidRequestException(batch ? "images" : "file", "at most " + maxBatch + " images per call");
        }
        ImageTokenizer tokenizer = models.get(model);
        List<String> perImage = captions(tokenizer, captions, images.size(),
                tokenizer.captions() == ImageTokenizer.Captions.ENCODER_AND_DECODER);
        List<float[]> inputs = new ArrayList<>(images.size());
        for (byte[] bytes : images) {
            inputs.add(preprocessor.toModelInput(preprocessor.decode(bytes), tokenizer.imageSize()));
        }
        int[][] tokens;
        synchronized (tokenizer) {
            tokens = tokenizer.tokenize(inputs, perImage);
        }
        // Echoed as given (one for all, or one each), stripped as the model read them.
        String caption = captions != null && captions.size() == 1 ? captions.getFirst().strip() : null;
        List<String> each = captions != null && captions.size() > 1 ? captions.stream().map(String::strip).toList() : null;
        if (!batch) {
            return new Tokenized(tokenizer.name(), tokens[0], tokenizer.numTokens(), tokenizer.codebookSize(),
                    tokenizer.imageSize(), caption);
        }
        return new TokenizedBatch(tokenizer.name(), tokens, tokenizer.numTokens(), tokenizer.codebookSize(),
                tokenizer.imageSize(), caption, each);
    }

    @PostMapping(path = "/v1/detokenize/image", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "One token list: a PNG; several: base64 PNGs", content = {
            @Content(mediaType = "image/png", schema = @Schema(type = "string", format = "binary")),
            @Content(mediaType = "application/json", schema = @Schema(implementation = DetokenizedBatch.class))})
    @ApiResponse(responseCode = "404", description = "The model is not installed (`field: model`)")
    @ApiResponse(responseCode = "422", description = "A token list of the wrong length or with an id outside the codebook; "
            + "a caption missing for a model trained with captions, or given to one without (`field: caption`)")
    @ApiResponse(responseCode = "503", description = "The model is installed but cannot be served")
    public ResponseEntity<?> detokenize(@RequestBody DetokenizeRequest body) {
        if (body.tokens() == null) {
            throw new InvalidRequestException("tokens", "tokens are required");
        }
        ImageTokenizer tokenizer = models.get(body.model());
        String model = "model " + tokenizer.name();
        MismatchedFieldException.requireMatch("num_tokens", body.numTokens(), tokenizer.numTokens(),
                model + " makes " + tokenizer.numTokens() + " tokens per image");
        MismatchedFieldException.requireMatch("codebook_size", body.codebookSize(), tokenizer.codebookSize(),
                model + " has a codebook of " + tokenizer.codebookSize());
        MismatchedFieldException.requireMatch("image_size", body.imageSize(), tokenizer.imageSize(),
                model + " makes images of " + tokenizer.imageSize() + " px");
        boolean batch = body.tokens() instanceof List<?> list && !list.isEmpty() && list.getFirst() instanceof List<?>;
        List<int[]> lists = batch ? toLists(body.tokens()) : List.of(toIds(body.tokens(), "tokens"));
        if (lists.size() > maxBatch) {
            throw new InvalidRequestException("tokens", "at most " + maxBatch + " token lists per call");
        }
        for (int i = 0; i < lists.size(); i++) {
            check(tokenizer, lists.get(i), batch ? "tokens[" + i + "]" : "tokens");
        }
        if (body.caption() != null && body.captions() != null) {
            throw new InvalidRequestException("caption", "give either caption or captions");
        }
        List<String> perList = captions(tokenizer, body.captions() != null ? body.captions()
                : body.caption() != null ? List.of(body.caption()) : null, lists.size(),
                tokenizer.captions() != ImageTokenizer.Captions.NONE);
        List<float[]> decoded;
        synchronized (tokenizer) {
            decoded = tokenizer.detokenize(lists, perList);
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

    /**
     * One caption per item, or null when none is given: a single caption applies to every item. A
     * model without text refuses captions; one that reads them needs a non-blank one per item.
     */
    private static List<String> captions(ImageTokenizer tokenizer, List<String> given, int count, boolean needed) {
        boolean any = given != null && !given.isEmpty();
        if (!any) {
            if (needed) {
                throw new InvalidCaptionException("model " + tokenizer.name() + " was trained with captions: give the "
                        + "image's caption in 'caption' (or one per item in 'captions')");
            }
            return null;
        }
        if (tokenizer.captions() == ImageTokenizer.Captions.NONE) {
            throw new InvalidCaptionException("model " + tokenizer.name() + " was not trained with captions and does "
                    + "not take one; leave 'caption' out or pick a caption-conditioned model (see GET /v1/models)");
        }
        if (given.size() != 1 && given.size() != count) {
            throw new InvalidCaptionException(given.size() + " captions for " + count + " items: give one caption "
                    + "for all or one per item");
        }
        List<String> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String c = given.get(given.size() == 1 ? 0 : i);
            if (c == null || c.isBlank()) {
                throw new InvalidCaptionException("caption" + (given.size() > 1 ? " " + i : "") + " is empty");
            }
            if (c.length() > MAX_CAPTION_CHARS) {
                throw new InvalidCaptionException("caption" + (given.size() > 1 ? " " + i : "") + " has " + c.length()
                        + " characters; at most " + MAX_CAPTION_CHARS);
            }
            out.add(c.strip());
        }
        return out;
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
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(field, field + " is not valid base64");
        }
        if (bytes.length == 0) {   // as an empty multipart upload: 400 naming the field
            throw new InvalidRequestException(field, field + " is empty");
        }
        return bytes;
    }
}
