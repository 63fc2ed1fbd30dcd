package dev.tessera.services.images;

import dev.tessera.retrieval.embed.DjlEmbedder;
import dev.tessera.retrieval.embed.ForwardingEmbedder;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.embeddings.EmbeddingModels;
import dev.tessera.services.images.ModelsController.ModelView;
import dev.tessera.services.rag.ChunkProjections;
import dev.tessera.services.rag.ContextTokenizers;
import dev.tessera.services.video.VideoTokenizers;
import dev.tessera.tokenizers.image.ImageTokenizer;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Every model this service knows, with whether it can be served: embedding models, image tokenizers,
 * and the context tokenizers and projections of {@code /v1/rag/context}. Read by {@code GET /v1/models}
 * and the admin dashboard alike.
 */
@Component
public class ModelCatalog {

    public static final String EMBEDDING = "embedding";
    public static final String IMAGE_TOKENIZER = "image-tokenizer";
    public static final String VIDEO_TOKENIZER = "video-tokenizer";
    public static final String VISION_TOWER = "vision-tower";
    public static final String AUDIO_TOKENIZER = "audio-tokenizer";
    public static final String CONTEXT_TOKENIZER = "context-tokenizer";
    public static final String PROJECTION = "projection";
    public static final String UNAVAILABLE = "unavailable";

    private final EmbeddingModels embeddings;
    private final ImageModels images;
    private final ContextTokenizers contextTokenizers;
    private final ChunkProjections projections;
    private final TesseraProperties properties;
    private final VideoTokenizers videos;
    private final dev.tessera.services.video.VisionTowers towers;
    private final dev.tessera.services.audio.AudioModels audio;

    public ModelCatalog(EmbeddingModels embeddings, ImageModels images, ContextTokenizers contextTokenizers,
            ChunkProjections projections, TesseraProperties properties, VideoTokenizers videos,
            dev.tessera.services.video.VisionTowers towers, dev.tessera.services.audio.AudioModels audio) {
        this.audio = audio;
        this.videos = videos;
        this.towers = towers;
        this.embeddings = embeddings;
        this.images = images;
        this.contextTokenizers = contextTokenizers;
        this.projections = projections;
        this.properties = properties;
    }

    public List<ModelView> all() {
        List<ModelView> out = new ArrayList<>();
        var loaded = embeddings.loaded();
        for (String name : embeddings.names()) {
            var model = loaded.get(name);
            String device = model != null && ForwardingEmbedder.innermost(model) instanceof DjlEmbedder djl
                    ? djl.device() : properties.embedding().device();
            out.add(new ModelView(name, EMBEDDING, model != null ? "loaded" : "available",
                    device, null, null, null, null,
                    model != null ? model.dimension() : null, null));
        }
        for (ImageModels.Installed m : images.all()) {
            var t = m.tokenizer();
            String source = m.bundled() ? "bundled" : "installed";
            out.add(m.available()
                    ? new ModelView(m.name(), IMAGE_TOKENIZER, "available", t.device(), t.parameterCount(),
                            t.numTokens(), t.codebookSize(), t.imageSize(), null, null, captions(t.captions()),
                            t.captionEncoder(), source)
                    : new ModelView(m.name(), IMAGE_TOKENIZER, UNAVAILABLE, null, null, null, null, null, null,
                            m.problem(), null, null, source));
        }
        for (String name : videos.names()) {
            // Weight-free backbone: no parameters; image_size = the frames' side, dimension = patch vector width.
            out.add(new ModelView(name, VIDEO_TOKENIZER, "available", "cpu", 0L, null, null,
                    videos.backbone().frameSize(), videos.backbone().dimension(), null));
        }
        for (var t : towers.all()) {
            // Patch backbones for video: image_size = the frames' side, dimension = patch vector width.
            out.add(t.available()
                    ? new ModelView(t.name(), VISION_TOWER, "available", t.tower().device(), null, null, null,
                            t.tower().frameSize(), t.tower().dimension(), null)
                    : new ModelView(t.name(), VISION_TOWER, UNAVAILABLE, null, null, null, null, null, null, t.problem()));
        }
        for (var a : audio.all()) {
            var m = a.model();
            out.add(a.available()
                    ? new ModelView(a.name(), AUDIO_TOKENIZER, "available", m.device(), m.parameterCount(), null,
                            m.codebookSize(), null, null, null, null, null, a.bundled() ? "bundled" : "installed",
                            m.sampleRate(), m.frameRate(), m.maxCodebooks(), m.targetBandwidths())
                    : new ModelView(a.name(), AUDIO_TOKENIZER, UNAVAILABLE, null, null, null, null, null, null,
                            a.problem(), null, null, a.bundled() ? "bundled" : "installed"));
        }
        for (String name : contextTokenizers.names()) {
            out.add(new ModelView(name, CONTEXT_TOKENIZER, "available", null, null, null, null, null, null, null));
        }
        for (ChunkProjections.Installed p : projections.all()) {
            out.add(p.available()
                    ? new ModelView(p.name(), PROJECTION, "available", null, null, null, null, null,
                            p.projection().outputDimension(), null)
                    : new ModelView(p.name(), PROJECTION, UNAVAILABLE, null, null, null, null, null, null,
                            p.problem()));
        }
        return out;
    }

    static String captions(ImageTokenizer.Captions c) {
        return switch (c) {
            case NONE -> "none";
            case DECODER -> "decoder";
            case ENCODER_AND_DECODER -> "required";
        };
    }

    /** The entry of the model that embeds documents and queries for search (always loaded). */
    public ModelView searchModel() {
        String name = embeddings.searchModel().name();
        return all().stream().filter(m -> m.kind().equals(EMBEDDING) && m.name().equals(name)).findFirst()
                .orElseThrow();
    }
}
