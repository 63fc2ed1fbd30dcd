package dev.tessera.services.video;

import dev.tessera.services.config.TesseraProperties;
import dev.tessera.tokenizers.video.SampledVideo;
import dev.tessera.tokenizers.video.VideoFrames;
import dev.tessera.tokenizers.video.vqtoken.PatchDescriptor;
import dev.tessera.tokenizers.video.vqtoken.PatchEmbedder;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The video tokenizers this service offers: VQToken over a patch backbone. Today the backbone is
 * the built-in weight-free patch descriptor (model {@code vqtoken}); answers name it, so nobody
 * takes its codebook for semantic features. Decode, embed and cluster are timed separately.
 */
@Component
public class VideoTokenizers {

    public static final String MODEL = "vqtoken";

    /** One tokenized video and what it cost. */
    public record Tokenized(SampledVideo video, VQToken.Result result, String backbone, double decodeMs,
                            double embedMs, double clusterMs) {}

    private final TesseraProperties.Video settings;
    private final PatchEmbedder backbone;
    private final Timer decode;
    private final Timer embed;
    private final Timer cluster;

    public VideoTokenizers(TesseraProperties properties, MeterRegistry registry) {
        this.settings = properties.video();
        this.backbone = new PatchDescriptor(settings.frameSize(), settings.patchSize());
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

    public PatchEmbedder backbone() {
        return backbone;
    }

    public TesseraProperties.Video settings() {
        return settings;
    }

    public Tokenized tokenize(byte[] bytes, double fps, int maxFrames, VQToken.Options options) {
        long t0 = System.nanoTime();
        SampledVideo video = VideoFrames.sample(bytes, fps, maxFrames, backbone.frameSize(),
                settings.maxDuration().toMillis());
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
