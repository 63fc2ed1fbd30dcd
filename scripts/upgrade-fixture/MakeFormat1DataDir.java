import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.LuceneDocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Writes a data directory as the release before collections did (index format 1 under
 * {@code <data-dir>/lucene}), for the upgrade test. Run against that release's classes by
 * {@code scripts/make-upgrade-fixture.sh}; vector i of document d is seeded by (d, i) so the test
 * can recompute it.
 */
public class MakeFormat1DataDir {
    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        List<IndexedDocument> docs = new ArrayList<>();
        docs.add(doc("nozzle", "Nozzles", "Supersonic nozzles expand the flow to the exit Mach number.",
                Map.of("year", 1961, "lang", "en", "tags", List.of("nozzle", "flow"), "ratio", 0.5, "draft", false)));
        docs.add(doc("flutter", "Flutter", "Panel flutter of thin plates is an aeroelastic instability.",
                Map.of("year", 1965, "lang", "en", "tags", List.of("structures"), "ratio", 2, "draft", true)));
        docs.add(doc("choc", "Chocs", "Une onde de choc se forme devant un corps émoussé.",
                Map.of("year", 1958, "lang", "fr", "ratio", 1.25)));
        docs.add(doc("plain", "Plain", "A document without metadata about boundary layers.", Map.of()));
        try (LuceneDocumentIndex index = LuceneDocumentIndex.open(dataDir, "bge-small-en-v1.5", 384, VectorEngine.LUCENE)) {
            index.upsert(docs);
        }
    }

    static IndexedDocument doc(String id, String title, String text, Map<String, Object> metadata) {
        return new IndexedDocument(new Document(id, title, text, metadata),
                List.of(new Chunk(0, text, 0, text.length(), text.split(" ").length)), List.of(vector(id)));
    }

    /** A unit vector from the document id: the test recomputes it to check nothing was re-embedded. */
    static float[] vector(String id) {
        Random r = new Random(id.hashCode());
        float[] v = new float[384];
        double norm = 0;
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
            norm += v[i] * v[i];
        }
        for (int i = 0; i < v.length; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        return v;
    }
}
