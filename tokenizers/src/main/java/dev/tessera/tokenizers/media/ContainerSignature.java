package dev.tessera.tokenizers.media;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Magic numbers of the common media containers. When FFmpeg cannot open a file, bytes that carry
 * one of these are a damaged file of a kind we read (422), others a format we do not (415).
 */
public final class ContainerSignature {

    private ContainerSignature() {}

    /** The first bytes of a file: enough for every signature here. */
    public static byte[] head(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return in.readNBytes(256);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The container's name, or null when the bytes carry no known signature. */
    public static String name(byte[] b) {
        if (b.length >= 8 && b[4] == 'f' && b[5] == 't' && b[6] == 'y' && b[7] == 'p') {
            return "MP4/MOV";
        }
        if (b.length >= 4 && (b[0] & 0xff) == 0x1A && (b[1] & 0xff) == 0x45 && (b[2] & 0xff) == 0xDF && (b[3] & 0xff) == 0xA3) {
            return "WebM/Matroska";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F') {
            return b[8] == 'W' && b[9] == 'A' && b[10] == 'V' && b[11] == 'E' ? "WAV" : "RIFF (AVI/WAV)";
        }
        if (b.length >= 4 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "GIF";
        }
        if (b.length >= 4 && b[0] == 'O' && b[1] == 'g' && b[2] == 'g' && b[3] == 'S') {
            return "Ogg";
        }
        if (b.length >= 4 && b[0] == 'f' && b[1] == 'L' && b[2] == 'a' && b[3] == 'C') {
            return "FLAC";
        }
        if (b.length >= 3 && b[0] == 'I' && b[1] == 'D' && b[2] == '3') {
            return "MP3";
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xE0) == 0xE0 && (b[1] & 0x06) != 0) {
            return "MP3";   // an MPEG audio frame sync without an ID3 tag
        }
        if (b.length >= 189 && (b[0] & 0xff) == 0x47 && (b[188] & 0xff) == 0x47) {
            return "MPEG-TS";
        }
        return null;
    }
}
