package dev.tessera.services.video;

import dev.tessera.retrieval.InvalidRequestException;
import dev.tessera.retrieval.document.Metadata;
import dev.tessera.retrieval.filter.Filter;
import dev.tessera.retrieval.video.ClipHit;
import dev.tessera.retrieval.video.ClipQuery;
import dev.tessera.retrieval.video.IndexedClip;
import dev.tessera.retrieval.video.VideoIndex;
import dev.tessera.tokenizers.video.vqtoken.VQToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * Stored clips: a tokenized video's codebook, position map and frame times go into the video index
 * beside the text index, and clips are found by example (another clip or an image, tokenized with
 * the same backbone, or a stored clip).
 */
@Component
public class VideoLibrary {

    /** Ids a clip may have: they appear in URLs unescaped. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:\\-]{1,128}");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Where to store a clip: id (null → a digest of the file), source, metadata. */
    public record Target(String id, String source, Map<String, Object> metadata) {}

    private final VideoIndex index;

    public VideoLibrary(VideoIndex index) {
        this.index = index;
    }

    /** Checks the request's id, source and metadata before any work is done. */
    public static Target target(String id, String source, String metadataJson) {
        if (id != null && !id.isEmpty() && !ID.matcher(id).matches()) {
            throw new InvalidRequestException("id", "id must be 1-128 letters, digits, '.', '_', ':' or '-'");
        }
        if (source != null && source.length() > 2048) {
            throw new InvalidRequestException("source", "source must be at most 2048 characters");
        }
        Map<String, Object> metadata = Metadata.normalize(jsonObject("metadata", metadataJson)); // as documents
        return new Target(id == null || id.isEmpty() ? null : id, source, metadata);
    }

    /** A JSON object given as a form field; empty when absent. */
    public static Map<String, Object> jsonObject(String field, String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, Object> map = JSON.readValue(json, new TypeReference<Map<String, Object>>() {});
            return map == null ? Map.of() : map;
        } catch (JacksonException e) {
            throw new InvalidRequestException(field, field + " must be a JSON object: " + e.getOriginalMessage());
        }
    }

    /** Stores a tokenized clip; durable when it returns. The id defaults to the first 16 hex digits of the file's SHA-256. */
    public IndexedClip store(VideoTokenizers.Tokenized t, Target target, Path file) {
        String id = target.id() != null ? target.id() : digest(file);
        IndexedClip clip = clip(t, id, target.source(), target.metadata());
        index.put(clip);
        return clip;
    }

    private static IndexedClip clip(VideoTokenizers.Tokenized t, String id, String source, Map<String, Object> metadata) {
        VQToken.Result r = t.result();
        return new IndexedClip(id, source, t.backbone(), metadata, r.frames(), r.height(), r.width(), r.index(),
                t.video().timesMs(), r.codebook());
    }

    /** Stored clips that best match a tokenized example (same backbone only). */
    public List<ClipHit> search(VideoTokenizers.Tokenized example, int k, Filter filter) {
        return index.search(ClipQuery.of(clip(example, "example", "", Map.of())), k, filter, null);
    }

    /** Stored clips that best match a stored one, itself left out ({@code like_video}). */
    public VideoSearchResponse searchLike(String id, int k, Filter filter) {
        long started = System.nanoTime();
        IndexedClip example = index.get(id).orElseThrow(() -> new VideoNotFoundException(id));
        return VideoSearchResponse.of(index.search(ClipQuery.of(example), k, filter, id), started, example.backbone());
    }

    /** The request's k (10 when absent); 400 outside [1, 1000]. */
    public static int hits(Integer k) {
        int hits = k == null ? 10 : k;
        if (hits < 1 || hits > 1000) {
            throw new InvalidRequestException("k", "k must be in [1, 1000]");
        }
        return hits;
    }

    public IndexedClip get(String id) {
        return index.get(id).orElseThrow(() -> new VideoNotFoundException(id));
    }

    public void delete(String id) {
        if (!index.delete(id)) {
            throw new VideoNotFoundException(id);
        }
    }

    public long count() {
        return index.count();
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** No stored clip has the id. */
    public static class VideoNotFoundException extends RuntimeException {
        public VideoNotFoundException(String id) {
            super("no stored video with id '" + id + "'");
        }
    }
}
