package dev.tessera.retrieval.context.crag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.context.Hits;
import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CragAssemblerTest {

    private final ContextTokenizer o200k = ContextTokenizer.openAi("o200k_base");
    private final CragAssembler crag = new CragAssembler(new EmbeddingCache(new HashedWordsEmbedder(64), 1000));

    @Test
    void clusterCountFollowsTheBudgetRule() {
        assertThat(CragAssembler.clusterCount(10, 20)).isEqualTo(1);
        assertThat(CragAssembler.clusterCount(256, 20)).isEqualTo(3);
        assertThat(CragAssembler.clusterCount(512, 20)).isEqualTo(5);
        assertThat(CragAssembler.clusterCount(4096, 20)).isEqualTo(8);
        assertThat(CragAssembler.clusterCount(4096, 3)).isEqualTo(3);
    }

    @Test
    void nearDuplicatesKeepOnlyTheHigherRankedCopy() {
        String text = "Jet engines compress air. Fuel burns in the combustor.";
        List<ChunkHit> hits = new ArrayList<>(Hits.of(text, "Owls hunt at night in quiet forests.", text));
        AssembledContext result = crag.assemble(new ContextRequest("jet engine fuel", 1000, 0, o200k), hits);

        assertThat(result.segments()).extracting(ContextSegment::docId).doesNotContain("d2");
        assertThat(result.context().split("Jet engines compress air", -1)).hasSize(2);
    }

    /**
     * A two-hop question: the retriever ranks the two passages it needs first, while many others
     * echo the question's words more closely and would win every cluster. The lead keeps both.
     */
    @Test
    void theTwoBestRankedPassagesGetInBeforeTheBudgetIsSpreadOverClusters() {
        java.util.Random random = new java.util.Random(11);
        String[] echo = {"engine", "thrust", "record", "altitude", "aircraft", "flight"};
        for (int round = 0; round < 10; round++) {
            String first = "The X-15 was flown on its two highest missions by Joseph Walker, a NASA research pilot"
                    + " who joined the programme early and went on to fly it twenty-five times over the Nevada desert.";
            String second = "Joseph Walker was born in Washington, Pennsylvania, studied physics at Washington and"
                    + " Jefferson College, and served as a weather reconnaissance pilot in the Second World War.";
            List<String> texts = new ArrayList<>(List.of(first, second));
            for (int i = 0; i < 12; i++) {
                StringBuilder sb = new StringBuilder();
                for (int w = 0; w < 30 + random.nextInt(10); w++) {
                    sb.append(random.nextInt(3) == 0 ? echo[random.nextInt(echo.length)] : "w" + random.nextInt(5000)).append(' ');
                }
                texts.add(sb.toString().strip() + " record flight engine aircraft altitude.");
            }
            List<ChunkHit> hits = Hits.of(texts.toArray(String[]::new));
            String query = "where was the pilot of the record altitude aircraft flight engine born";
            for (int budget : new int[] {256, 512}) {
                String context = crag.assemble(new ContextRequest(query, budget, 0, o200k), hits).context();
                assertThat(context).as("round %d, budget %d", round, budget).contains(first).contains(second);
                CragAssembler spread = new CragAssembler(new EmbeddingCache(new HashedWordsEmbedder(64), 1000),
                        new CragAssembler.Settings(CragAssembler.QUERY_WEIGHT, CragAssembler.CENTROID_WEIGHT,
                                CragAssembler.RANK_WEIGHT, CragAssembler.LEXICAL_WEIGHT, 0));
                if (round == 0 && budget == 256) {
                    // Without the lead the echoes take the budget: the case the lead exists for.
                    String without = spread.assemble(new ContextRequest(query, budget, 0, o200k), hits).context();
                    assertThat(without.contains(first) && without.contains(second)).as(without).isFalse();
                }
            }
        }
    }

    /** Two documents that share a sentence, different enough not to be near-duplicates as wholes. */
    @Test
    void aSentenceTwoDocumentsShareAppearsOnce() {
        String shared = "The propeller slipstream raises the lift of the wing.";
        List<ChunkHit> hits = new ArrayList<>(Hits.of(
                "Wind tunnel tests at low speed. " + shared + " Flaps were deflected forty degrees.",
                "Owls hunt at night in quiet forests.",
                "A survey of transport aircraft designs. " + shared + " Tail loads were measured in flight."));
        for (int budget : new int[] {64, 128, 1000}) {
            AssembledContext result = crag.assemble(new ContextRequest("propeller slipstream lift", budget, 0, o200k), hits);
            assertThat(result.context().split("propeller slipstream raises", -1)).as("budget %d: %s", budget, result.context())
                    .hasSize(2);
            assertThat(result.segments()).filteredOn(s -> s.text().equals(shared)).hasSize(1);
        }
    }

    @Test
    void segmentsCarryClusterIdsAndSourceOffsetsAndClustersRenderSentencesInSourceOrder() {
        List<ChunkHit> hits = Hits.of(
                "Jet engines compress air. The turbine drives the compressor. Jet fuel burns hot.",
                "Owls hunt at night. Owls have silent feathers.",
                "Jet engines need fuel and air to run.",
                "Owls eat mice and voles.");
        AssembledContext result = crag.assemble(new ContextRequest("how do jet engines burn fuel", 400, 0, o200k), hits);

        assertThat(result.segments()).isNotEmpty().allSatisfy(s -> {
            assertThat(s.clusterId()).isNotNull();
            ChunkHit hit = hits.stream().filter(h -> h.docId().equals(s.docId())).findFirst().orElseThrow();
            assertThat(hit.text().substring(s.start() - hit.start(), s.end() - hit.start())).isEqualTo(s.text());
        });
        // Within a cluster, sentences appear in source order: candidate rank, then offset.
        List<ContextSegment> segments = result.segments();
        for (int i = 1; i < segments.size(); i++) {
            ContextSegment a = segments.get(i - 1), b = segments.get(i);
            if (a.clusterId().equals(b.clusterId())) {
                assertThat(a.docId().compareTo(b.docId()) < 0 || (a.docId().equals(b.docId()) && a.start() < b.start()))
                        .isTrue();
                assertThat(result.context().indexOf(a.text())).isLessThan(result.context().indexOf(b.text()));
            }
        }
        // The cluster about the question comes first.
        assertThat(result.context()).startsWith("Jet");
    }

    @Test
    void sameInputGivesTheSameContext() {
        List<ChunkHit> hits = Hits.of("A b c. D e f.", "G h i. J k l.", "M n o. P q r.", "S t u. V w x.");
        ContextRequest request = new ContextRequest("b k", 200, 0, o200k);
        assertThat(crag.assemble(request, hits)).isEqualTo(crag.assemble(request, hits));
    }

    @Test
    void runOnTextWithoutSentenceEndsStillFillsASmallBudget() {
        String runOn = "jet engine turbine pressure flow ".repeat(60); // one "sentence" of ~300 tokens
        AssembledContext result = crag.assemble(new ContextRequest("turbine pressure", 100, 0, o200k), Hits.of(runOn));
        assertThat(result.tokensUsed()).isBetween(CragAssembler.MAX_SENTENCE_TOKENS / 2, 100);
    }
}
