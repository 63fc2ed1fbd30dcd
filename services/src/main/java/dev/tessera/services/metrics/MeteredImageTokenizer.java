package dev.tessera.services.metrics;

import dev.tessera.tokenizers.image.ImageTokenizer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;

/**
 * Times an image tokenizer's forward passes ({@code tessera.image.tokenizer.forward}, tagged with
 * the model and {@code operation=tokenize|detokenize}); everything else passes through.
 */
public final class MeteredImageTokenizer implements ImageTokenizer {

    public static final String FORWARD = "tessera.image.tokenizer.forward";

    private final ImageTokenizer delegate;
    private final Timer tokenize;
    private final Timer detokenize;

    public MeteredImageTokenizer(ImageTokenizer delegate, MeterRegistry registry) {
        this.delegate = delegate;
        this.tokenize = timer(registry, delegate.name(), "tokenize");
        this.detokenize = timer(registry, delegate.name(), "detokenize");
    }

    private static Timer timer(MeterRegistry registry, String model, String operation) {
        return Timer.builder(FORWARD).description("Image tokenizer forward pass time (one batch)")
                .tag("model", model).tag("operation", operation).publishPercentileHistogram().register(registry);
    }

    @Override
    public int[][] tokenize(List<float[]> images) {
        return tokenize.record(() -> delegate.tokenize(images));
    }

    @Override
    public List<float[]> detokenize(List<int[]> tokens) {
        return detokenize.record(() -> delegate.detokenize(tokens));
    }

    /** The tokenizer being metered (for capabilities beyond the interface, e.g. TiTok patch states). */
    public ImageTokenizer delegate() {
        return delegate;
    }

    @Override
    public int[][] tokenize(List<float[]> images, List<String> captions) {
        return tokenize.record(() -> delegate.tokenize(images, captions));
    }

    @Override
    public List<float[]> detokenize(List<int[]> tokens, List<String> captions) {
        return detokenize.record(() -> delegate.detokenize(tokens, captions));
    }

    @Override
    public Captions captions() {
        return delegate.captions();
    }

    @Override
    public String captionEncoder() {
        return delegate.captionEncoder();
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public int imageSize() {
        return delegate.imageSize();
    }

    @Override
    public int numTokens() {
        return delegate.numTokens();
    }

    @Override
    public int codebookSize() {
        return delegate.codebookSize();
    }

    @Override
    public long parameterCount() {
        return delegate.parameterCount();
    }

    @Override
    public String device() {
        return delegate.device();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
