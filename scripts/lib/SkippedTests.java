import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.io.StringReader;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.xml.sax.InputSource;

/**
 * Run by {@code ./tessera test} after Maven (java's source launcher, no build needed): reads the
 * surefire XML reports it is given and prints one line per test class that skipped tests, with the
 * count and the reasons the tests gave (an assumption's message: Docker absent, data absent,
 * Chromium absent), so that a green run cannot hide a missing install step.
 */
public final class SkippedTests {

    private static boolean allowedInXml(int c) {
        return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD)
                || (c >= 0x10000 && c <= 0x10FFFF);
    }

    /**
     * The skip's reason: its {@code message} attribute, or else (a JUnit assumption failing inside the
     * test method) the first line of the stack trace surefire puts in the element, without the
     * exception's class and JUnit's "Assumption failed:" prefix.
     */
    static String reason(Element skipped) {
        String message = skipped.getAttribute("message").strip();
        if (message.isEmpty()) {
            message = skipped.getTextContent().strip().lines().findFirst().orElse("");
            String type = skipped.getAttribute("type");
            if (!type.isEmpty() && message.startsWith(type + ":")) {
                message = message.substring(type.length() + 1).strip();
            }
            if (message.startsWith("Assumption failed:")) {
                message = message.substring("Assumption failed:".length()).strip();
            }
        }
        return message;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Set<String>> tests = new TreeMap<>();   // a class run by two surefire executions counts once
        Map<String, Set<String>> reasons = new TreeMap<>();
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        for (String arg : args) {
            Path report = Path.of(arg);
            if (!Files.isRegularFile(report)) {
                continue;
            }
            NodeList cases;
            try {
                // A test's captured output may hold characters XML 1.0 forbids (surefire writes them as they are).
                String xml = Files.readString(report).codePoints().filter(SkippedTests::allowedInXml)
                        .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
                cases = factory.newDocumentBuilder().parse(new InputSource(new StringReader(xml))).getElementsByTagName("testcase");
            } catch (Exception unreadable) {
                System.err.println("tessera: cannot read " + report + ": " + unreadable.getMessage());
                continue;
            }
            for (int i = 0; i < cases.getLength(); i++) {
                Element testcase = (Element) cases.item(i);
                NodeList skipped = testcase.getElementsByTagName("skipped");
                if (skipped.getLength() == 0) {
                    continue;
                }
                String cls = testcase.getAttribute("classname");
                String message = reason((Element) skipped.item(0));
                tests.computeIfAbsent(cls, c -> new LinkedHashSet<>()).add(testcase.getAttribute("name"));
                reasons.computeIfAbsent(cls, c -> new LinkedHashSet<>()).add(message.isEmpty() ? "no reason given" : message);
            }
        }
        if (tests.isEmpty()) {
            System.err.println("tessera: no test was skipped");
            return;
        }
        List<String> lines = new ArrayList<>();
        tests.forEach((cls, names) -> lines.add(String.format("  %s: %d skipped: %s", cls, names.size(),
                String.join("; ", reasons.get(cls)))));
        System.err.println("tessera: skipped tests, one line per class:");
        lines.forEach(System.err::println);
    }
}
