package dev.tessera.retrieval.context.refrag;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.EmbeddingCache;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.context.Hits;
import dev.tessera.retrieval.index.ChunkHit;
import java.util.List;
import org.junit.jupiter.api.Test;

class RefragAssemblerTest {

    private final ContextTokenizer o200k = ContextTokenizer.openAi("o200k_base");
    private final HashedWordsEmbedder embedder = new HashedWordsEmbedder(32);
    private final EmbeddingCache cache = new EmbeddingCache(embedder, 10_000);
    private final RefragAssembler refrag = new RefragAssembler(cache);

    private static final String FILLER =
            "Filler words pad this passage without saying anything useful at all for anyone reading it today. ";

    @Test
    void expandedSpansRenderInSourceOrderWithEllipsesForSkippedChunks() {
        // The best-scoring sentence sits at the end, the second best at the start: rendering must
        // still follow the source order, not the score order.
        String text = "Penguins live in Antarctica. " + FILLER.repeat(4)
                + "Penguins of Antarctica eat krill and fish in Antarctica.";
        List<ChunkHit> hits = Hits.of(text, FILLER + "Antarctica is cold.");
        ContextRequest request = new ContextRequest("what do penguins in antarctica eat", 60, 0, o200k, 8, false);

        AssembledContext result = refrag.assemble(request, hits);

        String context = result.context();
        assertThat(context).contains("Penguins live in Antarctica.", "Penguins of Antarctica eat krill and fish in Antarctica.");
        assertThat(context.indexOf("Penguins live")).isLessThan(context.indexOf("krill"));
        assertThat(context).contains(RefragAssembler.ELLIPSIS);
        List<ContextSegment> expanded = result.segments().stream().filter(s -> s.expanded()).toList();
        for (int i = 1; i < expanded.size(); i++) {
            ContextSegment a = expanded.get(i - 1), b = expanded.get(i);
            if (a.docId().equals(b.docId())) {
                assertThat(a.end()).isLessThan(b.start());
                assertThat(a.tokenEnd()).isLessThanOrEqualTo(b.tokenStart());
            }
            assertThat(context.indexOf(a.text())).isLessThan(context.indexOf(b.text()));
        }
    }

    /** Tiny chunks cut inside long words; what a compressed segment reports still reads as whole words. */
    @Test
    void compressedSegmentsReportWholeWords() {
        String text = "The propeller slipstream raises the lift of the wing. Counterrotating propellers were "
                + "investigated aerodynamically. " + FILLER;
        ContextRequest request = new ContextRequest("slipstream lift", 20, 0, o200k, 3, false);
        AssembledContext result = refrag.assemble(request, Hits.of(text));
        List<ContextSegment> compressed = result.segments().stream().filter(s -> !s.expanded()).toList();
        assertThat(compressed).isNotEmpty().allSatisfy(s -> {
            assertThat(s.text()).isEqualTo(text.substring(s.start(), s.end()));
            assertThat(s.start() == 0 || Character.isWhitespace(text.charAt(s.start() - 1))
                    || Character.isWhitespace(text.charAt(s.start()))).as("'%s' starts a word", s.text()).isTrue();
            assertThat(s.end() == text.length() || Character.isWhitespace(text.charAt(s.end()))
                    || Character.isWhitespace(text.charAt(s.end() - 1))).as("'%s' ends a word", s.text()).isTrue();
            assertThat(result.segments().stream().filter(ContextSegment::expanded))
                    .noneMatch(e -> e.start() < s.end() && s.start() < e.end());
        });
        java.util.Set<String> words = new java.util.HashSet<>(List.of(text.split("\\s+")));
        assertThat(compressed).allSatisfy(s -> assertThat(words).containsAll(List.of(s.text().strip().split("\\s+"))));
    }

    @Test
    void compressedChunksCarryTokenSpansAndEmbeddingsOnRequest() {
        String text = "Penguins eat krill. " + FILLER.repeat(3);
        ContextRequest request = new ContextRequest("penguins krill", 24, 0, o200k, 16, true);

        AssembledContext result = refrag.assemble(request, Hits.of(text));

        List<ContextSegment> compressed = result.segments().stream().filter(s -> !s.expanded()).toList();
        assertThat(compressed).isNotEmpty().allSatisfy(s -> {
            assertThat(s.embedding()).hasSize(embedder.dimension());
            assertThat(s.tokenEnd() - s.tokenStart()).isBetween(1, 16);
            assertThat(s.tokens()).isEqualTo(s.tokenEnd() - s.tokenStart());
            assertThat(result.segments().stream().filter(ContextSegment::expanded))
                    .noneMatch(e -> e.start() < s.end() && s.start() < e.end());
        });
        assertThat(result.segments().stream().filter(ContextSegment::expanded))
                .allSatisfy(s -> assertThat(s.embedding()).isNull());
        // Token spans of all segments lie in the candidate's encoding without overlapping.
        List<ContextSegment> byToken = result.segments().stream()
                .sorted(java.util.Comparator.comparingInt(ContextSegment::tokenStart)).toList();
        for (int i = 1; i < byToken.size(); i++) {
            assertThat(byToken.get(i).tokenStart()).isGreaterThanOrEqualTo(byToken.get(i - 1).tokenEnd());
        }
        assertThat(byToken.getFirst().tokenStart()).isZero();
        assertThat(byToken.getLast().tokenEnd()).isLessThanOrEqualTo(o200k.count(text));

        ContextRequest plain = new ContextRequest("penguins krill", 24, 0, o200k, 16, false);
        assertThat(refrag.assemble(plain, Hits.of(text)).segments()).allSatisfy(s -> assertThat(s.embedding()).isNull());
    }

    @Test
    void anExpandedChunkWidensToItsSentenceWhenTheSentenceIsShortEnough() {
        String text = FILLER + "The capital of Freedonia is Fredville, a quiet town. " + FILLER;
        ContextRequest request = new ContextRequest("capital of freedonia", 40, 0, o200k, 4, false);

        AssembledContext result = refrag.assemble(request, Hits.of(text));

        assertThat(result.context()).contains("The capital of Freedonia is Fredville, a quiet town.");
    }

    @Test
    void aChunkInheritsTheRelevanceOfItsSentence() {
        // The sentence is too long to widen to (> 3·k tokens), so the chunk naming the answer must
        // win on its own score, which has no query term: only the sentence blend lifts it above filler.
        String answer = "The emperor penguin colony at Cape Crozier, studied by scientists for many decades now,"
                + " feeds mostly on krill and small silverfish near the ice shelf edge.";
        String text = FILLER.repeat(2) + answer + " " + FILLER.repeat(2);
        ContextRequest request = new ContextRequest("emperor penguin colony cape crozier", 40, 0, o200k, 8, false);

        String withBlend = refrag.assemble(request, Hits.of(text)).context();
        RefragAssembler.Settings chunkOnly = new RefragAssembler.Settings(RefragAssembler.COSINE_WEIGHT,
                RefragAssembler.LEXICAL_WEIGHT, RefragAssembler.RANK_WEIGHT, 0, true,
                RefragAssembler.SENTENCE_WIDENING_FACTOR);
        String withoutBlend = new RefragAssembler(cache, chunkOnly).assemble(request, Hits.of(text)).context();

        assertThat(withBlend).contains("Cape Crozier", "krill");
        assertThat(withoutBlend).contains("Cape Crozier").doesNotContain("krill");
    }

    @Test
    void repeatedCandidatesAreServedFromTheCache() {
        List<ChunkHit> hits = Hits.of("Penguins eat krill. " + FILLER, FILLER);
        ContextRequest request = new ContextRequest("penguins", 30, 0, o200k, 8, false);
        refrag.assemble(request, hits);
        int afterFirst = embedder.textsEmbedded.get();
        AssembledContext again = refrag.assemble(request, hits);
        assertThat(embedder.textsEmbedded.get()).isEqualTo(afterFirst);
        assertThat(again).usingRecursiveComparison().isEqualTo(refrag.assemble(request, hits));
    }

    @Test
    void noCandidatesGiveAnEmptyContext() {
        AssembledContext result = refrag.assemble(new ContextRequest("q", 100, 10, o200k), List.of());
        assertThat(result.context()).isEmpty();
        assertThat(result.tokensUsed()).isZero();
    }
}
