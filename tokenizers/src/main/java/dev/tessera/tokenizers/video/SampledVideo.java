package dev.tessera.tokenizers.video;

import java.util.List;

/**
 * Frames sampled from a video, each {@code size × size} RGB in [0, 1], CHW, with the time it
 * was shown.
 *
 * @param frames      sampled frames, in time order
 * @param timesMs     presentation time of each frame, milliseconds from the start
 * @param durationMs  the container's duration (0 when it does not say)
 * @param sourceFps   the stream's frame rate
 */
public record SampledVideo(List<float[]> frames, long[] timesMs, int size, long durationMs, double sourceFps) {}
