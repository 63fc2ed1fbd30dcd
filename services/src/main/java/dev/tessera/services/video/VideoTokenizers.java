package dev.tessera.services.video;

import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.video.SampledVideo;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.vqtoken.PatchDescriptor;
import dev.tessera.tokenizers.video.vqtoken.PatchEmbedder;
import dev.tessera.tokenizers.video.vqtoken.TiTokPatchStates;
import dev.tessera.services.images.ImageModels;
import dev.tessera.services.metrics.MeteredImageTokenizer;
import dev.tessera.tokenizers.image.ImageTokenizer;
import dev.tessera.tokenizers.image.titok.TiTokTokenizer;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The video tokenizers this service offers: VQToken (model {@code vqtoken}) over a patch backbone,
 * chosen per request or by {@code tessera.video.backbone}: the patch states of an installed TiTok
 * encoder, or the built-in weight-free patch descriptor. Answers name the backbone, so nobody takes
 * the descriptor's codebook for semantic features. Decode, embed and cluster are timed separately.
 */
@Component
public class VideoTokenizers {

    public static final String MODEL = "vqtoken";

    /** One tokenized video and what it cost. */
    public record Tokenized(SampledVideo video, VQToken.Result result, String backbone, double decodeMs,
                            double embedMs, double clusterMs) {}

    public static final String DESCRIPTOR = "descriptor";

    private final TesseraProperties.Video settings;
    private final PatchEmbedder descriptor;
    private final ImageModels images;
    private final VisionTowers towers;
    private final Timer decode;
    private final Timer embed;
    private final Timer cluster;

    public VideoTokenizers(TesseraProperties properties, MeterRegistry registry, ImageModels images,
                           VisionTowers towers) {
        this.settings = properties.video();
        this.images = images;
        this.towers = towers;
        this.descriptor = new PatchDescriptor(settings.frameSize(), settings.patchSize());
        this.decode = stage(registry, "decode");
        this.embed = stage(registry, "embed");
        this.cluster = stage(registry, "cluster");
    }

    private static Timer stage(MeterRegistry registry, String stage) {
        return Timer.builder("tessera.video.tokenize").description("VQToken stages: decode, embed, cluster")
                .tag("model", MODEL).tag("stage", stage).register(registry);
    }

    public List<String> names() {
        return List.of(MODEL);
    }

    /** The configured backbone. */
    public PatchEmbedder backbone() {
        return backbone(null);
    }

    /**
     * {@code descriptor}, the name of an installed vision tower or of an image tokenizer whose
     * encoder gives patch states, or null/{@code auto} for the configured choice: the first
     * available vision tower, else the first installed TiTok, else the descriptor.
     *
     * @throws UnknownVideoModelException when nothing has that name
     * @throws dev.tessera.retrieval.InvalidRequestException when it is unavailable or cannot give patch states
     */
    public PatchEmbedder backbone(String requested) {
        String wanted = requested == null || requested.isBlank() ? settings.backbone() : requested;
        if (wanted.equals(DESCRIPTOR)) {
            return descriptor;
        }
        for (VisionTowers.Installed t : towers.all()) {
            if (t.name().equals(wanted)) {
                if (!t.available()) {
                    throw new dev.tessera.retrieval.InvalidRequestException("backbone",
                            "vision tower " + wanted + " is unavailable: " + t.problem());
                }
                return t.tower();
            }
        }
        if (wanted.equals("auto")) {
            for (VisionTowers.Installed t : towers.all()) {
                if (t.available()) {
                    return t.tower();
                }
            }
            for (ImageModels.Installed m : images.all()) {
                if (!m.bundled() && m.available() && titok(m.tokenizer()) != null
                        && m.tokenizer().captions() != ImageTokenizer.Captions.ENCODER_AND_DECODER) {
                    return serialized(new TiTokPatchStates(m.name(), titok(m.tokenizer())), m.tokenizer());
                }
            }
            return descriptor;
        }
        ImageModels.Installed m = images.all().stream().filter(i -> i.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new UnknownVideoModelException("backbone", wanted,
                        java.util.stream.Stream.of(java.util.stream.Stream.of(DESCRIPTOR),
                                towers.all().stream().map(VisionTowers.Installed::name),
                                images.all().stream().map(ImageModels.Installed::name))
                                .flatMap(x -> x).toList()));
        TiTokTokenizer t = m.available() ? titok(m.tokenizer()) : null;
        if (t == null || m.tokenizer().captions() == ImageTokenizer.Captions.ENCODER_AND_DECODER) {
            throw new dev.tessera.retrieval.InvalidRequestException("backbone", "image tokenizer " + wanted
                    + (m.available() ? " cannot give patch states without a caption" : " is unavailable: " + m.problem()));
        }
        return serialized(new TiTokPatchStates(m.name(), t), m.tokenizer());
    }

    /**
     * Patch states taken under the monitor the image endpoints hold for the same model, so a video
     * and an image request do not run forward passes of one model side by side.
     */
    private static PatchEmbedder serialized(PatchEmbedder inner, Object monitor) {
        return new PatchEmbedder() {
            @Override
            public String name() {
                return inner.name();
            }

            @Override
            public int frameSize() {
                return inner.frameSize();
            }

            @Override
            public int grid() {
                return inner.grid();
            }

            @Override
            public int dimension() {
                return inner.dimension();
            }

            @Override
            public List<float[]> embed(List<float[]> frames) {
                synchronized (monitor) {
                    return inner.embed(frames);
                }
            }
        };
    }

    private static TiTokTokenizer titok(ImageTokenizer t) {
        ImageTokenizer inner = t instanceof MeteredImageTokenizer metered ? metered.delegate() : t;
        return inner instanceof TiTokTokenizer titok ? titok : null;
    }

    public TesseraProperties.Video settings() {
        return settings;
    }

    /** The request's fps, or the configured one; 400 outside (0, 60]. */
    public double fps(Double requested) {
        double rate = requested == null ? settings.fps() : requested;
        if (!(rate > 0 && rate <= 60)) {
            throw new dev.tessera.retrieval.InvalidRequestException("fps", "fps must be in (0, 60]");
        }
        return rate;
    }

    /** The request's max_frames, or the configured one; 400 outside [1, max-frames-limit]. */
    public int maxFrames(Integer requested) {
        int frames = requested == null ? settings.maxFrames() : requested;
        if (frames < 1 || frames > settings.maxFramesLimit()) {
            throw new dev.tessera.retrieval.InvalidRequestException("max_frames",
                    "max_frames must be in [1, " + settings.maxFramesLimit() + "]");
        }
        return frames;
    }

    /** Tokenizes a video file, reporting decoding progress (the slow part of a long clip). */
    public Tokenized tokenize(java.nio.file.Path videoFile, double fps, int maxFrames, VQToken.Options options,
                              String backboneName, VideoFrames.Progress progress) {
        PatchEmbedder backbone = backbone(backboneName);
        long t0 = System.nanoTime();
        SampledVideo video = VideoFrames.sample(videoFile, fps, maxFrames, backbone.frameSize(),
                settings.maxDuration().toMillis(), progress);
        long t1 = System.nanoTime();
        List<float[]> patches = backbone.embed(video.frames());
        long t2 = System.nanoTime();
        VQToken.Result result = VQToken.tokenize(patches, backbone.grid(), backbone.grid(), options);
        long t3 = System.nanoTime();
        decode.record(t1 - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        embed.record(t2 - t1, java.util.concurrent.TimeUnit.NANOSECONDS);
        cluster.record(t3 - t2, java.util.concurrent.TimeUnit.NANOSECONDS);
        return new Tokenized(video, result, backbone.name(), (t1 - t0) / 1e6, (t2 - t1) / 1e6, (t3 - t2) / 1e6);
    }
}
