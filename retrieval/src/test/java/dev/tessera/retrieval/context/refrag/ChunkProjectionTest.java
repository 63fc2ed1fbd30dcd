package dev.tessera.retrieval.context.refrag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.tokenizers.weights.MalformedWeightsException;
import dev.tessera.tokenizers.weights.SafetensorsWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChunkProjectionTest {

    // W [3, 2] row-major: rows are the encoder dimensions, columns the LLM dimensions.
    private static final float[] W = {1, 2, 3, 4, 5, 6};

    @Test
    void projectsAnEmbeddingAsARowVectorTimesW(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("projection.safetensors");
        new SafetensorsWriter().add("proj.weight", new long[] {3, 2}, W).write(file);

        ChunkProjection projection = ChunkProjection.load("tiny", file);

        assertThat(projection.inputDimension()).isEqualTo(3);
        assertThat(projection.outputDimension()).isEqualTo(2);
        // [1, 0, -1] · W = [1 - 5, 2 - 6]; [0.5, 1, 2] · W = [0.5 + 3 + 10, 1 + 4 + 12]
        assertThat(projection.project(new float[] {1, 0, -1})).containsExactly(-4f, -4f);
        assertThat(projection.project(new float[] {0.5f, 1, 2})).containsExactly(13.5f, 17f);
        assertThatThrownBy(() -> projection.project(new float[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("3-d");
    }

    @Test
    void onlyCompressedSegmentsWithEmbeddingsGetAProjection() {
        ChunkProjection projection = new ChunkProjection("tiny", 3, 2, W);
        ContextSegment expanded = new ContextSegment("d", "d#0", "shown", 0, 5, 1, 1, null, true, 0, 1, null);
        ContextSegment compressed = new ContextSegment("d", "d#0", "hidden", 6, 12, 1, 0.5, null, false, 1, 2,
                new float[] {1, 0, 0});
        ContextSegment withoutEmbedding = new ContextSegment("d", "d#0", "plain", 13, 18, 1, 0.2, null, false, 2, 3, null);
        AssembledContext context = AssembledContext.of("refrag", "shown", List.of(expanded, compressed, withoutEmbedding), 1, 3);

        AssembledContext projected = projection.apply(context);

        assertThat(projected.segments().get(0).projected()).isNull();
        assertThat(projected.segments().get(1).projected()).containsExactly(1f, 2f);
        assertThat(projected.segments().get(2).projected()).isNull();
        assertThat(projected.context()).isEqualTo("shown");
        assertThat(projected.tokensUsed()).isEqualTo(1);
    }

    @Test
    void refusesFilesThatAreNotOneMatrix(@TempDir Path dir) throws Exception {
        Path two = dir.resolve("two.safetensors");
        new SafetensorsWriter().add("a", new long[] {3, 2}, W).add("b", new long[] {2}, new float[] {1, 2}).write(two);
        Path vector = dir.resolve("vector.safetensors");
        new SafetensorsWriter().add("a", new long[] {6}, W).write(vector);
        Path ints = dir.resolve("ints.safetensors");
        new SafetensorsWriter().add("a", new long[] {3, 2}, new long[] {1, 2, 3, 4, 5, 6}).write(ints);

        assertThatThrownBy(() -> ChunkProjection.load("x", two))
                .isInstanceOf(MalformedWeightsException.class).hasMessageContaining("exactly one tensor");
        assertThatThrownBy(() -> ChunkProjection.load("x", vector))
                .isInstanceOf(MalformedWeightsException.class).hasMessageContaining("2-D float");
        assertThatThrownBy(() -> ChunkProjection.load("x", ints))
                .isInstanceOf(MalformedWeightsException.class).hasMessageContaining("2-D float");
    }
}
