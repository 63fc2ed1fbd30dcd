package dev.tessera.retrieval.index;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.FilterTypes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.KnnVectorValues;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.PostingsEnum;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.DocIdSetIterator;
import org.apache.lucene.search.ScoreMode;
import org.apache.lucene.search.Scorer;
import org.apache.lucene.search.Weight;
import org.apache.lucene.util.Bits;
import org.apache.lucene.util.FixedBitSet;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermRangeQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.highlight.Highlighter;
import org.apache.lucene.search.highlight.InvalidTokenOffsetsException;
import org.apache.lucene.search.highlight.QueryScorer;
import org.apache.lucene.search.highlight.SimpleHTMLEncoder;
import org.apache.lucene.search.highlight.SimpleHTMLFormatter;
import org.apache.lucene.search.highlight.SimpleSpanFragmenter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.QueryBuilder;
import org.apache.lucene.util.Version;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded index of one collection: one Lucene index under {@code <dir>/lucene} with a parent
 * record per document (full text, metadata, its id as doc values for listing in id order) followed
 * by one record per chunk (BM25 over title + text, the chunk vector). Parents and chunks both carry
 * the typed metadata fields of {@link LuceneMetadataFields}, so filters select documents (count,
 * list, delete) and chunks (search) alike. A document's records form one block, so replacing a
 * document is atomic. Every write is committed (fsync) before it returns; concurrent writers share
 * commits.
 *
 * <p>On-disk format version {@value #FORMAT_VERSION}, recorded with the embedding model, dimension,
 * similarity, vector engine and metadata mapping in the commit data; opening an index made for
 * another model fails loudly instead of mixing incomparable vectors. Format 1 (one untyped index
 * per data directory) is upgraded in place on open: every document is rewritten with typed
 * metadata from its stored vectors, nothing re-embedded.
 */
public final class LuceneDocumentIndex implements DocumentIndex {

    public static final int FORMAT_VERSION = 2;

    /** Candidates a vector search explores before keeping the best k (hnswlib's ef is the same). */
    static final int VECTOR_CANDIDATES = HnswlibVectors.EF_SEARCH;

    static final String DOC_ID = "doc_id";
    static final String KIND = "kind";
    static final String CHUNK_ID = "chunk_id";
    static final String ORDINAL = "ordinal";
    static final String START = "start";
    static final String END = "end";
    static final String TOKENS = "tokens";
    static final String TITLE = "title";
    static final String TEXT = "text";
    static final String CONTENT = "content";
    static final String METADATA = "metadata";
    /** Parents only: the document id as sorted doc values, the order of listings. */
    static final String DOC_KEY = "doc_key";
    static final String VECTOR = "vector";
    static final String VECTOR_RAW = "vector_raw";
    static final String SPANS = "spans";
    /** What a search hit reads: not the raw vector nor the span vectors, which only some callers need. */
    private static final Set<String> HIT_FIELDS = Set.of(DOC_ID, CHUNK_ID, ORDINAL, START, END, TITLE, TEXT, METADATA);
    private static final Set<String> HIT_FIELDS_AND_TOKENS = Set.of(DOC_ID, CHUNK_ID, ORDINAL, START, END, TITLE, TEXT,
            METADATA, TOKENS);
    /** hnswlib engine: chunk ids as doc values too, so a filtered search reads the allowed ids without stored fields. */
    static final String CHUNK_KEY = "chunk_key";
    /**
     * hnswlib engine: a filter allowing at most this many chunks is answered exactly (their vectors
     * scored one by one); above it the graph is searched deep enough for the filter's selectivity
     * and only allowed hits are kept.
     */
    static final int HNSW_EXACT_LIMIT = 5_000;
    private static final String KIND_DOC = "doc";
    private static final String KIND_CHUNK = "chunk";

    private static final String UD_FORMAT = "tessera.format";
    private static final String UD_MODEL = "tessera.embedding.model";
    private static final String UD_DIMENSION = "tessera.embedding.dimension";
    private static final String UD_ENGINE = "tessera.vector.engine";
    private static final String UD_SIMILARITY = "tessera.vector.similarity";
    private static final String UD_QUANTIZATION = "tessera.vector.quantization";
    private static final String UD_MAPPING = "tessera.metadata.mapping";
    private static final String UD_COMMIT = "tessera.commit";
    private static final String HNSW_FILE = "vectors.hnsw";
    private static final String HNSW_MARKER = "vectors.commit";
    /** Vectors handed to the hnswlib graph at once when it is rebuilt (inserted on every core). */
    private static final int HNSW_REBUILD_BATCH = 10_000;

    private static final Logger log = LoggerFactory.getLogger(LuceneDocumentIndex.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dataDir;
    private final Directory directory;
    private final Analyzer analyzer = new EnglishAnalyzer();
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final VectorEngine engine;
    private final VectorSimilarity similarity;
    private final VectorQuantization quantization;
    private final double oversample;
    private final MetadataMapping mapping;
    private final String model;
    private final int dimension;
    private final HnswlibVectors hnsw;
    private final DocumentLocks documentLocks = new DocumentLocks();
    private final Object commitLock = new Object();
    private long committedSeqNo = -1;
    private long commitCounter;

    private LuceneDocumentIndex(Path dataDir, String model, int dimension, VectorEngine engine,
                                VectorSimilarity similarity, VectorQuantization quantization, double oversample)
            throws IOException {
        VectorQuantization.check(quantization, engine, dimension);
        this.dataDir = dataDir;
        this.model = model;
        this.dimension = dimension;
        this.engine = engine;
        this.similarity = similarity;
        this.quantization = quantization;
        this.oversample = VectorQuantization.checkOversample(oversample);
        Path luceneDir = dataDir.resolve("lucene");
        Files.createDirectories(luceneDir);
        this.directory = FSDirectory.open(luceneDir);
        Map<String, String> existing = DirectoryReader.indexExists(directory)
                ? SegmentInfos.readLatestCommit(directory).getUserData()
                : Map.of();
        checkCompatible(existing);
        this.mapping = existing.containsKey(UD_MAPPING)
                ? MetadataMapping.fromJson(existing.get(UD_MAPPING))
                : new MetadataMapping();
        this.commitCounter = Long.parseLong(existing.getOrDefault(UD_COMMIT, "0"));
        KnnVectorsFormat vectorFormat = quantization.luceneFormat(dimension);
        IndexWriterConfig config = new IndexWriterConfig(analyzer)
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
                .setRAMBufferSizeMB(64)
                // Each segment records its vector format by name, so any reader opens it with the default codec.
                .setCodec(new PerFieldVectorsCodec(field -> vectorFormat));
        this.writer = new IndexWriter(directory, config);
        if (existing.isEmpty()) {
            commit(); // stamp the format, model and dimension on a new index
        }
        this.searchers = new SearcherManager(writer, null);
        if (!existing.isEmpty() && !existing.get(UD_FORMAT).equals(String.valueOf(FORMAT_VERSION))) {
            upgradeFromFormat1();
        }
        this.hnsw = engine == VectorEngine.HNSWLIB ? openHnsw() : null;
    }

    /**
     * Opens (or creates) the index under {@code dataDir}.
     *
     * @param model     name of the embedding model whose vectors go in
     * @param dimension its dimension
     */
    public static LuceneDocumentIndex open(Path dataDir, String model, int dimension, VectorEngine engine) {
        return open(dataDir, model, dimension, engine, VectorSimilarity.COSINE);
    }

    /**
     * Opens (or creates) the index under {@code dataDir}.
     *
     * @param model     the embedding model whose vectors go in, or a name for client-supplied vectors
     * @param dimension their dimension
     */
    public static LuceneDocumentIndex open(Path dataDir, String model, int dimension, VectorEngine engine,
                                           VectorSimilarity similarity) {
        return open(dataDir, model, dimension, engine, similarity, VectorQuantization.NONE, 1.0);
    }

    /**
     * Opens (or creates) the index under {@code dataDir}, its graph holding vectors quantised as given.
     *
     * @param oversample candidates drawn from a quantised graph per result kept, then rescored exactly
     */
    public static LuceneDocumentIndex open(Path dataDir, String model, int dimension, VectorEngine engine,
                                           VectorSimilarity similarity, VectorQuantization quantization,
                                           double oversample) {
        try {
            return new LuceneDocumentIndex(dataDir, model, dimension, engine, similarity, quantization, oversample);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the index under " + dataDir + ": " + e.getMessage(), e);
        }
    }

    private void checkCompatible(Map<String, String> data) {
        if (data.isEmpty()) {
            return;
        }
        String format = data.getOrDefault(UD_FORMAT, "?");
        if (!String.valueOf(FORMAT_VERSION).equals(format) && !"1".equals(format)) {
            throw new IllegalStateException("index under " + dataDir + " has format " + format
                    + "; this version reads format " + FORMAT_VERSION);
        }
        String storedModel = data.get(UD_MODEL);
        String storedDim = data.get(UD_DIMENSION);
        if (!model.equals(storedModel) || !String.valueOf(dimension).equals(storedDim)) {
            throw new IllegalStateException("index under " + dataDir + " holds vectors of model " + storedModel
                    + " (" + storedDim + "-d) but the configured model is " + model + " (" + dimension
                    + "-d); use another data dir or the same model");
        }
        String storedEngine = data.get(UD_ENGINE);
        if (!engine.name().equals(storedEngine)) {
            throw new IllegalStateException("index under " + dataDir + " was built for vector engine " + storedEngine
                    + " but " + engine + " is configured; use another data dir or the same engine");
        }
        String storedQuantization = data.getOrDefault(UD_QUANTIZATION, VectorQuantization.NONE.name()); // before 0.2: none
        if (!quantization.name().equals(storedQuantization)) {
            throw new IllegalStateException("index under " + dataDir + " holds vectors quantized as " + storedQuantization
                    + ", not " + quantization);
        }
        String storedSimilarity = data.getOrDefault(UD_SIMILARITY, VectorSimilarity.COSINE.name()); // format 1: cosine
        if (!similarity.name().equals(storedSimilarity)) {
            throw new IllegalStateException("index under " + dataDir + " compares vectors by " + storedSimilarity
                    + ", not " + similarity);
        }
    }

    // ---- writes -------------------------------------------------------------------------------

    @Override
    public void upsert(List<IndexedDocument> documents) {
        if (documents.isEmpty()) {
            return;
        }
        List<Map<String, Object>> typed = new ArrayList<>(documents.size());
        for (IndexedDocument doc : documents) {
            doc.requireDimension(dimension);
            typed.add(mapping.admit(Metadata.normalize(doc.document().metadata())));
        }
        try (DocumentLocks.Held held = documentLocks.lock(documents.stream().map(d -> d.document().id()).toList())) {
            long seqNo = -1;
            for (int i = 0; i < documents.size(); i++) {
                IndexedDocument doc = documents.get(i);
                seqNo = writer.updateDocuments(new Term(DOC_ID, doc.document().id()), block(doc, typed.get(i),
                        JSON.writeValueAsString(typed.get(i))));
            }
            commitThrough(seqNo);
            if (hnsw != null) {
                Map<String, float[]> vectors = new java.util.LinkedHashMap<>();
                for (IndexedDocument doc : documents) {
                    for (int i = 0; i < doc.chunks().size(); i++) {
                        vectors.put(chunkId(doc.document().id(), i), similarity.prepare(doc.vectors().get(i)));
                    }
                }
                hnsw.putAll(vectors);
                for (IndexedDocument doc : documents) {
                    removeHnswChunksFrom(doc.document().id(), doc.chunks().size());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("index write failed: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String documentId) {
        try (DocumentLocks.Held held = documentLocks.lock(List.of(documentId))) {
            if (withSearcher(searcher -> searcher.count(parentQuery(documentId))) == 0) {
                return false;
            }
            long seqNo = writer.deleteDocuments(new Term(DOC_ID, documentId));
            commitThrough(seqNo);
            if (hnsw != null) {
                removeHnswChunksFrom(documentId, 0);
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("index delete failed: " + e.getMessage(), e);
        }
    }

    private void removeHnswChunksFrom(String docId, int firstOrdinal) {
        for (int i = firstOrdinal; hnsw.contains(chunkId(docId, i)); i++) {
            hnsw.remove(chunkId(docId, i));
        }
    }


    /** Group commit: returns once a commit that includes {@code seqNo} is on disk. */
    private void commitThrough(long seqNo) throws IOException {
        synchronized (commitLock) {
            if (committedSeqNo < seqNo) {
                long committed = commit();
                committedSeqNo = Math.max(committed, seqNo);
            }
        }
        searchers.maybeRefreshBlocking();
    }

    private long commit() throws IOException {
        commitCounter++;
        Map<String, String> data = new LinkedHashMap<>();
        data.put(UD_FORMAT, String.valueOf(FORMAT_VERSION));
        data.put(UD_MODEL, model);
        data.put(UD_DIMENSION, String.valueOf(dimension));
        data.put(UD_ENGINE, engine.name());
        data.put(UD_SIMILARITY, similarity.name());
        data.put(UD_QUANTIZATION, quantization.name());
        data.put(UD_MAPPING, mapping.toJson());
        data.put(UD_COMMIT, String.valueOf(commitCounter));
        writer.setLiveCommitData(data.entrySet());
        return writer.commit();
    }

    /**
     * @param metadata     the typed metadata to index for filters
     * @param metadataJson the metadata to store (the same, except for keys an upgrade could not type)
     */
    private List<org.apache.lucene.document.Document> block(IndexedDocument indexed, Map<String, Object> metadata,
                                                            String metadataJson) {
        Document doc = indexed.document();
        List<org.apache.lucene.document.Document> block = new ArrayList<>(indexed.chunks().size() + 1);
        for (int i = 0; i < indexed.chunks().size(); i++) {
            Chunk chunk = indexed.chunks().get(i);
            org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
            d.add(new StringField(DOC_ID, doc.id(), Field.Store.YES));
            d.add(new StringField(KIND, KIND_CHUNK, Field.Store.NO));
            d.add(new StringField(CHUNK_ID, chunkId(doc.id(), i), Field.Store.YES));
            d.add(new StoredField(ORDINAL, i));
            d.add(new StoredField(START, chunk.start()));
            d.add(new StoredField(END, chunk.end()));
            d.add(new StoredField(TOKENS, chunk.tokens()));
            d.add(new StoredField(TITLE, doc.title()));
            d.add(new StoredField(TEXT, chunk.text()));
            // BM25 over title + text, concatenated as BEIR does. When the text already begins with the
            // title (Cranfield's abstracts do) the title counts twice, a boost that measured better
            // than counting it once (nDCG@10 0.363 vs 0.355 on Cranfield, docs/benchmarks.md).
            d.add(new TextField(CONTENT, doc.title().isEmpty() ? chunk.text() : doc.title() + "\n" + chunk.text(),
                    Field.Store.NO));
            LuceneMetadataFields.add(d, metadata);
            if (!metadataJson.equals("{}")) {
                d.add(new StoredField(METADATA, metadataJson));
            }
            SpanVectors spans = indexed.spansOf(i);
            if (spans != null) {
                d.add(new StoredField(SPANS, spans.encode()));
            }
            float[] vector = similarity.prepare(indexed.vectors().get(i));
            if (engine == VectorEngine.LUCENE) {
                d.add(new KnnFloatVectorField(VECTOR, vector, luceneFunction()));
            } else {
                d.add(new StoredField(VECTOR_RAW, toBytes(vector)));
                d.add(new SortedDocValuesField(CHUNK_KEY, new BytesRef(chunkId(doc.id(), i))));
            }
            block.add(d);
        }
        org.apache.lucene.document.Document parent = new org.apache.lucene.document.Document();
        parent.add(new StringField(DOC_ID, doc.id(), Field.Store.YES));
        parent.add(new StringField(KIND, KIND_DOC, Field.Store.NO));
        parent.add(new SortedDocValuesField(DOC_KEY, new BytesRef(doc.id())));
        parent.add(new StoredField(TITLE, doc.title()));
        parent.add(new StoredField(TEXT, doc.text()));
        parent.add(new StoredField(METADATA, metadataJson));
        LuceneMetadataFields.add(parent, metadata);
        block.add(parent);
        return block;
    }

    static String chunkId(String docId, int ordinal) {
        return docId + "#" + ordinal;
    }

    // ---- reads --------------------------------------------------------------------------------

    @Override
    public Optional<StoredDocument> get(String documentId) {
        return withSearcher(searcher -> {
            TopDocs parents = searcher.search(parentQuery(documentId), 1);
            if (parents.scoreDocs.length == 0) {
                return Optional.empty();
            }
            StoredFields fields = searcher.storedFields();
            org.apache.lucene.document.Document parent = fields.document(parents.scoreDocs[0].doc);
            Query chunkQuery = new BooleanQuery.Builder()
                    .add(new TermQuery(new Term(DOC_ID, documentId)), Occur.FILTER)
                    .add(new TermQuery(new Term(KIND, KIND_CHUNK)), Occur.FILTER)
                    .build();
            TopDocs chunkDocs = searcher.search(chunkQuery, Integer.MAX_VALUE);
            List<Chunk> chunks = new ArrayList<>();
            for (ScoreDoc sd : chunkDocs.scoreDocs) {
                org.apache.lucene.document.Document d = fields.document(sd.doc, HIT_FIELDS_AND_TOKENS);
                chunks.add(new Chunk(d.getField(ORDINAL).numericValue().intValue(), d.get(TEXT),
                        d.getField(START).numericValue().intValue(), d.getField(END).numericValue().intValue(),
                        d.getField(TOKENS).numericValue().intValue()));
            }
            chunks.sort(Comparator.comparingInt(Chunk::ordinal));
            Map<String, Object> metadata = Metadata.fromJson(parent.get(METADATA));
            return Optional.of(new StoredDocument(documentId, parent.get(TITLE), parent.get(TEXT), metadata, chunks));
        });
    }

    private static Query parentQuery(String documentId) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(DOC_ID, documentId)), Occur.FILTER)
                .add(new TermQuery(new Term(KIND, KIND_DOC)), Occur.FILTER)
                .build();
    }

    @Override
    public List<ChunkHit> searchText(String query, int k, Filter filter) {
        Query where = filterQuery(filter, KIND_CHUNK);
        try {
            Query text = new QueryBuilder(analyzer).createBooleanQuery(CONTENT, query, Occur.SHOULD);
            if (text == null) {
                return List.of(); // nothing left after analysis, e.g. only stop words
            }
            Query q = new BooleanQuery.Builder().add(text, Occur.MUST).add(where, Occur.FILTER).build();
            return withSearcher(searcher -> toHits(searcher, searcher.search(q, k).scoreDocs, null));
        } catch (IndexSearcher.TooManyClauses e) {
            throw tooManyClauses(filter);
        }
    }

    /** {@link Bm25Bound} from this index's term statistics on the chunks' BM25 field. */
    @Override
    public double lexicalBound(String query) {
        Query text = new QueryBuilder(analyzer).createBooleanQuery(CONTENT, query, Occur.SHOULD);
        if (text == null) {
            return 0;
        }
        List<Term> terms = new ArrayList<>();
        text.visit(new org.apache.lucene.search.QueryVisitor() {
            @Override
            public void consumeTerms(Query q, Term... found) {
                terms.addAll(List.of(found));
            }

            @Override
            public org.apache.lucene.search.QueryVisitor getSubVisitor(Occur occur, Query parent) {
                return this;
            }
        });
        return withSearcher(searcher -> {
            var stats = searcher.collectionStatistics(CONTENT);
            if (stats == null) {
                return 0.0;
            }
            var reader = searcher.getIndexReader();
            return Bm25Bound.of(terms, stats.docCount(), t -> {
                try {
                    return reader.docFreq(t);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        });
    }

    @Override
    public List<ChunkHit> searchVector(float[] vector, int k, Filter filter) {
        return searchVectorAtDepth(vector, k, filter, oversample);
    }

    /**
     * A vector search that explores {@code oversample} × the usual candidates per graph: for quantised
     * graphs that many are rescored exactly, for float32 the search simply goes deeper. Collections use
     * their own oversample; this form is for measuring recall against exploration depth.
     */
    public List<ChunkHit> searchVector(float[] vector, int k, Filter filter, double oversample) {
        if (hnsw != null) {
            throw new IllegalStateException("hnswlib indexes have a fixed search depth");
        }
        return searchVectorAtDepth(vector, k, filter, VectorQuantization.checkOversample(oversample));
    }

    private List<ChunkHit> searchVectorAtDepth(float[] vector, int k, Filter filter, double depth) {
        Query where = filterQuery(filter, KIND_CHUNK);
        try {
            return searchVectorUnchecked(similarity.prepare(vector), k, filter, where, depth);
        } catch (IndexSearcher.TooManyClauses e) {
            throw tooManyClauses(filter);
        }
    }

    /** Lucene's clause limit, reported as the client error it is, blaming the filter when it alone is too large. */
    private static InvalidRequestException tooManyClauses(Filter filter) {
        int max = IndexSearcher.getMaxClauseCount();
        return filter.matchesAll()
                ? new InvalidRequestException("query", "the query has too many terms: at most " + max)
                : new InvalidRequestException("filter", "the filter and query have too many clauses together: at most "
                        + max);
    }

    /** The records of one kind that a filter selects; checks the filter's operands against the mapping first. */
    private Query filterQuery(Filter filter, String kind) {
        FilterTypes.check(filter, mapping);
        Query kindQuery = new TermQuery(new Term(KIND, kind));
        if (filter.matchesAll()) {
            return kindQuery;
        }
        return new BooleanQuery.Builder().add(kindQuery, Occur.FILTER)
                .add(LuceneMetadataFields.query(filter, mapping), Occur.FILTER).build();
    }

    private VectorSimilarityFunction luceneFunction() {
        return switch (similarity) {
            case COSINE -> VectorSimilarityFunction.DOT_PRODUCT; // on vectors normalised on the way in
            case DOT -> VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
            case EUCLIDEAN -> VectorSimilarityFunction.EUCLIDEAN;
        };
    }

    private List<ChunkHit> searchVectorUnchecked(float[] vector, int k, Filter filter, Query where, double depth) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("query vector has " + vector.length + " dimensions, index has " + dimension);
        }
        if (hnsw != null) {
            return searchHnsw(vector, k, filter, where);
        }
        // Explore at least VECTOR_CANDIDATES per graph (like hnswlib's ef) and keep the best k:
        // asking Lucene for exactly k gives poor recall for small k on large indexes. The filter runs
        // inside the graph search (Lucene falls back to exact search when it selects few chunks).
        return searchLucene(vector, k, filter, where, depth);
    }

    private List<ChunkHit> searchLucene(float[] vector, int k, Filter filter, Query where, double oversample) {
        int candidates = Math.max(k, VECTOR_CANDIDATES);
        // Only chunk records carry vectors, so an unfiltered search needs no filter. With one, Lucene
        // builds a bit set of every chunk per search and, the chunks being half of the records, takes
        // its filtered-graph path: slower, with lower recall (docs/benchmarks.md, at a million).
        if (filter.matchesAll()) {
            where = null;
        }
        if (quantization == VectorQuantization.NONE) {
            Query q = new KnnFloatVectorQuery(VECTOR, vector, (int) Math.ceil(candidates * oversample), where);
            return withSearcher(searcher -> toHits(searcher, searcher.search(q, k).scoreDocs, similarity::fromLuceneScore));
        }
        // The graph ranks by the quantised codes: draw oversample × candidates of them, then rescore those
        // on the float vectors and keep the best k.
        int drawn = (int) Math.ceil(candidates * oversample);
        Query q = new KnnFloatVectorQuery(VECTOR, vector, drawn, where);
        return withSearcher(searcher -> toHits(searcher, rescored(searcher, searcher.search(q, drawn).scoreDocs, vector, k),
                similarity::fromLuceneScore));
    }

    /**
     * The hits rescored exactly: each candidate's float vector (kept on disk beside its codes) compared
     * with the query by the field's own function, so scores are what a float32 graph would give.
     * (Lucene's RescoreTopNQuery fails on an empty candidate list, which a filter can produce.)
     */
    private ScoreDoc[] rescored(IndexSearcher searcher, ScoreDoc[] approximate, float[] query, int k) throws IOException {
        ScoreDoc[] byDoc = approximate.clone();
        Arrays.sort(byDoc, Comparator.comparingInt(d -> d.doc));
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        VectorSimilarityFunction function = luceneFunction();
        List<ScoreDoc> exact = new ArrayList<>(byDoc.length);
        int leafOrd = -1;
        FloatVectorValues values = null;
        KnnVectorValues.DocIndexIterator it = null;
        for (ScoreDoc d : byDoc) {
            int ord = ReaderUtil.subIndex(d.doc, leaves);
            if (ord != leafOrd) {
                leafOrd = ord;
                values = leaves.get(ord).reader().getFloatVectorValues(VECTOR);
                it = values == null ? null : values.iterator();
            }
            int local = d.doc - leaves.get(ord).docBase;
            if (it == null || it.advance(local) != local) {
                continue; // no vector (cannot happen for a vector hit, but never guess a score)
            }
            exact.add(new ScoreDoc(d.doc, function.compare(query, values.vectorValue(it.index()))));
        }
        exact.sort(Comparator.comparingDouble((ScoreDoc d) -> -d.score).thenComparingInt(d -> d.doc));
        return exact.subList(0, Math.min(k, exact.size())).toArray(ScoreDoc[]::new);
    }

    private List<ChunkHit> searchHnsw(float[] vector, int k, Filter filter, Query where) {
        if (filter.matchesAll()) {
            return hitsForChunkIds(hnsw.nearest(vector, k));
        }
        // hnswlib has no filtered search: score the allowed chunks exactly when they are few,
        // otherwise search the graph deep enough for the filter's selectivity and keep allowed hits.
        List<HnswlibVectors.Scored> kept = withSearcher(searcher -> {
            Weight weight = searcher.createWeight(searcher.rewrite(where), ScoreMode.COMPLETE_NO_SCORES, 1);
            int allowed = searcher.count(where);
            if (allowed == 0) {
                return List.of();
            }
            if (allowed <= HNSW_EXACT_LIMIT) {
                List<HnswlibVectors.Scored> scored = new ArrayList<>(allowed);
                ChunkKeys keys = new ChunkKeys();
                forEachMatch(searcher, weight, (leaf, doc) -> {
                    String id = keys.chunkId(leaf, doc);
                    hnsw.vector(id).ifPresent(v -> scored.add(new HnswlibVectors.Scored(id, hnsw.score(vector, v))));
                });
                scored.sort(Comparator.comparingDouble(HnswlibVectors.Scored::score).reversed());
                return scored.subList(0, Math.min(k, scored.size()));
            }
            FixedBitSet allowedDocs = new FixedBitSet(searcher.getIndexReader().maxDoc());
            forEachMatch(searcher, weight, (leaf, doc) -> allowedDocs.set(leaf.docBase + doc));
            ChunkDocs chunkDocs = new ChunkDocs(searcher.getIndexReader().leaves());
            double selectivity = (double) allowed / Math.max(1, hnsw.size());
            for (int depth = (int) Math.min(hnsw.size(), Math.max(HnswlibVectors.EF_SEARCH,
                    Math.ceil(2 * k / selectivity))); ; depth = (int) Math.min(hnsw.size(), 4L * depth)) {
                List<HnswlibVectors.Scored> out = new ArrayList<>(k);
                for (HnswlibVectors.Scored candidate : hnsw.nearest(vector, depth)) {
                    int doc = chunkDocs.find(candidate.id());
                    if (doc >= 0 && allowedDocs.get(doc)) {
                        out.add(candidate);
                        if (out.size() == k) {
                            break;
                        }
                    }
                }
                if (out.size() >= k || depth >= hnsw.size()) {
                    return out;
                }
            }
        });
        return hitsForChunkIds(kept);
    }

    private interface MatchConsumer {
        void accept(LeafReaderContext leaf, int doc) throws IOException;
    }

    /** Every live document the weight matches, segment by segment. */
    private static void forEachMatch(IndexSearcher searcher, Weight weight, MatchConsumer consumer) throws IOException {
        for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
            Scorer scorer = weight.scorer(leaf);
            if (scorer == null) {
                continue;
            }
            Bits live = leaf.reader().getLiveDocs();
            DocIdSetIterator it = scorer.iterator();
            for (int doc = it.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = it.nextDoc()) {
                if (live == null || live.get(doc)) {
                    consumer.accept(leaf, doc);
                }
            }
        }
    }

    /** Chunk records' ids in doc order: from doc values where the index has them, else from stored fields. */
    private static final class ChunkKeys {
        private LeafReaderContext leaf;
        private SortedDocValues keys;

        String chunkId(LeafReaderContext at, int doc) throws IOException {
            if (at != leaf) { // doc values iterate forwards: one per segment, docs in increasing order
                leaf = at;
                keys = at.reader().getSortedDocValues(CHUNK_KEY);
            }
            if (keys != null && keys.advanceExact(doc)) {
                return keys.lookupOrd(keys.ordValue()).utf8ToString();
            }
            return at.reader().storedFields().document(doc, Set.of(CHUNK_ID)).get(CHUNK_ID);
        }
    }

    /** Chunk id to live top-level doc, one terms-dictionary seek per segment, for one search. */
    private static final class ChunkDocs {
        private final List<LeafReaderContext> leaves;
        private final TermsEnum[] terms;
        private PostingsEnum postings;

        ChunkDocs(List<LeafReaderContext> leaves) throws IOException {
            this.leaves = leaves;
            this.terms = new TermsEnum[leaves.size()];
            for (int i = 0; i < leaves.size(); i++) {
                Terms t = leaves.get(i).reader().terms(CHUNK_ID);
                terms[i] = t == null ? null : t.iterator();
            }
        }

        /** @return the top-level doc of the live record with this chunk id, or -1 */
        int find(String chunkId) throws IOException {
            BytesRef term = new BytesRef(chunkId);
            for (int i = leaves.size() - 1; i >= 0; i--) { // newest segments last: a replaced chunk lives there
                if (terms[i] == null || !terms[i].seekExact(term)) {
                    continue;
                }
                postings = terms[i].postings(postings, PostingsEnum.NONE);
                Bits live = leaves.get(i).reader().getLiveDocs();
                for (int doc = postings.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = postings.nextDoc()) {
                    if (live == null || live.get(doc)) {
                        return leaves.get(i).docBase + doc;
                    }
                }
            }
            return -1;
        }
    }

    private List<ChunkHit> hitsForChunkIds(List<HnswlibVectors.Scored> scored) {
        if (scored.isEmpty()) {
            return List.of();
        }
        Map<String, Float> scores = new HashMap<>();
        scored.forEach(s -> scores.put(s.id(), s.score()));
        List<BytesRef> terms = scored.stream().map(s -> new BytesRef(s.id())).toList();
        List<ChunkHit> hits = withSearcher(searcher -> {
            TopDocs docs = searcher.search(new TermInSetQuery(CHUNK_ID, terms), scored.size());
            List<ChunkHit> out = toHits(searcher, docs.scoreDocs, null);
            return out.stream().map(h -> h.withScore(scores.get(h.chunkId()))).toList();
        });
        // A chunk deleted after the graph search is simply absent.
        return hits.stream().sorted(Comparator.comparingDouble(ChunkHit::score).reversed()).toList();
    }

    private interface ScoreMap {
        float apply(float luceneScore);
    }

    private List<ChunkHit> toHits(IndexSearcher searcher, ScoreDoc[] docs, ScoreMap scoreMap) throws IOException {
        StoredFields fields = searcher.storedFields();
        List<ChunkHit> hits = new ArrayList<>(docs.length);
        for (ScoreDoc sd : docs) {
            org.apache.lucene.document.Document d = fields.document(sd.doc, HIT_FIELDS);
            float score = scoreMap == null ? sd.score : scoreMap.apply(sd.score);
            String meta = d.get(METADATA);
            Map<String, Object> metadata = meta == null ? Map.of() : Metadata.fromJson(meta);
            hits.add(new ChunkHit(d.get(DOC_ID), d.get(CHUNK_ID), d.getField(ORDINAL).numericValue().intValue(), score,
                    d.get(TITLE), d.get(TEXT), d.getField(START).numericValue().intValue(),
                    d.getField(END).numericValue().intValue(), List.of(), metadata));
        }
        return hits;
    }

    // ---- documents by filter ------------------------------------------------------------------

    @Override
    public long count(Filter filter) {
        Query q = filterQuery(filter, KIND_DOC);
        return withSearcher(searcher -> (long) searcher.count(q));
    }

    @Override
    public DocumentPage list(Filter filter, int limit, String cursor) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        Query where = filterQuery(filter, KIND_DOC);
        Query q = cursor == null ? where : new BooleanQuery.Builder().add(where, Occur.FILTER)
                .add(TermRangeQuery.newStringRange(DOC_ID, cursor, null, false, false), Occur.FILTER).build();
        List<String> ids = withSearcher(searcher -> {
            TopDocs top = searcher.search(q, limit + 1, new Sort(new SortField(DOC_KEY, SortField.Type.STRING)));
            List<String> out = new ArrayList<>(top.scoreDocs.length);
            for (ScoreDoc sd : top.scoreDocs) { // the sort value is the id: no stored-field read
                out.add(((BytesRef) ((org.apache.lucene.search.FieldDoc) sd).fields[0]).utf8ToString());
            }
            return out;
        });
        return DocumentPage.of(ids, limit, this::get);
    }

    @Override
    public long delete(Filter filter) {
        if (filter.matchesAll()) {
            return deleteAll();
        }
        Query where = filterQuery(filter, KIND_DOC);
        List<String> ids = withSearcher(searcher -> {
            List<String> out = new ArrayList<>();
            StoredFields fields = searcher.storedFields();
            for (ScoreDoc sd : searcher.search(where, Integer.MAX_VALUE).scoreDocs) {
                out.add(fields.document(sd.doc, Set.of(DOC_ID)).get(DOC_ID));
            }
            return out;
        });
        if (ids.isEmpty()) {
            return 0;
        }
        try (DocumentLocks.Held held = documentLocks.lock(ids)) {
            long seqNo = -1;
            for (String id : ids) {
                seqNo = writer.deleteDocuments(new Term(DOC_ID, id));
            }
            commitThrough(seqNo);
            if (hnsw != null) {
                ids.forEach(id -> removeHnswChunksFrom(id, 0));
            }
            return ids.size();
        } catch (IOException e) {
            throw new UncheckedIOException("index delete failed: " + e.getMessage(), e);
        }
    }

    /** Every document, and the mapping with them: a later document may use a key with another type. */
    private long deleteAll() {
        synchronized (commitLock) {
            try {
                long before = count(Filter.ALL);
                writer.deleteAll();
                mapping.clear();
                committedSeqNo = commit();
                searchers.maybeRefreshBlocking();
                if (hnsw != null) {
                    hnsw.clear();
                }
                return before;
            } catch (IOException e) {
                throw new UncheckedIOException("index delete failed: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public Map<String, float[]> vectors(List<String> chunkIds) {
        Map<String, float[]> out = new LinkedHashMap<>();
        if (chunkIds.isEmpty()) {
            return out;
        }
        if (hnsw != null) {
            chunkIds.forEach(id -> hnsw.vector(id).ifPresent(v -> out.put(id, v.clone())));
            return out;
        }
        forEachChunkRecord(chunkIds, Set.of(CHUNK_ID), (searcher, doc, stored) -> {
            float[] v = luceneVector(searcher, doc);
            if (v != null) {
                out.put(stored.get(CHUNK_ID), v);
            }
        });
        return out;
    }

    @Override
    public Map<String, SpanVectors> spanVectors(List<String> chunkIds) {
        Map<String, SpanVectors> out = new LinkedHashMap<>();
        if (chunkIds.isEmpty()) {
            return out;
        }
        forEachChunkRecord(chunkIds, Set.of(CHUNK_ID, SPANS), (searcher, doc, stored) -> {
            BytesRef bytes = stored.getBinaryValue(SPANS);
            if (bytes != null) {
                out.put(stored.get(CHUNK_ID), SpanVectors.decode(BytesRef.deepCopyOf(bytes).bytes));
            }
        });
        return out;
    }

    /** What to do with one chunk record found by id: its searcher, top-level doc and the stored fields asked for. */
    private interface ChunkRecordVisitor {
        void visit(IndexSearcher searcher, int doc, org.apache.lucene.document.Document stored) throws IOException;
    }

    /** Visits the chunk records among {@code chunkIds} (one term-set query), reading only {@code fields}. */
    private void forEachChunkRecord(List<String> chunkIds, Set<String> fields, ChunkRecordVisitor visitor) {
        List<BytesRef> terms = chunkIds.stream().map(BytesRef::new).toList();
        withSearcher(searcher -> {
            TopDocs docs = searcher.search(new TermInSetQuery(CHUNK_ID, terms), chunkIds.size());
            for (ScoreDoc sd : docs.scoreDocs) {
                visitor.visit(searcher, sd.doc, searcher.storedFields().document(sd.doc, fields));
            }
            return null;
        });
    }

    /** The vector of one chunk record from Lucene's vector values; {@code doc} is top-level. */
    private static float[] luceneVector(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves));
        FloatVectorValues values = leaf.reader().getFloatVectorValues(VECTOR);
        if (values == null) {
            return null;
        }
        KnnVectorValues.DocIndexIterator it = values.iterator();
        int target = doc - leaf.docBase;
        return it.advance(target) == target ? values.vectorValue(it.index()).clone() : null;
    }

    @Override
    public MetadataMapping metadataMapping() {
        return mapping;
    }

    @Override
    public List<ChunkHit> highlight(String query, List<ChunkHit> hits) {
        Query q;
        try {
            q = new QueryBuilder(analyzer).createBooleanQuery(TEXT, query, Occur.SHOULD);
        } catch (IndexSearcher.TooManyClauses e) {
            throw new InvalidRequestException("query", "the query has too many terms: at most "
                    + IndexSearcher.getMaxClauseCount());
        }
        if (q == null) {
            return hits;
        }
        QueryScorer scorer = new QueryScorer(q, TEXT);
        Highlighter highlighter = new Highlighter(new SimpleHTMLFormatter("<em>", "</em>"), new SimpleHTMLEncoder(), scorer);
        highlighter.setTextFragmenter(new SimpleSpanFragmenter(scorer, 160));
        List<ChunkHit> out = new ArrayList<>(hits.size());
        for (ChunkHit hit : hits) {
            try (TokenStream tokens = analyzer.tokenStream(TEXT, hit.text())) {
                String[] fragments = highlighter.getBestFragments(tokens, hit.text(), 3);
                out.add(hit.withHighlights(Arrays.asList(fragments)));
            } catch (IOException | InvalidTokenOffsetsException e) {
                out.add(hit);
            }
        }
        return out;
    }

    @Override
    public int forceMerge(int maxSegments) {
        DocumentIndex.checkMaxSegments(maxSegments);
        try {
            writer.forceMerge(maxSegments, true);
            synchronized (commitLock) {
                committedSeqNo = Math.max(committedSeqNo, commit());
            }
            searchers.maybeRefreshBlocking();
            return withSearcher(searcher -> searcher.getIndexReader().leaves().size());
        } catch (IOException e) {
            throw new UncheckedIOException("merging the index failed: " + e.getMessage(), e);
        }
    }

    @Override
    public IndexStats stats() {
        return withSearcher(searcher -> {
            int docs = searcher.count(new TermQuery(new Term(KIND, KIND_DOC)));
            int chunks = searcher.count(new TermQuery(new Term(KIND, KIND_CHUNK)));
            long vectors = hnsw != null ? hnsw.size() : chunks;
            int segments = searcher.getIndexReader().leaves().size();
            return new IndexStats(docs, chunks, vectors, segments, sizeOnDisk(), engine.name().toLowerCase(),
                    model, dimension, similarity.jsonName(), FORMAT_VERSION, Version.LATEST.toString(),
                    vectorParameters());
        });
    }

    /** The graph parameters in force: hnswlib's are ours, Lucene's are its codec defaults (the index does not override them). */
    private Map<String, Integer> vectorParameters() {
        Map<String, Integer> p = new LinkedHashMap<>();
        if (engine == VectorEngine.HNSWLIB) {
            p.put("m", HnswlibVectors.M);
            p.put("ef_construction", HnswlibVectors.EF_CONSTRUCTION);
            p.put("ef_search", HnswlibVectors.EF_SEARCH);
        } else {
            p.put("m", Lucene99HnswVectorsFormat.DEFAULT_MAX_CONN);
            p.put("beam_width", Lucene99HnswVectorsFormat.DEFAULT_BEAM_WIDTH);
            p.put("candidates", VECTOR_CANDIDATES);
        }
        return p;
    }

    /** The index's own files: the data directory also holds models and bulk spools, which are not the index. */
    private long sizeOnDisk() {
        long total = 0;
        for (String part : List.of("lucene", "hnsw")) {
            Path dir = dataDir.resolve(part);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(dir)) {
                total += files.filter(Files::isRegularFile).mapToLong(p -> {
                    try {
                        return Files.size(p);
                    } catch (IOException e) {
                        return 0; // a file merged away while we walked
                    }
                }).sum();
            } catch (IOException | UncheckedIOException e) {
                return -1;
            }
        }
        return total;
    }

    private interface SearcherWork<T> {
        T run(IndexSearcher searcher) throws IOException;
    }

    private <T> T withSearcher(SearcherWork<T> work) {
        try {
            IndexSearcher searcher = searchers.acquire();
            try {
                return work.run(searcher);
            } finally {
                searchers.release(searcher);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("index read failed: " + e.getMessage(), e);
        }
    }

    // ---- upgrade --------------------------------------------------------------------------------

    /**
     * Rewrites a format-1 index (metadata as untyped strings, no listing order) as format 2 from
     * what it stores: texts, chunks and vectors are kept, nothing is re-embedded. Metadata types
     * come from first use in id order; a value that conflicts with its key's type stays stored but
     * is not indexed for filters (logged).
     */
    private void upgradeFromFormat1() throws IOException {
        long started = System.nanoTime();
        int documents = 0;
        int untyped = 0;
        IndexSearcher searcher = searchers.acquire();
        try {
            StoredFields fields = searcher.storedFields();
            // Format 1 has no sortable id: order the parents by id here, so types come from first use in id order.
            ScoreDoc[] parents = searcher.search(new TermQuery(new Term(KIND, KIND_DOC)), Integer.MAX_VALUE).scoreDocs;
            Map<String, Integer> byId = new java.util.TreeMap<>();
            for (ScoreDoc p : parents) {
                byId.put(fields.document(p.doc, Set.of(DOC_ID)).get(DOC_ID), p.doc);
            }
            for (int parentDoc : byId.values()) {
                ScoreDoc p = new ScoreDoc(parentDoc, 0);
                org.apache.lucene.document.Document parent = fields.document(p.doc);
                String id = parent.get(DOC_ID);
                Map<String, Object> raw = JSON.readValue(parent.get(METADATA), new TypeReference<LinkedHashMap<String, Object>>() {});
                Map<String, Object> typed = mapping.admitTypable(raw, (key, conflict) -> log.warn(
                        "upgrade: document {} keeps metadata '{}' stored but not filterable: {}", id, key,
                        conflict.getMessage()));
                untyped += raw.size() - typed.size(); // every other key is typed
                Map<String, Object> stored = new LinkedHashMap<>(raw);
                stored.putAll(typed);
                Query chunkQuery = new BooleanQuery.Builder()
                        .add(new TermQuery(new Term(DOC_ID, id)), Occur.FILTER)
                        .add(new TermQuery(new Term(KIND, KIND_CHUNK)), Occur.FILTER).build();
                List<Chunk> chunks = new ArrayList<>();
                List<float[]> vectors = new ArrayList<>();
                ScoreDoc[] chunkDocs = searcher.search(chunkQuery, Integer.MAX_VALUE).scoreDocs;
                java.util.Arrays.sort(chunkDocs, Comparator.comparingInt((ScoreDoc sd) -> {
                    try {
                        return fields.document(sd.doc, Set.of(ORDINAL)).getField(ORDINAL).numericValue().intValue();
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }));
                for (ScoreDoc sd : chunkDocs) {
                    org.apache.lucene.document.Document d = fields.document(sd.doc);
                    chunks.add(new Chunk(d.getField(ORDINAL).numericValue().intValue(), d.get(TEXT),
                            d.getField(START).numericValue().intValue(), d.getField(END).numericValue().intValue(),
                            d.getField(TOKENS).numericValue().intValue()));
                    BytesRef raw32 = d.getBinaryValue(VECTOR_RAW);
                    vectors.add(raw32 != null ? fromBytes(raw32) : luceneVector(searcher, sd.doc));
                }
                Document doc = new Document(id, parent.get(TITLE), parent.get(TEXT), raw);
                writer.updateDocuments(new Term(DOC_ID, id), block(new IndexedDocument(doc, chunks, vectors), typed,
                        JSON.writeValueAsString(stored)));
                documents++;
            }
        } finally {
            searchers.release(searcher);
        }
        synchronized (commitLock) {
            committedSeqNo = commit();
        }
        searchers.maybeRefreshBlocking();
        log.info("upgraded the index under {} from format 1 to {}: {} documents rewritten ({} metadata values left"
                + " unfiltered) in {} ms, nothing re-embedded", dataDir, FORMAT_VERSION, documents, untyped,
                (System.nanoTime() - started) / 1_000_000);
    }

    // ---- hnswlib engine -----------------------------------------------------------------------

    /**
     * Loads the hnswlib snapshot when it was saved at the current Lucene commit; otherwise (first
     * start, or a crash since the last clean shutdown) rebuilds it from the vectors in Lucene.
     */
    private HnswlibVectors openHnsw() throws IOException {
        Path dir = dataDir.resolve("hnsw");
        Path file = dir.resolve(HNSW_FILE);
        Path marker = dir.resolve(HNSW_MARKER);
        if (Files.isRegularFile(file) && Files.isRegularFile(marker)
                && Files.readString(marker).strip().equals(String.valueOf(commitCounter))) {
            try {
                return HnswlibVectors.load(file, dimension, similarity);
            } catch (IOException | RuntimeException e) {
                log.warn("hnsw snapshot unreadable ({}); rebuilding from the Lucene index", e.getMessage());
            }
        }
        Files.deleteIfExists(marker);
        long started = System.nanoTime();
        HnswlibVectors vectors = HnswlibVectors.empty(dimension, 1024, similarity);
        Map<String, float[]> batch = new java.util.LinkedHashMap<>();
        IndexSearcher searcher = searchers.acquire();
        try {
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                LeafReader reader = leaf.reader();
                StoredFields fields = reader.storedFields();
                var live = reader.getLiveDocs();
                for (int d = 0; d < reader.maxDoc(); d++) {
                    if (live != null && !live.get(d)) {
                        continue;
                    }
                    org.apache.lucene.document.Document doc = fields.document(d, Set.of(CHUNK_ID, VECTOR_RAW));
                    BytesRef raw = doc.getBinaryValue(VECTOR_RAW);
                    if (raw != null) {
                        batch.put(doc.get(CHUNK_ID), fromBytes(raw));
                        if (batch.size() == HNSW_REBUILD_BATCH) {
                            vectors.putAll(batch);
                            batch.clear();
                        }
                    }
                }
            }
            vectors.putAll(batch);
        } finally {
            searchers.release(searcher);
        }
        log.info("rebuilt hnsw graph of {} vectors from the Lucene index in {} ms", vectors.size(),
                (System.nanoTime() - started) / 1_000_000);
        return vectors;
    }

    private void saveHnsw() throws IOException {
        Path dir = dataDir.resolve("hnsw");
        hnsw.save(dir.resolve(HNSW_FILE));
        Files.writeString(dir.resolve(HNSW_MARKER), String.valueOf(commitCounter));
    }

    private static byte[] toBytes(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    private static float[] fromBytes(BytesRef raw) {
        float[] v = new float[raw.length / Float.BYTES];
        ByteBuffer.wrap(raw.bytes, raw.offset, raw.length).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }

    public VectorEngine engine() {
        return engine;
    }

    public VectorQuantization quantization() {
        return quantization;
    }

    /**
     * Bytes of the vector structures a search reads from the page cache, by file extension, summed over
     * segments as Lucene's readers report them: {@code vec} float vectors, {@code veq}/{@code veb}
     * quantised codes, {@code vex} the graph. A quantised graph's search touches the codes and the graph,
     * and the float vectors only for the candidates it rescores.
     */
    public Map<String, Long> vectorBytes() {
        return withSearcher(searcher -> {
            Map<String, Long> total = new java.util.TreeMap<>();
            for (LeafReaderContext leaf : searcher.getIndexReader().leaves()) {
                if (org.apache.lucene.index.FilterLeafReader.unwrap(leaf.reader())
                        instanceof org.apache.lucene.index.CodecReader codec && codec.getVectorReader() != null) {
                    var field = codec.getFieldInfos().fieldInfo(VECTOR);
                    if (field != null && field.hasVectorValues()) {
                        codec.getVectorReader().getOffHeapByteSize(field).forEach((ext, bytes) -> total.merge(ext, bytes, Long::sum));
                    }
                }
            }
            return total;
        });
    }

    public int dimension() {
        return dimension;
    }

    @Override
    public void close() {
        try {
            synchronized (commitLock) {
                commit();
                if (hnsw != null) {
                    saveHnsw();
                }
            }
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the index failed: " + e.getMessage(), e);
        }
    }
}
