package dev.tessera.retrieval.video;

import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.document.MetadataMapping;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.filter.FilterTypes;
import dev.tessera.retrieval.index.LuceneMetadataFields;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import dev.tessera.retrieval.index.PerFieldVectorsCodec;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.SortedDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.DocValues;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.ReaderUtil;
import org.apache.lucene.index.SortedDocValues;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.KnnFloatVectorQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The embedded video index: its own Lucene index under {@code <data-dir>/video}, beside the text
 * index (video vectors have the backbone's dimension, not the text embedder's). Per clip, one
 * record holding the codebook, position map and frame times, followed by one record per codebook
 * entry carrying the unit-length entry vector in an HNSW field named by its dimension; clips of
 * different backbones live side by side and are told apart by a backbone term. A clip's records
 * are one block, so replacing it is atomic; every write is committed before it returns.
 *
 * <p>Search by example: each example entry asks HNSW for its nearest stored entries (same backbone,
 * filters applied); the clips those belong to are ranked by how much of the example the retrieved
 * entries cover, and the best {@value #RESCORED} (or 4k) are scored exactly by {@link ClipMatch}.
 * On-disk format version {@value #FORMAT_VERSION} in the commit data, with the metadata mapping;
 * format 1 (untyped metadata) is rewritten as format 2 on open from the clips it stores.
 */
public final class LuceneVideoIndex implements VideoIndex {

    public static final int FORMAT_VERSION = 2;
    /** Stored entries each example entry retrieves from HNSW. */
    static final int CANDIDATES = 100;
    /** Clips scored exactly: the best by the HNSW estimate, at least this many (or 4k). */
    static final int RESCORED = 64;
    /** Vision towers exceed Lucene's default 1024 (SigLIP so400m is 1152-d). */
    static final int MAX_DIMENSION = 4096;

    private static final String CLIP_ID = "clip_id";
    private static final String CLIP_ID_DV = "clip_id_dv";   // on entry records: which clip, without a stored-field read
    private static final String KIND = "kind";
    private static final String KIND_CLIP = "clip";
    private static final String KIND_ENTRY = "entry";
    private static final String BACKBONE = "backbone";
    private static final String SOURCE = "source";
    private static final String METADATA = "metadata";
    private static final String SHAPE = "shape";          // frames, height, width, K, D as ints
    private static final String POSITIONS = "positions";  // int32 LE
    private static final String TIMES = "times";          // int64 LE
    private static final String CODEBOOK = "codebook";    // float32 LE, K × D
    private static final String UD_FORMAT = "tessera.video.format";
    private static final String UD_MAPPING = "tessera.video.metadata.mapping";
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Path dir;
    private final Directory directory;
    private final IndexWriter writer;
    private final SearcherManager searchers;
    private final MetadataMapping mapping;

    private LuceneVideoIndex(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
        this.directory = FSDirectory.open(dir);
        Map<String, String> existing = DirectoryReader.indexExists(directory)
                ? SegmentInfos.readLatestCommit(directory).getUserData() : Map.of();
        String format = existing.getOrDefault(UD_FORMAT, String.valueOf(FORMAT_VERSION));
        this.mapping = existing.containsKey(UD_MAPPING)
                ? MetadataMapping.fromJson(existing.get(UD_MAPPING))
                : new MetadataMapping();
        if (!String.valueOf(FORMAT_VERSION).equals(format) && !"1".equals(format)) {
            directory.close();
            throw new IllegalStateException("video index under " + dir + " has format " + format
                    + "; this version reads format " + FORMAT_VERSION);
        }
        IndexWriterConfig config = new IndexWriterConfig().setCodec(new PerFieldVectorsCodec(field -> WIDE_VECTORS))
                .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
        this.writer = new IndexWriter(directory, config);
        commit();
        this.searchers = new SearcherManager(writer, null);
        if ("1".equals(format)) {
            upgradeFromFormat1();
        }
    }

    private void commit() throws IOException {
        writer.setLiveCommitData(Map.of(UD_FORMAT, String.valueOf(FORMAT_VERSION), UD_MAPPING, mapping.toJson())
                .entrySet());
        writer.commit();
    }

    /** Format 1 indexed metadata as untyped strings: every clip is written again, typed. */
    private void upgradeFromFormat1() throws IOException {
        List<IndexedClip> clips = withSearcher(searcher -> {
            List<IndexedClip> out = new ArrayList<>();
            for (ScoreDoc sd : searcher.search(new TermQuery(new Term(KIND, KIND_CLIP)), Integer.MAX_VALUE).scoreDocs) {
                out.add(read(searcher.storedFields().document(sd.doc)));
            }
            return out;
        });
        for (IndexedClip clip : clips) {
            put(clip);
        }
    }

    /** Opens (or creates) the video index in {@code dir} (the service uses {@code <data-dir>/video}). */
    public static LuceneVideoIndex open(Path dir) {
        try {
            return new LuceneVideoIndex(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the video index under " + dir + ": " + e.getMessage(), e);
        }
    }

    // ---- writes -------------------------------------------------------------------------------

    @Override
    public synchronized void put(IndexedClip clip) {
        if (clip.dimension() > MAX_DIMENSION) {
            throw new IllegalArgumentException("vectors of " + clip.dimension() + " dimensions; at most " + MAX_DIMENSION);
        }
        Map<String, Object> typed = mapping.admit(filterable(clip));
        List<org.apache.lucene.document.Document> block = new ArrayList<>();
        String vectorField = vectorField(clip.dimension());
        for (float[] entry : clip.codebook()) {
            org.apache.lucene.document.Document d = new org.apache.lucene.document.Document();
            d.add(new StringField(CLIP_ID, clip.id(), Field.Store.YES));
            d.add(new SortedDocValuesField(CLIP_ID_DV, new BytesRef(clip.id())));
            d.add(new StringField(KIND, KIND_ENTRY, Field.Store.NO));
            d.add(new StringField(BACKBONE, clip.backbone(), Field.Store.NO));
            LuceneMetadataFields.add(d, typed);
            d.add(new KnnFloatVectorField(vectorField, ClipMatch.unit(entry), VectorSimilarityFunction.DOT_PRODUCT));
            block.add(d);
        }
        org.apache.lucene.document.Document parent = new org.apache.lucene.document.Document();
        parent.add(new StringField(CLIP_ID, clip.id(), Field.Store.YES));
        parent.add(new StringField(KIND, KIND_CLIP, Field.Store.NO));
        parent.add(new StringField(BACKBONE, clip.backbone(), Field.Store.YES));
        LuceneMetadataFields.add(parent, typed);
        parent.add(new StoredField(SOURCE, clip.source()));
        parent.add(new StoredField(METADATA, JSON.writeValueAsString(clip.metadata())));
        ByteBuffer shape = le(5 * Integer.BYTES);
        shape.putInt(clip.frames()).putInt(clip.height()).putInt(clip.width()).putInt(clip.codebook().length)
                .putInt(clip.dimension());
        parent.add(new StoredField(SHAPE, shape.array()));
        ByteBuffer positions = le(clip.positions().length * Integer.BYTES);
        positions.asIntBuffer().put(clip.positions());
        parent.add(new StoredField(POSITIONS, positions.array()));
        ByteBuffer times = le(clip.timesMs().length * Long.BYTES);
        times.asLongBuffer().put(clip.timesMs());
        parent.add(new StoredField(TIMES, times.array()));
        ByteBuffer codebook = le(clip.codebook().length * clip.dimension() * Float.BYTES);
        for (float[] e : clip.codebook()) {
            codebook.asFloatBuffer().put(e);
            codebook.position(codebook.position() + e.length * Float.BYTES);
        }
        parent.add(new StoredField(CODEBOOK, codebook.array()));
        block.add(parent);
        try {
            writer.updateDocuments(new Term(CLIP_ID, clip.id()), block);
            commit();
            searchers.maybeRefreshBlocking();
        } catch (IOException e) {
            throw new UncheckedIOException("video index write failed: " + e.getMessage(), e);
        }
    }

    /** The clip's metadata for filters; its source is filterable as {@code source} unless metadata says otherwise. */
    private static Map<String, Object> filterable(IndexedClip clip) {
        Map<String, Object> values = new LinkedHashMap<>(Metadata.normalize(clip.metadata()));
        if (!clip.source().isEmpty()) {
            values.putIfAbsent(SOURCE, clip.source());
        }
        return values;
    }

    @Override
    public synchronized boolean delete(String id) {
        try {
            if (withSearcher(s -> s.count(clipQuery(id))) == 0) {
                return false;
            }
            writer.deleteDocuments(new Term(CLIP_ID, id));
            writer.commit();
            searchers.maybeRefreshBlocking();
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("video index delete failed: " + e.getMessage(), e);
        }
    }

    // ---- reads --------------------------------------------------------------------------------

    @Override
    public Optional<IndexedClip> get(String id) {
        return withSearcher(searcher -> {
            TopDocs top = searcher.search(clipQuery(id), 1);
            return top.scoreDocs.length == 0 ? Optional.empty()
                    : Optional.of(read(searcher.storedFields().document(top.scoreDocs[0].doc)));
        });
    }

    private static IndexedClip read(org.apache.lucene.document.Document d) {
        ByteBuffer shape = le(d.getBinaryValue(SHAPE));
        int frames = shape.getInt();
        int height = shape.getInt();
        int width = shape.getInt();
        int k = shape.getInt();
        int dim = shape.getInt();
        int[] positions = new int[frames * height * width];
        le(d.getBinaryValue(POSITIONS)).asIntBuffer().get(positions);
        long[] times = new long[frames];
        le(d.getBinaryValue(TIMES)).asLongBuffer().get(times);
        float[][] codebook = new float[k][dim];
        var floats = le(d.getBinaryValue(CODEBOOK)).asFloatBuffer();
        for (float[] e : codebook) {
            floats.get(e);
        }
        Map<String, Object> metadata = JSON.readValue(d.get(METADATA), new TypeReference<>() {});
        return new IndexedClip(d.get(CLIP_ID), d.get(SOURCE), d.get(BACKBONE), metadata, frames, height, width,
                positions, times, codebook);
    }

    @Override
    public List<ClipHit> search(ClipQuery query, int k, Filter filter, String excludeId) {
        if (k < 1) {
            return List.of();
        }
        FilterTypes.check(filter, mapping);
        BooleanQuery.Builder f = new BooleanQuery.Builder()
                .add(new TermQuery(new Term(KIND, KIND_ENTRY)), Occur.FILTER)
                .add(new TermQuery(new Term(BACKBONE, query.backbone())), Occur.FILTER);
        if (!filter.matchesAll()) {
            f.add(LuceneMetadataFields.query(filter, mapping), Occur.FILTER);
        }
        Query entryFilter = f.build();
        String field = vectorField(query.dimension());
        double[] shares = query.shares();
        return withSearcher(searcher -> {
            // Stage 1: per example entry, its nearest stored entries; a clip's estimate is how much of the
            // example its retrieved entries cover (Σ share · best cosine seen).
            Map<String, double[]> bestPerEntry = new LinkedHashMap<>();
            for (int q = 0; q < query.entries().length; q++) {
                TopDocs top = searcher.search(new KnnFloatVectorQuery(field, ClipMatch.unit(query.entries()[q]),
                        CANDIDATES, entryFilter), CANDIDATES);
                for (ScoreDoc sd : top.scoreDocs) {
                    String id = clipIdOf(searcher, sd.doc);
                    double cosine = 2.0 * sd.score - 1;   // Lucene scores DOT_PRODUCT as (1 + cos) / 2
                    double[] best = bestPerEntry.computeIfAbsent(id, x -> filled(shares.length, -1));
                    best[q] = Math.max(best[q], cosine);
                }
            }
            bestPerEntry.remove(excludeId);
            List<Map.Entry<String, Double>> estimates = new ArrayList<>();
            bestPerEntry.forEach((id, best) -> {
                double estimate = 0;
                for (int q = 0; q < best.length; q++) {
                    estimate += shares[q] * Math.max(best[q], 0);
                }
                estimates.add(Map.entry(id, estimate));
            });
            estimates.sort(Map.Entry.<String, Double>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            // Stage 2: the best estimates scored exactly from their stored codebooks and position maps.
            var stored = searcher.storedFields();
            List<ClipHit> hits = new ArrayList<>();
            for (var candidate : estimates.subList(0, Math.min(estimates.size(), Math.max(RESCORED, 4 * k)))) {
                TopDocs top = searcher.search(clipQuery(candidate.getKey()), 1);
                if (top.scoreDocs.length > 0) {
                    ClipHit hit = ClipMatch.score(query, read(stored.document(top.scoreDocs[0].doc)));
                    if (hit != null) {
                        hits.add(hit);
                    }
                }
            }
            hits.sort(Comparator.comparingDouble(ClipHit::score).reversed().thenComparing(ClipHit::id));
            return List.copyOf(hits.subList(0, Math.min(k, hits.size())));
        });
    }

    private static double[] filled(int n, double value) {
        double[] a = new double[n];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private static String clipIdOf(IndexSearcher searcher, int doc) throws IOException {
        List<LeafReaderContext> leaves = searcher.getIndexReader().leaves();
        LeafReaderContext leaf = leaves.get(ReaderUtil.subIndex(doc, leaves));
        SortedDocValues ids = DocValues.getSorted(leaf.reader(), CLIP_ID_DV);
        if (!ids.advanceExact(doc - leaf.docBase)) {
            throw new IllegalStateException("entry record without its clip id");
        }
        return ids.lookupOrd(ids.ordValue()).utf8ToString();
    }

    @Override
    public long count() {
        return withSearcher(s -> (long) s.count(new TermQuery(new Term(KIND, KIND_CLIP))));
    }

    private static Query clipQuery(String id) {
        return new BooleanQuery.Builder()
                .add(new TermQuery(new Term(CLIP_ID, id)), Occur.FILTER)
                .add(new TermQuery(new Term(KIND, KIND_CLIP)), Occur.FILTER)
                .build();
    }

    /** One vector field per dimension: Lucene fixes a field's dimension at its first vector. */
    private static String vectorField(int dimension) {
        return "entry_vector_" + dimension;
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
            throw new UncheckedIOException("video index read failed: " + e.getMessage(), e);
        }
    }

    private static ByteBuffer le(int bytes) {
        return ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ByteBuffer le(BytesRef raw) {
        return ByteBuffer.wrap(raw.bytes, raw.offset, raw.length).order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public synchronized void close() {
        try {
            searchers.close();
            writer.close();
            directory.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the video index under " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The standard HNSW format allowing wider vectors. The files are the standard format's (same
     * name, read back through Lucene's own format); only the writer's dimension check is relaxed.
     */
    private static final KnnVectorsFormat WIDE_VECTORS = new KnnVectorsFormat(new Lucene99HnswVectorsFormat().getName()) {
        private final KnnVectorsFormat inner = new Lucene99HnswVectorsFormat();

        @Override
        public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
            return inner.fieldsWriter(state);
        }

        @Override
        public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
            return inner.fieldsReader(state);
        }

        @Override
        public int getMaxDimensions(String fieldName) {
            return MAX_DIMENSION;
        }
    };
}
