package dev.tessera.services.audio;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.services.config.TesseraProperties;
import dev.tessera.services.web.MismatchedFieldException;
import dev.tessera.tokenizers.audio.AudioDecoder;
import dev.tessera.tokenizers.audio.Wav;
import dev.tessera.tokenizers.audio.encodec.EncodecModel;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * {@code POST /v1/tokenize/audio}: any audio FFmpeg reads → EnCodec codes, one list per codebook
 * ({@code codebooks[q][t]}, the official {@code encode} order); {@code POST /v1/detokenize/audio}:
 * codes → a 16-bit PCM WAV at the model's rate.
 */
@RestController
@Tag(name = "audio")
public class AudioTokenizeController {

    /**
     * @param codebooks     {@code codebooks[q][t]}: codebook q's id at frame t
     * @param frameRate     code frames per second (75 for EnCodec 24 kHz)
     * @param bandwidthKbps frame rate × codebooks × log2(codebook size) / 1000
     */
    @Schema(name = "AudioTokens")
    public record AudioTokens(String model, int sampleRate, double frameRate, int numCodebooks, double bandwidthKbps,
                              int codebookSize, int frames, long durationMs, int[][] codebooks) {}

    /**
     * The codes and, optionally, the rest of the tokenize answer they came in, so that answer posts back
     * as it is: its description of the codes is checked against the model and the codes, and
     * {@code duration_ms} trims the WAV to the original length.
     */
    @Schema(name = "AudioDetokenizeRequest")
    public record DetokenizeRequest(String model, int[][] codebooks,
            @Schema(description = "optional: must be the model's") Integer sampleRate,
            @Schema(description = "optional: must be the model's") Double frameRate,
            @Schema(description = "optional: must be the number of lists in codebooks") Integer numCodebooks,
            @Schema(description = "optional: must be the bandwidth of that many codebooks") Double bandwidthKbps,
            @Schema(description = "optional: must be the model's") Integer codebookSize,
            @Schema(description = "optional: must be the length of the lists") Integer frames,
            @Schema(description = "optional: the original length; the WAV is trimmed to it (within the last frame)")
            Long durationMs) {}

    private final AudioModels models;
    private final TesseraProperties.Audio settings;
    private final MeterRegistry registry;

    public AudioTokenizeController(AudioModels models, TesseraProperties properties, MeterRegistry registry) {
        this.models = models;
        this.settings = properties.audio();
        this.registry = registry;
    }

    @PostMapping(path = "/v1/tokenize/audio", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    @ApiResponse(responseCode = "200", description = "The codes, one list per codebook",
            content = @Content(mediaType = "application/json", schema = @Schema(implementation = AudioTokens.class)))
    @ApiResponse(responseCode = "400", description = "Both or a bad bandwidth_kbps / num_codebooks, an empty file")
    @ApiResponse(responseCode = "404", description = "Unknown model")
    @ApiResponse(responseCode = "413", description = "The upload, or the audio's duration, is over the limit")
    @ApiResponse(responseCode = "415", description = "Not a format FFmpeg reads")
    @ApiResponse(responseCode = "422", description = "Corrupt or truncated, no audio track (e.g. a silent video), no samples")
    @ApiResponse(responseCode = "503", description = "The model is installed but unavailable")
    public AudioTokens tokenize(@RequestPart("file") MultipartFile file,
                                @RequestParam(name = "model", required = false) String model,
                                @RequestParam(name = "bandwidth_kbps", required = false) Double bandwidthKbps,
                                @RequestParam(name = "num_codebooks", required = false) Integer numCodebooks)
            throws IOException {
        AudioModels.Installed m = models.require(model);
        EncodecModel codec = m.model();
        int nq = codebooks(codec, bandwidthKbps, numCodebooks);
        Path upload = dev.tessera.services.web.UploadedFile.spool(file);
        try {
            AudioDecoder.Decoded audio = AudioDecoder.decode(upload, codec.sampleRate(), settings.maxDuration().toMillis());
            int[][] codes;
            long t0 = System.nanoTime();
            synchronized (codec) {   // one forward pass per model at a time, as for images
                codes = codec.encode(audio.samples(), nq);
            }
            timer("tokenize", m.name()).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
            return new AudioTokens(m.name(), codec.sampleRate(), codec.frameRate(), nq, bandwidth(codec, nq),
                    codec.codebookSize(), codes.length == 0 ? 0 : codes[0].length,
                    Math.round(audio.seconds() * 1000), codes);
        } finally {
            dev.tessera.services.web.UploadedFile.deleteQuietly(upload);
        }
    }

    @PostMapping(path = "/v1/detokenize/audio", consumes = MediaType.APPLICATION_JSON_VALUE, produces = "audio/wav")
    @ApiResponse(responseCode = "200", description = "16-bit PCM mono WAV at the model's sample rate",
            content = @Content(mediaType = "audio/wav"))
    @ApiResponse(responseCode = "400", description = "No codebooks, or rows of different lengths")
    @ApiResponse(responseCode = "404", description = "Unknown model")
    @ApiResponse(responseCode = "413", description = "Longer than tessera.audio.max-duration")
    @ApiResponse(responseCode = "422", description = "A code out of the codebook, or more codebooks than the model has")
    @ApiResponse(responseCode = "503", description = "The model is installed but unavailable")
    public ResponseEntity<byte[]> detokenize(@RequestBody DetokenizeRequest body) {
        AudioModels.Installed m = models.require(body.model());
        EncodecModel codec = m.model();
        int[][] codes = body.codebooks();
        if (codes == null || codes.length == 0 || codes[0] == null || codes[0].length == 0) {
            throw new InvalidRequestException("codebooks", "codebooks must hold at least one list of at least one code");
        }
        int frames = codes[0].length;
        for (int q = 0; q < codes.length; q++) {
            if (codes[q] == null || codes[q].length != frames) {
                throw new InvalidRequestException("codebooks", "every codebook list must have the same length (" + frames
                        + " frames); list " + q + " differs");
            }
        }
        if (codes.length > codec.maxCodebooks()) {
            throw new InvalidAudioTokensException(codes.length + " codebooks; model " + m.name() + " has "
                    + codec.maxCodebooks());
        }
        for (int q = 0; q < codes.length; q++) {
            for (int t = 0; t < frames; t++) {
                if (codes[q][t] < 0 || codes[q][t] >= codec.codebookSize()) {
                    throw new InvalidAudioTokensException("codebooks[" + q + "][" + t + "] = " + codes[q][t]
                            + " is outside the codebook [0, " + codec.codebookSize() + ")");
                }
            }
        }
        int samples = samples(body, codec, m.name(), codes.length, frames);
        double seconds = frames / codec.frameRate();
        if (seconds * 1000 > settings.maxDuration().toMillis()) {
            throw new dev.tessera.services.web.PayloadTooLargeException(frames + " frames make " + seconds
                    + " s of audio; at most " + settings.maxDuration().toMillis() / 1000.0 + " s (tessera.audio.max-duration)");
        }
        float[] wave;
        long t0 = System.nanoTime();
        synchronized (codec) {
            wave = codec.decode(codes);
        }
        timer("detokenize", m.name()).record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("audio/wav"))
                .body(Wav.pcm16(samples < wave.length ? java.util.Arrays.copyOf(wave, samples) : wave, codec.sampleRate()));
    }

    /**
     * Checks what the request says about the codes (the tokenize answer's fields) and returns how many
     * samples to keep: all {@code frames × hop}, or the original length when {@code duration_ms} is given.
     */
    private static int samples(DetokenizeRequest body, EncodecModel codec, String name, int nq, int frames) {
        String model = "model " + name;
        MismatchedFieldException.requireMatch("sample_rate", body.sampleRate(), codec.sampleRate(),
                model + " works at " + codec.sampleRate() + " Hz");
        MismatchedFieldException.requireMatch("frame_rate", body.frameRate(), codec.frameRate(),
                model + " makes " + codec.frameRate() + " frames/s");
        MismatchedFieldException.requireMatch("codebook_size", body.codebookSize(), codec.codebookSize(),
                model + " has codebooks of " + codec.codebookSize());
        MismatchedFieldException.requireMatch("num_codebooks", body.numCodebooks(), nq,
                "codebooks holds " + nq + " lists");
        MismatchedFieldException.requireMatch("bandwidth_kbps", body.bandwidthKbps(), bandwidth(codec, nq),
                nq + " codebooks of " + model + " make " + bandwidth(codec, nq) + " kbps");
        MismatchedFieldException.requireMatch("frames", body.frames(), frames, "the codebooks hold " + frames);
        int all = frames * codec.hopLength();
        if (body.durationMs() == null) {
            return all;
        }
        // The encoder made ceil(samples / hop) frames, so the original length lies within the last one.
        long wanted = Math.round(body.durationMs() * codec.sampleRate() / 1000.0);
        long shortest = (long) (frames - 1) * codec.hopLength() + 1;
        long shortestMs = (long) Math.floor(shortest * 1000.0 / codec.sampleRate());
        long longestMs = (long) Math.ceil(all * 1000.0 / codec.sampleRate());
        if (body.durationMs() < shortestMs || body.durationMs() > longestMs) {
            throw new MismatchedFieldException("duration_ms", "duration_ms is " + body.durationMs() + ", but "
                    + frames + " frames hold " + shortestMs + " to " + longestMs + " ms");
        }
        return (int) Math.max(1, Math.min(all, wanted));
    }

    private static int codebooks(EncodecModel codec, Double bandwidthKbps, Integer numCodebooks) {
        if (bandwidthKbps != null && numCodebooks != null) {
            throw new InvalidRequestException("num_codebooks", "send bandwidth_kbps or num_codebooks, not both");
        }
        if (numCodebooks != null) {
            if (numCodebooks < 1 || numCodebooks > codec.maxCodebooks()) {
                throw new InvalidRequestException("num_codebooks", "num_codebooks must be in [1, " + codec.maxCodebooks() + "]");
            }
            return numCodebooks;
        }
        double kbps = bandwidthKbps == null ? codec.defaultBandwidth() : bandwidthKbps;
        List<Double> allowed = codec.targetBandwidths();
        if (allowed.stream().noneMatch(b -> Math.abs(b - kbps) < 1e-9)) {
            throw new InvalidRequestException("bandwidth_kbps", "bandwidth_kbps must be one of " + allowed
                    + " for this model (or give num_codebooks)");
        }
        return codec.numCodebooks(kbps);
    }

    private static double bandwidth(EncodecModel codec, int nq) {
        return Math.round(codec.frameRate() * nq * Math.log(codec.codebookSize()) / Math.log(2)) / 1000.0;
    }

    private Timer timer(String operation, String model) {
        return Timer.builder("tessera.audio.forward").description("EnCodec encode or decode time")
                .tag("operation", operation).tag("model", model).register(registry);
    }
}
