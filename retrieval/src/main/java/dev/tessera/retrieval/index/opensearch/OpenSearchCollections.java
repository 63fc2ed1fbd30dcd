package dev.tessera.retrieval.index.opensearch;

import dev.tessera.retrieval.collection.CollectionRegistry;
import dev.tessera.retrieval.collection.CollectionSettings;
import dev.tessera.retrieval.index.DocumentIndex;
import dev.tessera.retrieval.index.VectorEngine;
import dev.tessera.retrieval.index.VectorQuantization;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Collections on an OpenSearch cluster: each is an index of its own, {@code default} the configured
 * index (the release before collections used it) and any other {@code <index>-<name>}. The cluster
 * is shared by every Tessera instance pointed at it, so the collections are found there too
 * ({@link #discover}): one instance creates a collection, the others serve it.
 */
public final class OpenSearchCollections implements CollectionRegistry.IndexOpener {

    private final OpenSearchSettings base;
    private final VectorEngine engine;

    /**
     * @param base   the cluster and the default collection's index
     * @param engine what discovered collections record as their vector engine (OpenSearch searches
     *               vectors itself; the setting only keeps settings comparable)
     */
    public OpenSearchCollections(OpenSearchSettings base, VectorEngine engine) {
        this.base = base;
        this.engine = engine;
    }

    /** The settings of one collection's index. */
    public OpenSearchSettings settings(String collection) {
        return collection.equals(CollectionSettings.DEFAULT) ? base : base.withIndex(base.index() + "-" + collection);
    }

    @Override
    public DocumentIndex open(CollectionSettings s, Path dir) {
        return OpenSearchDocumentIndex.open(settings(s.name()), s.name(), s.indexModel(), s.dimension(), s.similarity(),
                s.quantization(), s.oversample());
    }

    @Override
    public void drop(CollectionSettings s) {
        OpenSearchDocumentIndex.drop(settings(s.name()));
    }

    /** The indexes {@code <index>-*} whose {@code _meta} names the collection their name ends with. */
    @Override
    public List<CollectionSettings> discover() {
        String prefix = base.index() + "-";
        List<CollectionSettings> out = new ArrayList<>();
        for (OpenSearchDocumentIndex.Description d : OpenSearchDocumentIndex.describe(base, prefix + "*")) {
            String name = d.index().substring(prefix.length());
            if (!name.equals(d.collection()) || !CollectionSettings.isValidName(name)
                    || name.equals(CollectionSettings.DEFAULT)) {
                continue; // another deployment's index under a longer name, not a collection of this one
            }
            boolean client = d.model().equals(CollectionSettings.CLIENT_VECTORS);
            // The engine is the embedded backend's; here it only has to agree with the quantisation.
            VectorEngine recorded = d.quantization() == VectorQuantization.NONE ? engine : VectorEngine.LUCENE;
            out.add(new CollectionSettings(name, client ? null : d.model(), d.dimension(), d.similarity(), recorded,
                    d.quantization(), d.oversample()));
        }
        return out;
    }
}
