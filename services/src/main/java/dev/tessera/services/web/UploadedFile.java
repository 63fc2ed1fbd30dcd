package dev.tessera.services.web;

import dev.tessera.retrieval.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.web.multipart.MultipartFile;

/**
 * A multipart upload's bytes, or the upload as a temp file for decoders that read files (FFmpeg:
 * MP4s with their index at the end need to seek; the caller deletes it with {@link #deleteQuietly}).
 * Either way an empty upload is refused here, so every route says it the same way.
 */
public final class UploadedFile {

    private UploadedFile() {}

    /** @throws InvalidRequestException (field {@code file}) when the upload is empty */
    public static byte[] bytes(MultipartFile file) throws IOException {
        requireContent(file);
        return file.getBytes();
    }

    /** @throws InvalidRequestException (field {@code file}) when the upload is empty */
    public static Path spool(MultipartFile file) throws IOException {
        requireContent(file);
        Path upload = Files.createTempFile("tessera-upload", ".bin");
        try {
            file.transferTo(upload);
            return upload;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(upload);
            throw e;
        }
    }

    private static void requireContent(MultipartFile file) {
        if (file.isEmpty()) {
            throw new InvalidRequestException(file.getName(), "the uploaded file is empty");
        }
    }

    public static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left behind is harmless
            }
        }
    }
}
