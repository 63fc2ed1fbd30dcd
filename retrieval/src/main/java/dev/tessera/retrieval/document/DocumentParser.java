package dev.tessera.retrieval.document;

import dev.tessera.retrieval.InvalidRequestException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.text.PDFTextStripper;
import org.apache.tika.Tika;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Element;
import org.jsoup.nodes.Node;
import org.jsoup.nodes.TextNode;
import org.jsoup.select.NodeVisitor;

/**
 * Reads uploaded files: detects the type from the bytes and the file name (Apache Tika), then
 * extracts text with PDFBox (PDF), jsoup (HTML) or a strict UTF-8 decoder (plain text, Markdown).
 */
public final class DocumentParser {

    /** The types {@link #parse} reads (detected from the bytes, not taken from the client). */
    public static final java.util.List<String> ACCEPTED = java.util.List.of("text/plain", "text/markdown", "text/html",
            "application/pdf");

    private final Tika tika = new Tika();

    public ParsedDocument parse(byte[] content, String fileName) {
        if (content.length == 0) {
            throw new InvalidRequestException("file", "the uploaded file is empty");
        }
        String type = tika.detect(content, fileName);
        return switch (type) {
            case "application/pdf" -> pdf(content);
            case "text/html", "application/xhtml+xml" -> html(decode(content, type));
            case "text/markdown", "text/x-web-markdown" -> markdown(decode(content, type), type);
            case "text/plain" -> plain(decode(content, type), fileName);
            default -> throw new UnsupportedDocumentTypeException(type);
        };
    }

    private static ParsedDocument pdf(byte[] content) {
        try (PDDocument pdf = Loader.loadPDF(content)) {
            String text = new PDFTextStripper().getText(pdf);
            String title = pdf.getDocumentInformation() == null ? null : pdf.getDocumentInformation().getTitle();
            return new ParsedDocument(title == null ? "" : title.strip(), text.strip(), "application/pdf");
        } catch (IOException e) {
            throw new InvalidRequestException("file", "the PDF could not be read: " + e.getMessage(), e);
        }
    }

    private static ParsedDocument html(String html) {
        org.jsoup.nodes.Document doc = Jsoup.parse(html);
        StringBuilder out = new StringBuilder();
        // Keep block structure as line breaks so sentence-aware chunking sees paragraphs.
        doc.body().traverse(new NodeVisitor() {
            @Override
            public void head(Node node, int depth) {
                if (node instanceof TextNode t) {
                    out.append(t.text());
                } else if (node instanceof Element e && e.isBlock() && !out.isEmpty()) {
                    out.append('\n');
                }
            }

            @Override
            public void tail(Node node, int depth) {
                if (node instanceof Element e && e.isBlock()) {
                    out.append('\n');
                }
            }
        });
        String text = out.toString().replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll("\\s*\\n\\s*", "\n").strip();
        return new ParsedDocument(doc.title().strip(), text, "text/html");
    }

    private static ParsedDocument markdown(String text, String type) {
        String title = "";
        for (String line : text.split("\n", 50)) {
            if (line.startsWith("# ")) {
                title = line.substring(2).strip();
                break;
            }
        }
        return new ParsedDocument(title, text.strip(), "text/markdown");
    }

    private static ParsedDocument plain(String text, String fileName) {
        return new ParsedDocument("", text.strip(), "text/plain");
    }

    /** Strict UTF-8: binary data sent under a text name is refused rather than indexed as noise. */
    private static String decode(byte[] content, String type) {
        try {
            String text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(content))
                    .toString();
            if (text.indexOf('\u0000') >= 0) {
                throw new InvalidRequestException("file", "the " + type + " file contains binary data");
            }
            return text.startsWith("\uFEFF") ? text.substring(1) : text;
        } catch (CharacterCodingException e) {
            throw new InvalidRequestException("file", "the " + type + " file is not valid UTF-8 text");
        }
    }
}
