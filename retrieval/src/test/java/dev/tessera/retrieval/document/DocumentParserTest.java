package dev.tessera.retrieval.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tessera.retrieval.InvalidRequestException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;

class DocumentParserTest {

    final DocumentParser parser = new DocumentParser();

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A real one-page PDF with a title, made with PDFBox. */
    public static byte[] pdf(String title, String body) throws Exception {
        try (PDDocument doc = new PDDocument()) {
            PDPage page = new PDPage();
            doc.addPage(page);
            doc.getDocumentInformation().setTitle(title);
            try (PDPageContentStream content = new PDPageContentStream(doc, page)) {
                content.beginText();
                content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
                content.newLineAtOffset(72, 700);
                content.showText(body);
                content.endText();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            doc.save(out);
            return out.toByteArray();
        }
    }

    @Test
    void readsPlainTextMarkdownHtmlAndPdf() throws Exception {
        assertThat(parser.parse(utf8("just text"), "a.txt").text()).isEqualTo("just text");

        ParsedDocument md = parser.parse(utf8("# Shock waves\n\nOblique shocks bend flow."), "notes.md");
        assertThat(md.title()).isEqualTo("Shock waves");
        assertThat(md.text()).contains("Oblique shocks");

        ParsedDocument html = parser.parse(utf8("<html><head><title>Page</title><script>var x=1;</script></head>"
                + "<body><p>First paragraph.</p><p>Second paragraph.</p></body></html>"), "page.html");
        assertThat(html.title()).isEqualTo("Page");
        assertThat(html.text()).isEqualTo("First paragraph.\nSecond paragraph.");

        ParsedDocument pdf = parser.parse(pdf("Report", "Lift and drag of a delta wing."), "r.pdf");
        assertThat(pdf.title()).isEqualTo("Report");
        assertThat(pdf.text()).contains("Lift and drag of a delta wing.");
    }

    @Test
    void refusesCorruptAndUnsupportedFiles() {
        assertThatThrownBy(() -> parser.parse(utf8("%PDF-1.7\nnot really"), "x.pdf"))
                .isInstanceOf(InvalidRequestException.class).hasMessageContaining("PDF");
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R'};
        assertThatThrownBy(() -> parser.parse(png, "image.png")).isInstanceOf(UnsupportedDocumentTypeException.class);
        assertThatThrownBy(() -> parser.parse(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 0x41}, "x.txt"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> parser.parse(new byte[0], "x.txt")).hasMessageContaining("empty");
    }
}
