package dev.tessera.retrieval.video;

import java.util.Map;

/**
 * A stored clip that matches an example.
 *
 * @param score    symmetric chamfer similarity of the two codebooks, weighted by patch shares ({@link ClipMatch})
 * @param startMs  where the match is in the clip: the run of frames around the best-matching frame
 * @param endMs    end of that run (the next frame's time, or the clip's end)
 */
public record ClipHit(String id, String source, String backbone, double score, long startMs, long endMs,
                      long durationMs, Map<String, Object> metadata) {}
