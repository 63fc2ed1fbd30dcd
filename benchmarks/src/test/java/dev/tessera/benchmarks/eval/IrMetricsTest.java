package dev.tessera.benchmarks.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IrMetricsTest {

    // Judged: a=3, b=2, c=1 relevant, d=0 judged not relevant. Ranking: x, b, d, a (c never found).
    private static final Map<String, Integer> QRELS = Map.of("a", 3, "b", 2, "c", 1, "d", 0);
    private static final List<String> RANKING = List.of("x", "b", "d", "a");

    @Test
    void ndcgUsesLinearGainsAndTheIdealOfAllJudgedDocuments() {
        // DCG@10 = 2/log2(3) + 3/log2(5) = 1.26186 + 1.29203 = 2.55389
        // IDCG@10 = 3/log2(2) + 2/log2(3) + 1/log2(4) = 3 + 1.26186 + 0.5 = 4.76186
        assertThat(IrMetrics.ndcgAt(RANKING, QRELS, 10)).isCloseTo(2.55389 / 4.76186, within(1e-4));
        // Cut at 2: DCG = 1.26186, IDCG = 4.26186
        assertThat(IrMetrics.ndcgAt(RANKING, QRELS, 2)).isCloseTo(1.26186 / 4.26186, within(1e-4));
    }

    @Test
    void perfectRankingScoresOne() {
        assertThat(IrMetrics.ndcgAt(List.of("a", "b", "c"), QRELS, 10)).isCloseTo(1.0, within(1e-12));
    }

    @Test
    void recallCountsOnlyPositiveJudgements() {
        assertThat(IrMetrics.recallAt(RANKING, QRELS, 100)).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(IrMetrics.recallAt(RANKING, QRELS, 2)).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void mrrIsTheReciprocalRankOfTheFirstRelevantDocument() {
        assertThat(IrMetrics.mrrAt(RANKING, QRELS, 10)).isEqualTo(0.5);
        assertThat(IrMetrics.mrrAt(RANKING, QRELS, 1)).isZero();
        assertThat(IrMetrics.mrrAt(List.of("d", "x"), QRELS, 10)).isZero();
    }

    @Test
    void queryWithoutRelevantDocumentsScoresZeroInsteadOfDividingByZero() {
        assertThat(IrMetrics.ndcgAt(RANKING, Map.of("d", 0), 10)).isZero();
        assertThat(IrMetrics.recallAt(RANKING, Map.of(), 100)).isZero();
    }
}
