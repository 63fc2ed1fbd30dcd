package dev.tessera.retrieval.embed;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import org.junit.jupiter.api.Test;

class PoolingTest {

    // batch 2, seq 3, dim 2; row 0 has 3 real tokens, row 1 has 2 (one right pad)
    static final float[] HIDDEN = {
        1, 2, 3, 4, 5, 6,
        10, 20, 30, 40, 99, 99,
    };
    static final long[][] MASK = {{1, 1, 1}, {1, 1, 0}};

    @Test
    void clsTakesTheFirstToken() {
        float[][] out = Pooling.CLS.pool(HIDDEN, 2, 3, 2, MASK);
        assertThat(out[0]).containsExactly(1, 2);
        assertThat(out[1]).containsExactly(10, 20);
    }

    @Test
    void meanIgnoresPadding() {
        float[][] out = Pooling.MEAN.pool(HIDDEN, 2, 3, 2, MASK);
        assertThat(out[0]).containsExactly(3, 4);
        assertThat(out[1]).containsExactly(20, 30);
    }

    @Test
    void lastTokenTakesTheLastRealTokenOfEachRow() {
        float[][] out = Pooling.LAST_TOKEN.pool(HIDDEN, 2, 3, 2, MASK);
        assertThat(out[0]).containsExactly(5, 6);
        assertThat(out[1]).containsExactly(30, 40);
    }

    @Test
    void parsesConfigurationNames() {
        assertThat(Pooling.parse("last-token")).isEqualTo(Pooling.LAST_TOKEN);
        assertThat(Pooling.parse("CLS")).isEqualTo(Pooling.CLS);
    }

    @Test
    void pyTorchEngineForTorchScriptModelsLoadsOfflineFromTheJar() {
        Engine engine = Engine.getEngine("PyTorch");
        assertThat(engine.getVersion()).startsWith("2.7.1");
        assertThat(engine.newBaseManager().ones(new ai.djl.ndarray.types.Shape(2)).sum().getFloat()).isEqualTo(2f);
    }
}
