package dev.tessera.services.web;

import dev.tessera.retrieval.InvalidRequestException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.web.multipart.MultipartFile;

/**
 * A multipart upload as a temp file, for decoders that read files (FFmpeg: MP4s with their index
 * at the end need to seek). The caller deletes it with {@link #deleteQuietly}.
 */
public final class UploadedFile {

    private UploadedFile() {}

    /** @throws InvalidRequestException (field {@code file}) when the upload is empty */
    public static Path spool(MultipartFile file) throws IOException {
        if (file.isEmpty()) {
            throw new InvalidRequestException("file", "the file is empty");
        }
        Path upload = Files.createTempFile("tessera-upload", ".bin");
        try {
            file.transferTo(upload);
            return upload;
        } catch (IOException | RuntimeException e) {
            deleteQuietly(upload);
            throw e;
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
