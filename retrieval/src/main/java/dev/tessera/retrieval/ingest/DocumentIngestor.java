package dev.tessera.retrieval.ingest;

import dev.tessera.retrieval.chunk.Chunk;
import dev.tessera.retrieval.chunk.Chunker;
import dev.tessera.retrieval.context.ContextPrecompute;
import dev.tessera.retrieval.document.Document;
import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.embed.Embedder;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.IndexedDocument;
import dev.tessera.retrieval.index.SpanVectors;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The one write path, used by the REST API, bulk jobs and the evaluation command alike:
 * validate, chunk with the embedder's tokenizer, embed every chunk, write durably.
 */
public final class DocumentIngestor {

    /** Outcome for one document. */
    public record Ingested(String id, int chunks) {}

    // Control characters are refused: they cannot travel in a URL path to read the document back.
    private static final Pattern ID = Pattern.compile("[^\\s\\p{Cntrl}#/?]{1,256}");

    private final Chunker chunker;
    private final Embedder embedder;
    private final DocumentIndex index;

    private final int clientDimension;
    private final ContextPrecompute precompute;

    public DocumentIngestor(Chunker chunker, Embedder embedder, DocumentIndex index) {
        this(chunker, embedder, index, null);
    }

    /** @param precompute what context assembly needs per chunk, computed here and stored with it; null: nothing */
    public DocumentIngestor(Chunker chunker, Embedder embedder, DocumentIndex index, ContextPrecompute precompute) {
        this.chunker = chunker;
        this.embedder = embedder;
        this.index = index;
        this.clientDimension = 0;
        this.precompute = precompute;
    }

    private DocumentIngestor(DocumentIndex index, int dimension) {
        this.chunker = null;
        this.embedder = null;
        this.index = index;
        this.clientDimension = dimension;
        this.precompute = null;
    }

    /**
     * The write path of a collection of client vectors: each document brings its {@code embedding}
     * and is stored as one chunk, neither chunked nor embedded.
     */
    public static DocumentIngestor forClientVectors(DocumentIndex index, int dimension) {
        return new DocumentIngestor(index, dimension);
    }

    /** Checks a document and gives it an id if it has none. Throws {@link InvalidRequestException}. */
    public static Document validate(Document doc) {
        return validate(doc, true);
    }

    private static Document validate(Document doc, boolean requireText) {
        String id = doc.id() == null || doc.id().isEmpty() ? UUID.randomUUID().toString() : doc.id();
        if (!ID.matcher(id).matches()) {
            throw new InvalidRequestException("id", "id must be 1-256 characters without whitespace, control characters, '#', '/' or '?'");
        }
        if (requireText && doc.text().isBlank()) {
            throw new InvalidRequestException("text", "text must not be empty");
        }
        return new Document(id, doc.title(), doc.text(), Metadata.normalize(doc.metadata()), doc.embedding());
    }

    /** Checks a document for this collection: validity, and an embedding exactly where the collection takes one. */
    public Document validateFor(Document doc) {
        // A client vector may stand alone (LangChain4j and Spring AI stores add bare embeddings).
        Document valid = validate(doc, embedder != null);
        if (embedder != null && valid.embedding() != null) {
            throw new InvalidRequestException("embedding", "this collection embeds its text with " + embedder.name()
                    + "; leave embedding out, or use a collection created with vectors");
        }
        if (embedder == null) {
            float[] e = valid.embedding();
            if (e == null) {
                throw new InvalidRequestException("embedding", "this collection stores client vectors: each document"
                        + " needs an embedding of " + clientDimension + " numbers");
            }
            if (e.length != clientDimension) {
                throw new InvalidRequestException("embedding", "embedding has " + e.length + " numbers; this collection's"
                        + " vectors have " + clientDimension);
            }
            for (float x : e) {
                if (!Float.isFinite(x)) {
                    throw new InvalidRequestException("embedding", "embedding values must be finite numbers");
                }
            }
        }
        index.metadataMapping().check(valid.metadata());
        return valid;
    }

    public Ingested ingest(Document doc) {
        return ingestAll(List.of(doc)).getFirst();
    }

    /** Ingests a batch with one embedding pass and one commit. Documents must be valid. */
    public List<Ingested> ingestAll(List<Document> documents) {
        List<IndexedDocument> indexed = prepare(documents);
        index.upsert(indexed);
        return indexed.stream().map(d -> new Ingested(d.document().id(), d.chunks().size())).toList();
    }

    /** Validates, chunks and embeds a batch (one embedding pass), ready to write; writes nothing. */
    public List<IndexedDocument> prepare(List<Document> documents) {
        List<Document> docs = documents.stream().map(this::validateFor).toList();
        if (embedder == null) {
            List<IndexedDocument> out = new ArrayList<>(docs.size());
            for (Document doc : docs) {
                // One chunk, the whole text; its token count is its word count (no model tokenizer here).
                int words = doc.text().isBlank() ? 0 : doc.text().strip().split("\\s+").length;
                out.add(new IndexedDocument(doc, List.of(new Chunk(0, doc.text(), 0, doc.text().length(), words)),
                        List.of(doc.embedding())));
            }
            return out;
        }
        List<List<Chunk>> chunks = new ArrayList<>(docs.size());
        List<String> passages = new ArrayList<>();
        List<String> chunkTexts = new ArrayList<>();
        for (Document doc : docs) {
            List<Chunk> c = chunker.chunk(doc.text());
            if (c.isEmpty()) {
                throw new InvalidRequestException("text", "text has no indexable content");
            }
            chunks.add(c);
            for (Chunk chunk : c) {
                passages.add(doc.titled(chunk.text()));
                chunkTexts.add(chunk.text());
            }
        }
        List<float[]> vectors;
        List<SpanVectors> spans = null;
        if (precompute == null) {
            vectors = embedder.embed(passages, Embedder.Role.DOCUMENT);
        } else {
            ContextPrecompute.Result r = precompute.embed(embedder, passages, chunkTexts);
            vectors = r.vectors();
            spans = r.spans();
        }
        List<IndexedDocument> indexed = new ArrayList<>(docs.size());
        int v = 0;
        for (int i = 0; i < docs.size(); i++) {
            int n = chunks.get(i).size();
            indexed.add(new IndexedDocument(docs.get(i), chunks.get(i), vectors.subList(v, v + n),
                    spans == null ? null : spans.subList(v, v + n)));
            v += n;
        }
        return indexed;
    }
}
