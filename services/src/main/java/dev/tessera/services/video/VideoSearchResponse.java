package dev.tessera.services.video;

import dev.tessera.retrieval.video.ClipHit;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * What {@code POST /v1/search} answers for a video example (a file, or {@code like_video}).
 *
 * @param backbone what the example was embedded with; only clips of that backbone are compared
 */
@Schema(name = "VideoSearchResponse")
public record VideoSearchResponse(List<Hit> hits, long tookMs, String mode, String backbone) {

    /**
     * @param score    in [−1, 1]: the mean of how much of the example is in the clip and how much of the
     *                 clip is the example (best cosines between codebook entries, weighted by patch shares)
     * @param startMs  the matching part of the clip: the run of frames around its best-matching frame
     */
    @Schema(name = "VideoHit")
    public record Hit(String videoId, String source, String backbone, double score, long startMs, long endMs,
                      long durationMs, Map<String, Object> metadata) {
        static Hit of(ClipHit h) {
            return new Hit(h.id(), h.source(), h.backbone(), h.score(), h.startMs(), h.endMs(), h.durationMs(),
                    h.metadata());
        }
    }

    public static VideoSearchResponse of(List<ClipHit> hits, long startedNanos, String backbone) {
        return new VideoSearchResponse(hits.stream().map(Hit::of).toList(),
                (System.nanoTime() - startedNanos) / 1_000_000, "video", backbone);
    }
}
