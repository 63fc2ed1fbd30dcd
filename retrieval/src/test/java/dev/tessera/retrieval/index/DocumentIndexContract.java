package dev.tessera.retrieval.index;

import dev.tessera.retrieval.filter.Filter;
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

    /**
     * A fresh, empty index of one collection for one test. Collections opened under different names
     * in one test are independent indexes.
     */
    protected abstract DocumentIndex openEmptyIndex(String collection, String model, int dimension,
                                                    VectorSimilarity similarity);

    @BeforeEach
    void openIndex() {
        index = openEmptyIndex("contract", EMBEDDER.name(), DIM, VectorSimilarity.COSINE);
        ingestor = new DocumentIngestor(new TokenChunker(EMBEDDER.tokenizer(), 12, 2), EMBEDDER, index);
        searcher = new HybridSearcher(index, EMBEDDER, Fusion.of("rrf", 0.5, 60), 50);
    }

    @AfterEach
    void closeIndex() {
        index.close();
    }

    private List<String> docIds(SearchMode mode, String query, int k, Filter filter) {
        return searcher.search(new SearchRequest(query, k, mode, filter, null, false)).hits().stream()
                .map(ChunkHit::docId).distinct().toList();
    }

    @Test
    void everyModeRanksTheDocumentThatAnswersFirst() {
        ingestor.ingestAll(CORPUS);
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "boundary layer on a flat plate", 5, Filter.ALL)).as(mode.name())
                    .first().isEqualTo("bl");
            assertThat(docIds(mode, "jet exhaust noise", 5, Filter.ALL)).as(mode.name()).first().isEqualTo("jet");
        }
        // English analysis on both backends: "buckles" finds "buckle", stop words alone find nothing.
        assertThat(docIds(SearchMode.BM25, "buckles", 3, Filter.ALL)).containsExactly("buckle");
        assertThat(docIds(SearchMode.BM25, "the of and", 3, Filter.ALL)).isEmpty();
    }

    @Test
    void spanVectorsStoredAtIngestComeBackByChunkIdAndStayOutOfSearchHits() {
        var precompute = new dev.tessera.retrieval.context.ContextPrecompute(
                dev.tessera.retrieval.context.ContextTokenizer.openAi("o200k_base"), 16,
                dev.tessera.retrieval.context.ContextPrecompute.Source.ALONE);
        new DocumentIngestor(new TokenChunker(EMBEDDER.tokenizer(), 12, 2), EMBEDDER, index, precompute)
                .ingestAll(CORPUS.subList(0, 4));
        ingestor.ingestAll(CORPUS.subList(4, 5)); // written without span vectors
        List<ChunkHit> hits = searcher.search(new SearchRequest("boundary layer flat plate", 20, SearchMode.HYBRID,
                Filter.ALL, null, false)).hits();
        List<String> ids = new java.util.ArrayList<>(hits.stream().map(ChunkHit::chunkId).toList());
        ids.add("flutter#0");
        Map<String, SpanVectors> spans = index.spanVectors(ids);
        assertThat(spans).doesNotContainKey("flutter#0").containsKey("bl#0");
        for (ChunkHit hit : hits) {
            SpanVectors s = spans.get(hit.chunkId());
            if (s == null) continue;
            assertThat(s.dimension()).isEqualTo(DIM);
            assertThat(s.spans()).isNotEmpty();
            for (SpanVectors.Span span : s.spans()) {
                assertThat(span.end()).isLessThanOrEqualTo(hit.text().length());
                float[] alone = EMBEDDER.embed(hit.text().substring(span.start(), span.end()),
                        dev.tessera.retrieval.embed.Embedder.Role.DOCUMENT);
                assertThat(dev.tessera.retrieval.embed.VectorMath.cosine(span.vector(), alone)).isGreaterThan(0.999);
            }
        }
        assertThat(index.spanVectors(List.of())).isEmpty();
        assertThat(index.spanVectors(List.of("nothing#0"))).isEmpty();
    }

    @Test
    void hitsCarryTheChunkTextOffsetsAndCosineScores() {
        ingestor.ingestAll(CORPUS);
        ChunkHit top = index.searchVector(EMBEDDER.embed("swept wings sweep angle", dev.tessera.retrieval.embed.Embedder.Role.QUERY),
                3, Filter.ALL).getFirst();
        assertThat(top.docId()).isEqualTo("wing");
        assertThat(top.title()).isEqualTo("Swept wings");
        String source = CORPUS.get(3).text();
        assertThat(source.substring(top.start(), top.end())).isEqualTo(top.text());
        assertThat(top.chunkId()).isEqualTo("wing#" + top.ordinal());
        assertThat(top.score()).isBetween(0f, 1.0001f);
        List<ChunkHit> bm25 = index.searchText("shock", 5, Filter.ALL);
        assertThat(bm25).extracting(ChunkHit::docId).isNotEmpty().containsOnly("shock");
        assertThat(bm25.getFirst().score()).isPositive();
    }

    @Test
    void filtersRestrictEveryModeToMatchingMetadata() {
        ingestor.ingestAll(CORPUS);
        Filter heat = Filter.parse(Map.of("topic", "heat"));
        Filter flowOrHeat1962 = Filter.parse(Map.of("topic", List.of("flow", "heat"), "year", 1962));
        Filter tag = Filter.parse(Map.of("tags", "acoustics"));
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "heat shield reentry supersonic flow", 10, heat)).as(mode.name())
                    .isNotEmpty().allMatch(Set.of("heat", "ablation")::contains);
            assertThat(docIds(mode, "supersonic flow heat", 10, flowOrHeat1962)).as(mode.name())
                    .isNotEmpty().allMatch(Set.of("shock", "heat")::contains);
            assertThat(docIds(mode, "noise velocity", 10, tag)).as(mode.name()).containsExactly("jet");
            assertThat(docIds(mode, "flow", 10, Filter.parse(Map.of("topic", "nothing-has-this")))).as(mode.name())
                    .isEmpty();
        }
    }

    @Test
    void aForceMergeKeepsEveryAnswerAndLeavesNoMoreSegmentsThanBefore() {
        for (Document d : CORPUS) {
            ingestor.ingestAll(List.of(d)); // one write each: several segments
        }
        assertThat(index.delete("jet")).isTrue();
        Map<SearchMode, List<String>> before = new java.util.EnumMap<>(SearchMode.class);
        for (SearchMode mode : SearchMode.values()) {
            before.put(mode, docIds(mode, "boundary layer on a flat plate", 5, Filter.ALL));
        }
        int segments = index.stats().segments();
        int after = index.forceMerge(1);
        assertThat(after).isEqualTo(index.stats().segments()).isLessThanOrEqualTo(segments).isPositive();
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "boundary layer on a flat plate", 5, Filter.ALL)).as(mode.name())
                    .containsExactlyElementsOf(before.get(mode));
        }
        assertThat(index.get("jet")).isEmpty();
        assertThat(index.stats().documents()).isEqualTo(CORPUS.size() - 1);
        assertThatThrownBy(() -> index.forceMerge(0)).isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("max_segments");
    }

    @Test
    void deletedDocumentsLeaveEveryModeAndCannotBeRead() {
        ingestor.ingestAll(CORPUS);
        assertThat(index.delete("jet")).isTrue();
        assertThat(index.delete("jet")).isFalse();
        assertThat(index.get("jet")).isEmpty();
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "jet exhaust noise Lighthill", 10, Filter.ALL)).as(mode.name())
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
        assertThat(stored.metadata()).containsEntry("v", 2L);
        assertThat(stored.chunks()).extracting(Chunk::text).containsExactly("a single replacement chunk about gliders");
        assertThat(index.searchText("zulu yankee", 10, Filter.ALL)).isEmpty();
        assertThat(index.searchText("gliders", 10, Filter.ALL)).extracting(ChunkHit::chunkId).containsExactly("r#0");
        assertThat(index.searchVector(EMBEDDER.embed("alpha bravo", dev.tessera.retrieval.embed.Embedder.Role.QUERY), 10,
                Filter.parse(Map.of("v", 1)))).isEmpty();
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
        assertThat(index.searchText("seventeen", 5, Filter.ALL)).isEmpty();
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
            assertThat(d.metadata()).containsEntry("batch", (long) (i % 3));
        }
        assertThat(docIds(SearchMode.BM25, "w213", 5, Filter.ALL)).containsExactly("bulk-213");
        assertThat(docIds(SearchMode.HYBRID, "w42", 5, Filter.parse(Map.of("batch", 0)))).first().isEqualTo("bulk-42");
    }

    @Test
    void ragContextFromTheIndexFitsTheBudgetAndCitesTheAnswer() {
        ingestor.ingestAll(CORPUS);
        ContextTokenizer tokenizer = ContextTokenizer.openAi("o200k_base");
        ContextAssemblers assemblers = new ContextAssemblers(EMBEDDER);
        List<ChunkHit> candidates = searcher.search(new SearchRequest("reentry heat shield", 8, SearchMode.HYBRID,
                Filter.ALL, null, false)).hits();
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
        List<ChunkHit> hits = searcher.search(new SearchRequest("flutter plates", 3, SearchMode.BM25, Filter.ALL,
                null, true)).hits();
        assertThat(hits.getFirst().docId()).isEqualTo("flutter");
        assertThat(String.join(" ", hits.getFirst().highlights())).contains("<em>flutter</em>");
    }

    @Test
    void badInputIsRefusedAndLeavesStoredDocumentsIntact() {
        ingestor.ingestAll(CORPUS);
        IndexStats before = index.stats();
        assertThatThrownBy(() -> searcher.search(new SearchRequest(" ", 5, SearchMode.HYBRID, Filter.ALL, null, false)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> searcher.search(new SearchRequest("flow", 0, SearchMode.BM25, Filter.ALL, null, false)))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> Filter.parse(Map.of("bad key!", "x"))).isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ingestor.ingest(new Document("empty", "t", "   ", Map.of())))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> ingestor.ingest(new Document("has space", "t", "text", Map.of())))
                .isInstanceOf(InvalidRequestException.class);
        Chunk chunk = new Chunk(0, "short", 0, 5, 1);
        assertThatThrownBy(() -> index.upsert(List.of(new IndexedDocument(new Document("bl", "x", "short", Map.of()),
                List.of(chunk), List.of(new float[DIM + 1]))))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> index.searchVector(new float[3], 5, Filter.ALL))
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
        assertThat(docIds(SearchMode.BM25, "escaping", 3, Filter.ALL)).containsExactly(id);
        assertThat(index.delete(id)).isTrue();
        assertThat(index.get(id)).isEmpty();
    }

    // ---- collections, typed metadata, the filter language, client vectors, listing ------------

    private Set<String> countedAndListed(Filter filter) {
        Set<String> listed = new java.util.LinkedHashSet<>();
        String cursor = null;
        do {
            DocumentPage page = index.list(filter, 3, cursor);
            assertThat(page.documents()).hasSizeLessThanOrEqualTo(3);
            page.documents().forEach(d -> assertThat(listed.add(d.id())).as("listed twice: " + d.id()).isTrue());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(index.count(filter)).as("count of " + filter).isEqualTo(listed.size());
        return listed;
    }

    private static Set<String> expected(Filter filter, List<Document> docs) {
        return docs.stream().filter(d -> dev.tessera.retrieval.filter.FilterEvaluator.matches(filter,
                dev.tessera.retrieval.document.Metadata.normalize(d.metadata()))).map(Document::id)
                .collect(Collectors.toCollection(java.util.TreeSet::new));
    }

    @Test
    void typedMetadataComesBackInHitsReadsAndListings() {
        Map<String, Object> metadata = new java.util.LinkedHashMap<>();
        metadata.put("year", 1962);
        metadata.put("ratio", 0.25);
        metadata.put("draft", false);
        metadata.put("tags", List.of("a", "b"));
        metadata.put("sizes", List.of(3, 4.5));
        ingestor.ingest(new Document("m1", "Typed", "typed metadata on a reentry capsule", metadata));
        Map<String, Object> canonical = Map.of("year", 1962L, "ratio", 0.25, "draft", false, "tags", List.of("a", "b"),
                "sizes", List.of(3.0, 4.5));
        assertThat(index.get("m1").orElseThrow().metadata()).isEqualTo(canonical);
        assertThat(index.searchText("capsule", 5, Filter.ALL).getFirst().metadata()).isEqualTo(canonical);
        assertThat(index.searchVector(EMBEDDER.embed("reentry capsule", dev.tessera.retrieval.embed.Embedder.Role.QUERY),
                5, Filter.ALL).getFirst().metadata()).isEqualTo(canonical);
        assertThat(index.list(Filter.ALL, 10, null).documents().getFirst().metadata()).isEqualTo(canonical);
        assertThat(index.metadataMapping().asMap()).containsEntry("year", dev.tessera.retrieval.document.MetadataType.INTEGER)
                .containsEntry("sizes", dev.tessera.retrieval.document.MetadataType.NUMBER)
                .containsEntry("tags", dev.tessera.retrieval.document.MetadataType.STRING);
    }

    @Test
    void aKeysTypeIsFixedByItsFirstUseAndAMismatchChangesNothing() {
        ingestor.ingestAll(CORPUS);
        assertThatThrownBy(() -> ingestor.ingest(new Document("bad", "t", "a year given as text", Map.of("year", "1962"))))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("metadata.year"));
        assertThatThrownBy(() -> ingestor.ingest(new Document("bl", "t", "replaces nothing", Map.of("topic", 7))))
                .isInstanceOf(InvalidRequestException.class)
                .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo("metadata.topic"));
        assertThat(index.get("bad")).isEmpty();
        assertThat(index.get("bl").orElseThrow().title()).isEqualTo("Boundary layers");
        // An integer is welcome under a number key, and is stored as a number.
        ingestor.ingest(new Document("n1", "t", "a ratio", Map.of("ratio", 0.5)));
        ingestor.ingest(new Document("n2", "t", "another ratio", Map.of("ratio", 2)));
        assertThat(index.get("n2").orElseThrow().metadata()).containsEntry("ratio", 2.0);
        assertThat(index.count(Filter.parse(Map.of("ratio", Map.of("gt", 1))))).isEqualTo(1);
    }

    @Test
    void everyOperatorSelectsWhatTheGrammarSays() {
        ingestor.ingestAll(CORPUS);
        Map<Object, Set<String>> cases = new java.util.LinkedHashMap<>();
        cases.put(Map.of("year", Map.of("gte", 1960)), Set.of("shock", "heat", "flutter", "buckle", "ablation"));
        cases.put(Map.of("year", Map.of("gt", 1961.5, "lt", 1963)), Set.of("shock", "heat"));
        cases.put(Map.of("year", Map.of("lte", 1955)), Set.of("wing", "jet"));
        cases.put(Map.of("topic", Map.of("ne", "heat")), Set.of("bl", "shock", "wing", "flutter", "buckle", "jet"));
        cases.put(Map.of("topic", Map.of("nin", List.of("heat", "flow"))), Set.of("wing", "flutter", "buckle", "jet"));
        cases.put(Map.of("topic", Map.of("in", List.of("noise", "wings"))), Set.of("wing", "jet"));
        cases.put(Map.of("topic", Map.of("contains", "uct")), Set.of("flutter", "buckle"));
        cases.put(Map.of("topic", Map.of("lt", "h")), Set.of("bl", "shock"));
        cases.put(Map.of("tags", Map.of("exists", true)), Set.of("wing", "jet"));
        cases.put(Map.of("tags", Map.of("exists", false)), Set.of("bl", "shock", "heat", "flutter", "buckle", "ablation"));
        cases.put(Map.of("tags", "drag"), Set.of("wing"));
        cases.put(Map.of("tags", Map.of("ne", "drag")), Set.of("bl", "shock", "heat", "flutter", "buckle", "jet", "ablation"));
        cases.put(Map.of("or", List.of(Map.of("topic", "noise"), Map.of("year", 1965))), Set.of("jet", "flutter"));
        cases.put(Map.of("not", Map.of("topic", List.of("flow", "heat", "structures"))), Set.of("wing", "jet"));
        cases.put(Map.of("and", List.of(Map.of("year", Map.of("gte", 1960)), Map.of("not", Map.of("topic", "heat")))),
                Set.of("shock", "flutter", "buckle"));
        cases.put(Map.of("nothing", Map.of("ne", "x")), Set.of("bl", "shock", "heat", "wing", "flutter", "buckle", "jet",
                "ablation"));
        cases.put(Map.of("nothing", "x"), Set.of());
        cases.forEach((json, want) -> {
            Filter filter = Filter.parse(json);
            assertThat(expected(filter, CORPUS)).as("the reference evaluator on " + json).isEqualTo(want);
            assertThat(countedAndListed(filter)).as("count and listing of " + json).isEqualTo(want);
            for (SearchMode mode : SearchMode.values()) {
                assertThat(docIds(mode, "flow heat wings noise shells plates", 100, filter)).as(mode + " " + json)
                        .allMatch(want::contains);
            }
            assertThat(index.searchVector(EMBEDDER.embed("flow", dev.tessera.retrieval.embed.Embedder.Role.QUERY), 1000,
                    filter).stream().map(ChunkHit::docId).collect(Collectors.toSet())).as("vector " + json).isEqualTo(want);
        });
    }

    @Test
    void filterOperandsThatDoNotFitTheKeysTypeAreRefusedByPath() {
        ingestor.ingestAll(CORPUS);
        Map<Object, String> cases = Map.of(
                Map.of("year", Map.of("gte", "1960")), "filter.year.gte",
                Map.of("and", List.of(Map.of("topic", "flow"), Map.of("topic", Map.of("gt", 3)))), "filter.and[1].topic.gt",
                Map.of("year", Map.of("contains", "19")), "filter.year.contains",
                Map.of("not", Map.of("tags", Map.of("in", List.of("x", 4)))), "filter.not.tags.in");
        cases.forEach((json, field) -> {
            Filter filter = Filter.parse(json);
            for (Runnable call : List.<Runnable>of(() -> index.count(filter), () -> index.list(filter, 5, null),
                    () -> index.searchText("flow", 5, filter), () -> index.delete(filter),
                    () -> index.searchVector(EMBEDDER.embed("flow", dev.tessera.retrieval.embed.Embedder.Role.QUERY), 5, filter))) {
                assertThatThrownBy(call::run).as(String.valueOf(json)).isInstanceOf(InvalidRequestException.class)
                        .satisfies(e -> assertThat(((InvalidRequestException) e).field()).isEqualTo(field));
            }
        });
        assertThat(index.count(Filter.ALL)).isEqualTo(CORPUS.size());
    }

    @Test
    void aFilteredVectorSearchFindsTheFewAllowedChunksInsideTheSearch() {
        List<Document> docs = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            docs.add(new Document("d" + i, "", "common words about flow and wings number " + i,
                    Map.of("rare", i == 137)));
        }
        ingestor.ingestAll(docs);
        // After-the-fact filtering of the top candidates would find nothing: the one allowed chunk is not near the query.
        List<ChunkHit> hits = index.searchVector(EMBEDDER.embed("supersonic heat", dev.tessera.retrieval.embed.Embedder.Role.QUERY),
                1, Filter.parse(Map.of("rare", true)));
        assertThat(hits).extracting(ChunkHit::docId).containsExactly("d137");
    }

    @Test
    void listingPagesInIdOrderAndItsCursorSurvivesWrites() {
        ingestor.ingestAll(CORPUS);
        DocumentPage first = index.list(Filter.ALL, 3, null);
        assertThat(first.documents()).extracting(StoredDocument::id).containsExactly("ablation", "bl", "buckle");
        assertThat(first.nextCursor()).isNotNull();
        // Others write between two pages: a document before the cursor, one after it, one deleted ahead.
        ingestor.ingest(new Document("aaa", "t", "before the cursor", Map.of()));
        ingestor.ingest(new Document("zzz", "t", "after the cursor", Map.of()));
        index.delete("jet");
        List<String> rest = new ArrayList<>();
        String cursor = first.nextCursor();
        while (cursor != null) {
            DocumentPage page = index.list(Filter.ALL, 3, cursor);
            page.documents().forEach(d -> rest.add(d.id()));
            cursor = page.nextCursor();
        }
        assertThat(rest).containsExactly("flutter", "heat", "shock", "wing", "zzz");
        DocumentPage all = index.list(Filter.parse(Map.of("topic", "heat")), 10, null);
        assertThat(all.documents()).extracting(StoredDocument::id).containsExactly("ablation", "heat");
        assertThat(all.nextCursor()).isNull();
    }

    @Test
    void deleteByFilterIsDurableAndDeletingAllClearsTheMapping() {
        ingestor.ingestAll(CORPUS);
        assertThat(index.delete(Filter.parse(Map.of("topic", "heat")))).isEqualTo(2);
        assertThat(index.get("heat")).isEmpty();
        assertThat(index.count(Filter.ALL)).isEqualTo(CORPUS.size() - 2);
        for (SearchMode mode : SearchMode.values()) {
            assertThat(docIds(mode, "heat shield reentry", 10, Filter.ALL)).as(mode.name()).doesNotContain("heat", "ablation");
        }
        assertThat(index.delete(Filter.parse(Map.of("topic", "nothing")))).isZero();
        assertThat(index.delete(Filter.ALL)).isEqualTo(CORPUS.size() - 2);
        assertThat(index.count(Filter.ALL)).isZero();
        assertThat(index.stats().chunks()).isZero();
        // The store is as new: a key may come back with another type (framework test suites do this).
        ingestor.ingest(new Document("again", "t", "year as text now", Map.of("year", "nineteen sixty")));
        assertThat(index.count(Filter.parse(Map.of("year", Map.of("contains", "sixty"))))).isEqualTo(1);
        assertThat(docIds(SearchMode.BM25, "text", 5, Filter.ALL)).containsExactly("again");
    }

    @Test
    void twoCollectionsWithTheSameDocumentIdStayIndependent() {
        DocumentIndex other = openEmptyIndex("contract-other", EMBEDDER.name(), DIM, VectorSimilarity.COSINE);
        try {
            DocumentIngestor otherIngestor = new DocumentIngestor(new TokenChunker(EMBEDDER.tokenizer(), 12, 2), EMBEDDER, other);
            ingestor.ingest(new Document("same", "Here", "the first collection's text about wings", Map.of("n", 1)));
            otherIngestor.ingest(new Document("same", "There", "the other collection's text about shells", Map.of("n", "x")));
            assertThat(index.get("same").orElseThrow().title()).isEqualTo("Here");
            assertThat(other.get("same").orElseThrow().title()).isEqualTo("There");
            assertThat(index.searchText("shells", 5, Filter.ALL)).isEmpty();
            assertThat(index.delete("same")).isTrue();
            assertThat(other.get("same")).isPresent();
            assertThat(other.count(Filter.parse(Map.of("n", "x")))).isEqualTo(1);
        } finally {
            other.close();
        }
    }

    @Test
    void clientVectorsAreSearchedUnderEachSimilarity() {
        float[][] stored = {{1, 0, 0}, {0.6f, 0.8f, 0}, {0, 0, 2}};
        float[] query = {2, 0, 0};
        for (VectorSimilarity similarity : VectorSimilarity.values()) {
            DocumentIndex vectors = openEmptyIndex("contract-" + similarity.jsonName(), "client", 3, similarity);
            try {
                List<IndexedDocument> docs = new ArrayList<>();
                for (int i = 0; i < stored.length; i++) {
                    docs.add(new IndexedDocument(new Document("v" + i, "", "vector " + i, Map.of("i", i)),
                            List.of(new Chunk(0, "vector " + i, 0, 8, 2)), List.of(stored[i])));
                }
                vectors.upsert(docs);
                List<ChunkHit> hits = vectors.searchVector(query, 3, Filter.ALL);
                assertThat(hits).extracting(ChunkHit::docId).as(similarity.name()).containsExactly("v0", "v1", "v2");
                float[] want = switch (similarity) {
                    case COSINE -> new float[] {1f, 0.6f, 0f};
                    case DOT -> new float[] {2f, 1.2f, 0f};
                    case EUCLIDEAN -> new float[] {1f / 2, 1f / (1 + 1.96f + 0.64f), 1f / 9};
                };
                for (int i = 0; i < 3; i++) {
                    assertThat(hits.get(i).score()).as(similarity + " score of v" + i)
                            .isCloseTo(want[i], org.assertj.core.data.Offset.offset(1e-4f));
                }
                float[] back = vectors.vectors(List.of("v1#0")).get("v1#0");
                assertThat(back).as(similarity.name()).containsExactly(stored[1], org.assertj.core.data.Offset.offset(1e-6f));
                assertThat(vectors.stats().similarity()).isEqualTo(similarity.jsonName());
            } finally {
                vectors.close();
            }
        }
    }

    @Test
    void randomFiltersSelectExactlyWhatTheReferenceEvaluatorSelects() {
        long seed = dev.tessera.retrieval.filter.RandomFilters.seed();
        java.util.Random random = new java.util.Random(seed);
        List<Document> docs = new ArrayList<>();
        String[] words = {"alpha", "bravo", "charlie", "delta"};
        for (int i = 0; i < 60; i++) {
            docs.add(new Document(String.format("r%02d", i), "", words[random.nextInt(4)] + " " + words[random.nextInt(4)]
                    + " record " + i, dev.tessera.retrieval.filter.RandomFilters.metadata(random)));
        }
        ingestor.ingestAll(docs);
        Set<String> alpha = docs.stream().filter(d -> d.text().contains("alpha")).map(Document::id)
                .collect(Collectors.toSet());
        float[] query = EMBEDDER.embed("record", dev.tessera.retrieval.embed.Embedder.Role.QUERY);
        for (int n = 0; n < 500; n++) {
            Object json = dev.tessera.retrieval.filter.RandomFilters.filter(random);
            String what = "seed " + Long.toHexString(seed) + " (-Dtests.seed=0x" + Long.toHexString(seed) + "), filter #"
                    + n + " " + json;
            Filter filter;
            try {
                filter = Filter.parse(json);
            } catch (InvalidRequestException e) {
                throw new AssertionError(what + ": " + e.getMessage(), e);
            }
            Set<String> want = expected(filter, docs);
            assertThat(new java.util.TreeSet<>(countedAndListed(filter))).as(what).isEqualTo(want);
            Set<String> vector = index.searchVector(query, 1000, filter).stream().map(ChunkHit::docId)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(vector).as("vector, " + what).isEqualTo(want);
            Set<String> wantAlpha = new java.util.TreeSet<>(want);
            wantAlpha.retainAll(alpha);
            Set<String> bm25 = index.searchText("alpha", 1000, filter).stream().map(ChunkHit::docId)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(bm25).as("bm25, " + what).isEqualTo(wantAlpha);
            DocumentIndex.HybridCandidates hybrid = index.searchHybrid("alpha", query, 1000, filter);
            Set<String> hybridLexical = hybrid.lexical().stream().map(ChunkHit::docId)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            Set<String> hybridDense = hybrid.dense().stream().map(ChunkHit::docId)
                    .collect(Collectors.toCollection(java.util.TreeSet::new));
            assertThat(hybridLexical).as("hybrid bm25, " + what).isEqualTo(wantAlpha);
            assertThat(hybridDense).as("hybrid vector, " + what).isEqualTo(want);
        }
    }
}
