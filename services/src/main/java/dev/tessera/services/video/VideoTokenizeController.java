package dev.tessera.services.video;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/tokenize/video}: a whole clip as a handful of VQToken codebook entries plus the
 * map from every (frame, row, column) patch to its entry.
 */
@RestController
@Tag(name = "video")
public class VideoTokenizeController {

    /** Where each entry sits: {@code index[(t·h + y)·w + x]} for frame t, patch row y, column x. */
    public record Positions(int frames, int h, int w, int[] index, long[] timesMs) {}

    /**
     * @param codebook    K × D entries (only with return_codebook)
     * @param fidelity    mean cosine between each patch vector and its entry (a proxy of what is kept)
     * @param timingsMs   decode, embed and cluster time of this call
     */
    /**
     * @param videoId     the stored clip's id (only with index=true)
     */
    public record VideoTokens(String model, String backbone, int[] tokens, int numTokens, boolean adaptive,
                              Positions positions, float[][] codebook, double compressionRatio, double fidelity,
                              java.util.Map<String, Double> timingsMs, String videoId) {}

    private final VideoTokenizers tokenizers;
    private final VideoJobs jobs;
    private final VideoLibrary library;

    public VideoTokenizeController(VideoTokenizers tokenizers, VideoJobs jobs, VideoLibrary library) {
        this.tokenizers = tokenizers;
        this.jobs = jobs;
        this.library = library;
    }

    @PostMapping(path = "/v1/tokenize/video", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "200", description = "The clip's tokens and position map",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = VideoTokens.class)))
    @ApiResponse(responseCode = "202", description = "A long clip (over tessera.video.job-threshold) or async=true: "
            + "a job; GET its Location (/v1/jobs/{id}) for progress and, when done, the same answer as 200",
            content = @io.swagger.v3.oas.annotations.media.Content(mediaType = "application/json",
                    schema = @io.swagger.v3.oas.annotations.media.Schema(implementation = VideoJobs.VideoJobStatus.class)))
    @ApiResponse(responseCode = "400", description = "A parameter out of range (`field` names it)")
    @ApiResponse(responseCode = "404", description = "Unknown model or backbone (`field: model` / `backbone`)")
    @ApiResponse(responseCode = "413", description = "The upload, or the video's duration, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a container FFmpeg reads")
    @ApiResponse(responseCode = "422", description = "A corrupt or truncated video, audio only, or no decodable frame")
    public org.springframework.http.ResponseEntity<?> tokenize(@RequestPart("file") MultipartFile file,
                                @RequestParam(name = "model", required = false) String model,
                                @RequestParam(name = "fps", required = false) Double fps,
                                @RequestParam(name = "max_frames", required = false) Integer maxFrames,
                                @RequestParam(name = "num_tokens", required = false) Integer numTokens,
                                @RequestParam(name = "k_min", required = false) Integer kMin,
                                @RequestParam(name = "k_max", required = false) Integer kMax,
                                @RequestParam(name = "return_codebook", required = false) Boolean returnCodebook,
                                @RequestParam(name = "backbone", required = false) String backbone,
                                @RequestParam(name = "async", required = false) Boolean async,
                                @RequestParam(name = "index", required = false) Boolean index,
                                @RequestParam(name = "id", required = false) String id,
                                @RequestParam(name = "source", required = false) String source,
                                @RequestParam(name = "metadata", required = false) String metadata)
            throws IOException {
        if (model != null && !model.isBlank() && !tokenizers.names().contains(model)) {
            throw new UnknownVideoModelException(model, tokenizers.names());
        }
        var s = tokenizers.settings();
        double rate = tokenizers.fps(fps);
        int frames = tokenizers.maxFrames(maxFrames);
        int k = numTokens == null ? 0 : numTokens;
        if (numTokens != null && (k < 1 || k > 1024)) {
            throw new InvalidRequestException("num_tokens", "num_tokens must be in [1, 1024] (leave it out for adaptive K)");
        }
        int low = kMin == null ? 12 : kMin;
        int high = kMax == null ? 32 : kMax;
        if (low < 1 || high < low || high > 256) {
            throw new InvalidRequestException("k_min", "need 1 ≤ k_min ≤ k_max ≤ 256");
        }
        VQToken.Options options = new VQToken.Options(k, low, high, 100, 0);
        boolean codebook = Boolean.TRUE.equals(returnCodebook);
        VideoLibrary.Target target = null;
        if (Boolean.TRUE.equals(index)) {
            target = VideoLibrary.target(id, source == null ? file.getOriginalFilename() : source, metadata);
        } else if (id != null || source != null || metadata != null) {
            throw new InvalidRequestException(id != null ? "id" : source != null ? "source" : "metadata",
                    "id, source and metadata describe a stored clip: send them with index=true");
        }
        tokenizers.backbone(backbone);   // an unknown or unusable backbone is refused now, not in the job
        java.nio.file.Path upload = dev.tessera.services.web.UploadedFile.spool(file);
        if (Boolean.TRUE.equals(async) || file.getSize() > s.jobThreshold().toBytes()) {
            // The job deletes the file when it ends.
            VideoLibrary.Target into = target;
            VideoJobs.VideoJobStatus job = jobs.submit(upload, rate, frames, options, backbone,
                    t -> answer(t, codebook, store(t, into, upload)));
            return org.springframework.http.ResponseEntity.accepted()
                    .location(java.net.URI.create("/v1/jobs/" + job.id())).body(job);
        }
        try {
            VideoTokenizers.Tokenized t = tokenizers.tokenize(upload, rate, frames, options, backbone,
                    dev.tessera.tokenizers.video.VideoFrames.Progress.NONE);
            return org.springframework.http.ResponseEntity.ok(answer(t, codebook, store(t, target, upload)));
        } finally {
            dev.tessera.services.web.UploadedFile.deleteQuietly(upload);
        }
    }

    /** Stores the clip when asked to (before the upload is deleted: its digest is the default id). */
    private String store(VideoTokenizers.Tokenized t, VideoLibrary.Target target, java.nio.file.Path upload) {
        return target == null ? null : library.store(t, target, upload).id();
    }

    private static VideoTokens answer(VideoTokenizers.Tokenized t, boolean codebook, String videoId) {
        VQToken.Result r = t.result();
        return new VideoTokens(VideoTokenizers.MODEL, t.backbone(), r.tokens(), r.k(), r.adaptive(),
                new Positions(r.frames(), r.height(), r.width(), r.index(), t.video().timesMs()),
                codebook ? r.codebook() : null, r.compressionRatio(), r.fidelity(),
                java.util.Map.of("decode", t.decodeMs(), "embed", t.embedMs(), "cluster", t.clusterMs()), videoId);
    }
}
