package dev.tessera.retrieval.context;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.index.ChunkHit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BudgetInvariantTest {

    private static final String[] WORDS = {
        "the", "turbine", "blade", "boundary", "layer", "flow", "Mach", "number", "pressure", "wing", "shock",
        "heat", "transfer", "Zürich", "naïve", "東京", "データ", "🙂", "co-operation", "1,024", "x²", "—", "data",
        "antidisestablishmentarianism", "U.S.", "e.g.", "velocity", "(approx.)", "\"quoted\"", "rate", "Normandy"
    };
    private static final ContextAssemblers ASSEMBLERS = new ContextAssemblers(new HashedWordsEmbedder(64));
    /** A WordPiece tokenizer.json beside the two BPE encodings: different vocabulary, different spans. */
    private static final Map<String, ContextTokenizer> TOKENIZERS = Map.of(
            "o200k_base", ContextTokenizer.openAi("o200k_base"),
            "cl100k_base", ContextTokenizer.openAi("cl100k_base"),
            "bge-small-en-v1.5", ContextTokenizer.huggingFace("bge-small-en-v1.5", HuggingFaceContextTokenizerTest.BGE_TOKENIZER));

    static Stream<Arguments> strategiesAndTokenizers() {
        return ASSEMBLERS.strategies().stream()
                .flatMap(s -> Stream.of("o200k_base", "cl100k_base", "bge-small-en-v1.5").map(t -> Arguments.of(s, t)));
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("strategiesAndTokenizers")
    void tokensUsedNeverExceedTheBudgetMinusTheReserve(String strategy, String tokenizerName) {
        ContextAssembler assembler = ASSEMBLERS.forStrategy(strategy);
        ContextTokenizer tokenizer = TOKENIZERS.get(tokenizerName);
        Random random = new Random(strategy.hashCode() * 31L + tokenizerName.hashCode());
        int filled = 0, fillable = 0;
        for (int trial = 0; trial < 40; trial++) {
            List<ChunkHit> candidates = randomCandidates(random);
            int budget = random.nextInt(10) == 0 ? 1 + random.nextInt(8) : 1 + random.nextInt(1200);
            int reserve = random.nextBoolean() ? 0 : random.nextInt(budget);
            int chunkTokens = new int[] {4, 8, 16, 32}[random.nextInt(4)];
            String query = sentence(random, 2 + random.nextInt(6));
            ContextRequest request = new ContextRequest(query, budget, reserve, tokenizer, chunkTokens, random.nextBoolean());

            AssembledContext result = assembler.assemble(request, candidates);

            assertThat(result.tokensUsed()).as("trial %d budget %d reserve %d", trial, budget, reserve)
                    .isEqualTo(tokenizer.count(result.context()))
                    .isLessThanOrEqualTo(budget - reserve);
            assertThat(result.strategy()).isEqualTo(strategy);
            assertThat(result.tokensBaseline()).isEqualTo(ContextAssembler.baselineTokens(request, candidates));
            for (ContextSegment s : result.segments()) {
                if (!Boolean.FALSE.equals(s.expanded())) {
                    assertThat(result.context()).contains(s.text());
                }
            }
            if (!candidates.isEmpty() && budget - reserve >= 300) {
                fillable++;
                if (result.tokensUsed() > (budget - reserve) / 2) filled++;
            }
            if (candidates.isEmpty()) {
                assertThat(result.context()).isEmpty();
                assertThat(result.tokensUsed()).isZero();
            }
        }
        // An assembler that always answered "" would keep the invariant; make sure the budget gets used.
        assertThat(filled).as("contexts more than half full").isGreaterThanOrEqualTo(fillable * 2 / 3);
    }

    private static List<ChunkHit> randomCandidates(Random random) {
        int n = random.nextInt(5) == 0 ? 0 : 1 + random.nextInt(20);
        List<ChunkHit> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder text = new StringBuilder();
            int sentences = 1 + random.nextInt(8);
            for (int s = 0; s < sentences; s++) {
                // Now and then a very long run-on "sentence", so widening and sentence cuts meet their limits.
                int words = random.nextInt(8) == 0 ? 80 + random.nextInt(120) : 3 + random.nextInt(25);
                text.append(sentence(random, words)).append(random.nextInt(6) == 0 ? "\n" : " ");
            }
            String docId = "doc" + random.nextInt(8);
            int start = random.nextInt(1000);
            out.add(new ChunkHit(docId, docId + "#" + i, i, 1f / (i + 1), docId, text.toString(), start,
                    start + text.length(), List.of()));
        }
        if (n > 2 && random.nextBoolean()) out.add(out.get(random.nextInt(n))); // an exact duplicate
        return out;
    }

    private static String sentence(Random random, int words) {
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            if (w > 0) sb.append(' ');
            sb.append(WORDS[random.nextInt(WORDS.length)]);
        }
        sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
        return sb.append(random.nextInt(4) == 0 ? "?" : ".").toString();
    }
}
