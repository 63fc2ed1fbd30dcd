package dev.tessera.services.video;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.video.IndexedClip;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Stored clips ({@code POST /v1/tokenize/video} with {@code index=true} stores one): read, delete,
 * and find by example through {@code POST /v1/search} with a multipart {@code file}.
 */
@RestController
@Tag(name = "video")
public class VideosController {

    /** A stored clip, without its vectors. */
    @Schema(name = "StoredVideo")
    public record StoredVideo(String id, String source, String backbone, int frames, int h, int w, int numTokens,
                              long durationMs, Map<String, Object> metadata) {
        static StoredVideo of(IndexedClip c) {
            return new StoredVideo(c.id(), c.source(), c.backbone(), c.frames(), c.height(), c.width(),
                    c.codebook().length, c.durationMs(), c.metadata());
        }
    }

    private final VideoTokenizers tokenizers;
    private final VideoLibrary library;

    public VideosController(VideoTokenizers tokenizers, VideoLibrary library) {
        this.tokenizers = tokenizers;
        this.library = library;
    }

    @GetMapping("/v1/videos/{id}")
    @ApiResponse(responseCode = "200", description = "The stored clip (without its vectors)",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = StoredVideo.class)))
    @ApiResponse(responseCode = "404", description = "No stored clip has this id")
    public StoredVideo get(@PathVariable String id) {
        return StoredVideo.of(library.get(id));
    }

    @DeleteMapping("/v1/videos/{id}")
    @ApiResponse(responseCode = "204", description = "Deleted (durable)")
    @ApiResponse(responseCode = "404", description = "No stored clip has this id")
    public ResponseEntity<Void> delete(@PathVariable String id) {
        library.delete(id);
        return ResponseEntity.noContent().build();
    }

    /** Search by example: the file (a clip, or a single image) is tokenized like a stored clip and compared with them. */
    @PostMapping(path = "/v1/search", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "200", description = "Stored clips that best match the example",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = VideoSearchResponse.class)))
    @ApiResponse(responseCode = "400", description = "A parameter out of range, or a filter that is not a JSON object")
    @ApiResponse(responseCode = "404", description = "Unknown backbone")
    @ApiResponse(responseCode = "413", description = "The upload, or the example's duration, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a container FFmpeg reads")
    @ApiResponse(responseCode = "422", description = "A corrupt or truncated file, or no decodable frame")
    public VideoSearchResponse searchByExample(@RequestPart("file") MultipartFile file,
                                               @RequestParam(name = "k", required = false) Integer k,
                                               @RequestParam(name = "filter", required = false) String filter,
                                               @RequestParam(name = "backbone", required = false) String backbone,
                                               @RequestParam(name = "fps", required = false) Double fps,
                                               @RequestParam(name = "max_frames", required = false) Integer maxFrames)
            throws IOException {
        long started = System.nanoTime();
        int hits = VideoLibrary.hits(k);
        Filter where = Filter.parse(VideoLibrary.jsonObject("filter", filter));
        double rate = tokenizers.fps(fps);
        int frames = tokenizers.maxFrames(maxFrames);
        tokenizers.backbone(backbone);
        java.nio.file.Path upload = dev.tessera.services.web.UploadedFile.spool(file);
        try {
            VideoTokenizers.Tokenized example = tokenizers.tokenize(upload, rate, frames, VQToken.Options.adaptive(),
                    backbone, VideoFrames.Progress.NONE);
            return VideoSearchResponse.of(library.search(example, hits, where), started, example.backbone());
        } finally {
            dev.tessera.services.web.UploadedFile.deleteQuietly(upload);
        }
    }
}
