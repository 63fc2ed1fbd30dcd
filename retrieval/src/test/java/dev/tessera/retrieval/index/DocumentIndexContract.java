package dev.tessera.retrieval.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.chunk.TokenChunker;
import dev.tessera.retrieval.context.AssembledContext;
import dev.tessera.retrieval.context.ContextAssemblers;
import dev.tessera.retrieval.context.ContextRequest;
import dev.tessera.retrieval.context.ContextSegment;
import dev.tessera.retrieval.context.ContextTokenizer;
import dev.tessera.retrieval.context.HashedWordsEmbedder;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.ingest.DocumentIngestor;
import dev.tessera.retrieval.search.Fusion;
import dev.tessera.retrieval.search.HybridSearcher;
import dev.tessera.retrieval.search.SearchMode;
import dev.tessera.retrieval.search.SearchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What every {@link DocumentIndex} backend must do, driven through the same write and search path
 * the service uses (ingestor, hybrid searcher, context assembly). Each backend's test extends this
 * and says how to open a fresh, empty index; the embedded index runs it here, OpenSearch in the
 * {@code opensearch-it} module against a three-node cluster.
 */
@Timeout(120)
public abstract class DocumentIndexContract {

    protected static final int DIM = 64;
    protected static final HashedWordsEmbedder EMBEDDER = new HashedWordsEmbedder(DIM);

    /** A small corpus with one clear answer per query, and metadata to filter on. */
    static final List<Document> CORPUS = List.of(
            new Document("bl", "Boundary layers", "The boundary layer thickens along a flat plate as viscosity slows the flow near the wall.",
                    Map.of("topic", "flow", "year", 1958)),
            new Document("shock", "Shock waves", "A normal shock wave forms ahead of a blunt body in supersonic flight and heats the gas.",
                    Map.of("topic", "flow", "year", 1962)),
            new Document("heat", "Heat transfer", "Heat transfer to the nose cone of a reentry vehicle is dominated by radiation at high speed.",
                    Map.of("topic", "heat", "year", 1962)),
            new Document("wing", "Swept wings", "Swept wings delay compressibility drag rise; the sweep angle sets the critical Mach number.",
                    Map.of("topic", "wings", "year", 1955, "tags", List.of("drag", "transonic"))),
            new Document("flutter", "Panel flutter", "Panel flutter of thin plates in supersonic flow is an aeroelastic instability.",
                    Map.of("topic", "structures", "year", 1965)),
            new Document("buckle", "Cylinder buckling", "Thin cylindrical shells buckle under axial compression far below the classical load.",
                    Map.of("topic", "structures", "year", 1960)),
            new Document("jet", "Jet noise", "Jet noise intensity grows with the eighth power of the exhaust velocity, as Lighthill showed.",
                    Map.of("topic", "noise", "year", 1952, "tags", List.of("acoustics"))),
            new Document("ablation", "Ablation", "Ablating heat shields protect a reentry body by carrying heat away in the melted layer.",
                    Map.of("topic", "heat", "year", 1963)));

    protected DocumentIndex index;
    protected DocumentIngestor ingestor;
    protected HybridSearcher searcher;

    /** A fresh, empty index for one test, for {@link #EMBEDDER}'s vectors. */
    protected abstract DocumentIndex openEmptyIndex(String model, int dimension);

    @BeforeEach
    void openIndex() {
        index = openEmptyIndex(EMBEDDER.name(), DIM);
        ingestor = new DocumentIngestor(new TokenChunker(EMBEDDER.tokenizer(), 12, 2), EMBEDDER, index);
        searcher = new HybridSearcher(index, EMBEDDER, Fusion.of("rrf", 0.5, 60), 50);
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    private List<String> docIds(SearchMode mode, String query, int k, MetadataFilter filter) {
        return searcher.search(new SearchRequest(query, k, mode, filter, null, false)).hits().stream()
                .map(ChunkHit::docId).distinct().toList();
    }

    @Test
    void everyModeRanksTheDocumentThatAnswersFirst() {
        ingestor.ingestAll(CORPUS);
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "boundary layer on a flat plate", 5, MetadataFilter.NONE)).as(mode.name())
                    .first().isEqualTo("bl");
            assertThat(docIds(mode, "jet exhaust noise", 5, MetadataFilter.NONE)).as(mode.name()).first().isEqualTo("jet");
        }
        // English analysis on both backends: "buckles" finds "buckle", stop words alone find nothing.
        assertThat(docIds(SearchMode.BM25, "buckles", 3, MetadataFilter.NONE)).containsExactly("buckle");
        assertThat(docIds(SearchMode.BM25, "the of and", 3, MetadataFilter.NONE)).isEmpty();
    }

    @Test
    void hitsCarryTheChunkTextOffsetsAndCosineScores() {
        ingestor.ingestAll(CORPUS);
        ChunkHit top = index.searchVector(EMBEDDER.embed("swept wings sweep angle", dev.tessera.retrieval.embed.Embedder.Role.QUERY),
                3, MetadataFilter.NONE).getFirst();
        assertThat(top.docId()).isEqualTo("wing");
        assertThat(top.title()).isEqualTo("Swept wings");
        String source = CORPUS.get(3).text();
        assertThat(source.substring(top.start(), top.end())).isEqualTo(top.text());
        assertThat(top.chunkId()).isEqualTo("wing#" + top.ordinal());
        assertThat(top.score()).isBetween(0f, 1.0001f);
        List<ChunkHit> bm25 = index.searchText("shock", 5, MetadataFilter.NONE);
        assertThat(bm25).extracting(ChunkHit::docId).isNotEmpty().containsOnly("shock");
        assertThat(bm25.getFirst().score()).isPositive();
    }

    @Test
    void filtersRestrictEveryModeToMatchingMetadata() {
        ingestor.ingestAll(CORPUS);
        MetadataFilter heat = MetadataFilter.of(Map.of("topic", "heat"));
        MetadataFilter flowOrHeat1962 = MetadataFilter.of(Map.of("topic", List.of("flow", "heat"), "year", 1962));
        MetadataFilter tag = MetadataFilter.of(Map.of("tags", "acoustics"));
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "heat shield reentry supersonic flow", 10, heat)).as(mode.name())
                    .isNotEmpty().allMatch(Set.of("heat", "ablation")::contains);
            assertThat(docIds(mode, "supersonic flow heat", 10, flowOrHeat1962)).as(mode.name())
                    .isNotEmpty().allMatch(Set.of("shock", "heat")::contains);
            assertThat(docIds(mode, "noise velocity", 10, tag)).as(mode.name()).containsExactly("jet");
            assertThat(docIds(mode, "flow", 10, MetadataFilter.of(Map.of("topic", "nothing-has-this")))).as(mode.name())
                    .isEmpty();
        }
    }

    @Test
    void deletedDocumentsLeaveEveryModeAndCannotBeRead() {
        ingestor.ingestAll(CORPUS);
        assertThat(index.delete("jet")).isTrue();
        assertThat(index.delete("jet")).isFalse();
        assertThat(index.get("jet")).isEmpty();
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "jet exhaust noise Lighthill", 10, MetadataFilter.NONE)).as(mode.name())
                    .doesNotContain("jet");
        }
        assertThat(index.stats().documents()).isEqualTo(CORPUS.size() - 1);
    }

    @Test
    void replacingADocumentKeepsOnlyItsNewChunks() {
        ingestor.ingest(new Document("r", "Long", "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima "
                + "mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu", Map.of("v", 1)));
        int before = index.get("r").orElseThrow().chunks().size();
        assertThat(before).isGreaterThan(1);
        ingestor.ingest(new Document("r", "Short", "a single replacement chunk about gliders", Map.of("v", 2)));

        StoredDocument stored = index.get("r").orElseThrow();
        assertThat(stored.title()).isEqualTo("Short");
        assertThat(stored.text()).isEqualTo("a single replacement chunk about gliders");
        assertThat(stored.metadata()).containsEntry("v", 2);
        assertThat(stored.chunks()).extracting(Chunk::text).containsExactly("a single replacement chunk about gliders");
        assertThat(index.searchText("zulu yankee", 10, MetadataFilter.NONE)).isEmpty();
        assertThat(index.searchText("gliders", 10, MetadataFilter.NONE)).extracting(ChunkHit::chunkId).containsExactly("r#0");
        assertThat(index.searchVector(EMBEDDER.embed("alpha bravo", dev.tessera.retrieval.embed.Embedder.Role.QUERY), 10,
                MetadataFilter.of(Map.of("v", 1)))).isEmpty();
        IndexStats stats = index.stats();
        assertThat(stats.documents()).isEqualTo(1);
        assertThat(stats.chunks()).isEqualTo(1);
    }

    @Test
    void theLastOfTwoVersionsInOneBatchWins() {
        ingestor.ingestAll(List.of(
                new Document("twice", "First", "one two three four five six seven eight nine ten eleven twelve thirteen "
                        + "fourteen fifteen sixteen seventeen eighteen nineteen twenty", Map.of()),
                new Document("twice", "Second", "a short second version", Map.of())));
        StoredDocument stored = index.get("twice").orElseThrow();
        assertThat(stored.title()).isEqualTo("Second");
        assertThat(stored.chunks()).extracting(Chunk::text).containsExactly("a short second version");
        assertThat(index.searchText("seventeen", 5, MetadataFilter.NONE)).isEmpty();
        assertThat(index.stats().chunks()).isEqualTo(1);
    }

    @Test
    void aBulkWriteStoresEveryDocumentAndReadsThemBack() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            docs.add(new Document("bulk-" + i, "Report " + i, "Wind tunnel report number w" + i
                    + " on model " + (i % 7) + " at Mach " + (i % 5), Map.of("batch", i % 3)));
        }
        List<DocumentIngestor.Ingested> ingested = ingestor.ingestAll(docs);
        assertThat(ingested).hasSize(300);
        assertThat(index.stats().documents()).isEqualTo(300);
        for (int i : new int[] {0, 137, 299}) {
            StoredDocument d = index.get("bulk-" + i).orElseThrow();
            assertThat(d.text()).contains("number w" + i + " ");
            assertThat(d.metadata()).containsEntry("batch", i % 3);
        }
        assertThat(docIds(SearchMode.BM25, "w213", 5, MetadataFilter.NONE)).containsExactly("bulk-213");
        assertThat(docIds(SearchMode.HYBRID, "w42", 5, MetadataFilter.of(Map.of("batch", 0)))).first().isEqualTo("bulk-42");
    }

    @Test
    void ragContextFromTheIndexFitsTheBudgetAndCitesTheAnswer() {
        ingestor.ingestAll(CORPUS);
        ContextTokenizer tokenizer = ContextTokenizer.openAi("o200k_base");
        ContextAssemblers assemblers = new ContextAssemblers(EMBEDDER);
        List<ChunkHit> candidates = searcher.search(new SearchRequest("reentry heat shield", 8, SearchMode.HYBRID,
                MetadataFilter.NONE, null, false)).hits();
        for (String strategy : assemblers.strategies()) {
            ContextRequest request = new ContextRequest("reentry heat shield", 60, 10, tokenizer);
            AssembledContext context = assemblers.forStrategy(strategy).assemble(request, candidates);
            assertThat(context.tokensUsed()).as(strategy).isPositive().isLessThanOrEqualTo(50);
            assertThat(tokenizer.count(context.context())).as(strategy).isLessThanOrEqualTo(50);
            assertThat(context.segments().stream().map(ContextSegment::docId).collect(Collectors.toSet())).as(strategy)
                    .containsAnyOf("ablation", "heat");
        }
    }

    @Test
    void statsCountDocumentsChunksAndVectorsOfTheConfiguredModel() {
        IndexStats empty = index.stats();
        assertThat(empty.documents()).isZero();
        assertThat(empty.chunks()).isZero();
        List<DocumentIngestor.Ingested> ingested = ingestor.ingestAll(CORPUS);
        int chunks = ingested.stream().mapToInt(DocumentIngestor.Ingested::chunks).sum();
        IndexStats stats = index.stats();
        assertThat(stats.documents()).isEqualTo(CORPUS.size());
        assertThat(stats.chunks()).isEqualTo(chunks);
        assertThat(stats.vectors()).isEqualTo(chunks);
        assertThat(stats.embeddingModel()).isEqualTo(EMBEDDER.name());
        assertThat(stats.dimension()).isEqualTo(DIM);
        assertThat(stats.luceneVersion()).startsWith("10.");
        assertThat(stats.sizeOnDiskBytes()).isPositive();
    }

    @Test
    void highlightsMarkTheQueryWordsInTheChunkText() {
        ingestor.ingestAll(CORPUS);
        List<ChunkHit> hits = searcher.search(new SearchRequest("flutter plates", 3, SearchMode.BM25, MetadataFilter.NONE,
                null, true)).hits();
        assertThat(hits.getFirst().docId()).isEqualTo("flutter");
        assertThat(String.join(" ", hits.getFirst().highlights())).contains("<em>flutter</em>");
    }

    @Test
    void badInputIsRefusedAndLeavesStoredDocumentsIntact() {
        ingestor.ingestAll(CORPUS);
        IndexStats before = index.stats();
        assertThatThrownBy(() -> searcher.search(new SearchRequest(" ", 5, SearchMode.HYBRID, MetadataFilter.NONE, null, false)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> searcher.search(new SearchRequest("flow", 0, SearchMode.BM25, MetadataFilter.NONE, null, false)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> MetadataFilter.of(Map.of("bad key!", "x"))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ingestor.ingest(new Document("empty", "t", "   ", Map.of())))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ingestor.ingest(new Document("has space", "t", "text", Map.of())))
                .isInstanceOf(InvalidRequestException.class);
        Chunk chunk = new Chunk(0, "short", 0, 5, 1);
        assertThatThrownBy(() -> index.upsert(List.of(new IndexedDocument(new Document("bl", "x", "short", Map.of()),
                List.of(chunk), List.of(new float[DIM + 1]))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.searchVector(new float[3], 5, MetadataFilter.NONE))
                .isInstanceOf(IllegalArgumentException.class);

        assertThat(index.stats().documents()).isEqualTo(before.documents());
        assertThat(index.stats().chunks()).isEqualTo(before.chunks());
        assertThat(index.get("bl").orElseThrow().title()).isEqualTo("Boundary layers");
        assertThat(index.get("empty")).isEmpty();
    }

    @Test
    void idsWithUnusualCharactersRoundTrip() {
        String id = "Grüße:doc-1.v2_(draft)";
        ingestor.ingest(new Document(id, "Umlaut", "a document whose id needs escaping in a URL", Map.of()));
        assertThat(index.get(id).orElseThrow().title()).isEqualTo("Umlaut");
        assertThat(docIds(SearchMode.BM25, "escaping", 3, MetadataFilter.NONE)).containsExactly(id);
        assertThat(index.delete(id)).isTrue();
        assertThat(index.get(id)).isEmpty();
    }
}
