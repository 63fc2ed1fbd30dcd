package dev.tessera.services;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Runs every command of the README's "Try it" section, as written, against a service on its
 * defaults (as {@code ./tessera serve} on a fresh clone): the fenced bash blocks and the inline
 * {@code curl} commands, in order, with only {@code localhost:8080} pointed at the test's port.
 * Each runs from a directory that links every entry of the repository root (so
 * {@code docs/samples/...} resolves) while the files it writes stay out of the checkout; curl
 * fails on an HTTP error status. Then each answer is checked for what the README promises.
 */
class ReadmeTryItTest {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Pattern FENCE = Pattern.compile("^```(\\w*)\\s*$");
    static final Pattern INLINE_CURL = Pattern.compile("`(curl [^`]+)`");
    static final Pattern ROUTE = Pattern.compile("localhost:\\d+(/[^\\s'\"?]*)");
    static final Pattern OUTPUT = Pattern.compile("(?:^|\\s)-o\\s+(\\S+)");
    static final Pattern LIKE_VIDEO = Pattern.compile("\"like_video\"\\s*:\\s*\"([^\"]+)\"");

    @TempDir
    Path work;

    /** The "## Try it" section's commands in reading order: each fenced bash line (continuations joined), each inline curl. */
    static List<String> tryItCommands() throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve("README.md"));
        int start = lines.indexOf("## Try it");
        assertThat(start).as("README.md has a '## Try it' section").isNotNegative();
        List<String> commands = new ArrayList<>();
        boolean inBash = false;
        boolean inOther = false;
        StringBuilder pending = new StringBuilder();
        for (String line : lines.subList(start + 1, lines.size())) {
            Matcher fence = FENCE.matcher(line);
            if (!inBash && !inOther && line.startsWith("## ")) {
                break;
            }
            if (fence.matches()) {
                if (inBash || inOther) {
                    inBash = inOther = false;
                } else if (fence.group(1).equals("bash") || fence.group(1).equals("sh")) {
                    inBash = true;
                } else {
                    inOther = true;
                }
            } else if (inBash) {
                if (line.endsWith("\\")) {
                    pending.append(line, 0, line.length() - 1).append(' ');
                    continue;
                }
                String command = pending.append(line).toString().strip();
                pending.setLength(0);
                if (!command.isEmpty() && !command.startsWith("#")) {
                    commands.add(command);
                }
            } else if (!inOther) {
                Matcher inline = INLINE_CURL.matcher(line);
                while (inline.find()) {
                    commands.add(inline.group(1));
                }
            }
        }
        return commands;
    }

    record Ran(int exit, String stdout, String stderr) {}

    Ran run(String command) throws Exception {
        String script = "curl() { command curl --fail-with-body \"$@\"; }\n" + command + "\n";
        Path stdout = Files.createTempFile("try-it", ".out");
        Path stderr = Files.createTempFile("try-it", ".err");
        try {
            Process p = new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", script).directory(work.toFile())
                    .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!p.waitFor(3, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + command);
            }
            return new Ran(p.exitValue(), Files.readString(stdout), Files.readString(stderr));
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    @Test
    void everyCommandOfTheReadmesTryItRunsAsWrittenAgainstAFreshService() throws Exception {
        try (Stream<Path> entries = Files.list(ROOT)) {
            for (Path entry : entries.toList()) {
                Files.createSymbolicLink(work.resolve(entry.getFileName()), entry);
            }
        }
        List<String> commands = tryItCommands();
        assertThat(commands).as("commands found in README.md's Try it").hasSizeGreaterThanOrEqualTo(10);
        try (TesseraServer server = TesseraServer.startBare()) {
            runAndCheck(commands, server.base().substring(server.base().lastIndexOf(':') + 1));
        }
    }

    /** Runs the commands in order against the service on {@code port}, checking each answer. */
    void runAndCheck(List<String> commands, String port) throws Exception {
        Set<String> documents = new HashSet<>();
        Set<String> videos = new HashSet<>();
        Set<String> checked = new HashSet<>();
        for (String command : commands) {
            if (command.startsWith("curl ")) {
                assertThat(command).as("a Try-it curl goes to the local service").contains("localhost:8080");
            }
            Ran ran = run(command.replace("localhost:8080", "localhost:" + port));
            assertThat(ran.exit()).as("exit status of\n%s\nstdout: %s\nstderr: %s", command, ran.stdout(), ran.stderr())
                    .isZero();
            Matcher route = ROUTE.matcher(command);
            if (!route.find()) {
                continue;
            }
            Matcher output = OUTPUT.matcher(command);
            byte[] answer = output.find() ? Files.readAllBytes(work.resolve(output.group(1)))
                    : ran.stdout().getBytes(StandardCharsets.UTF_8);
            String what = command + "\nanswered: " + new String(answer, 0, Math.min(answer.length, 600), StandardCharsets.UTF_8);
            switch (route.group(1)) {
                case "/v1/documents" -> documents.add(json(answer).path("id").asString());
                case "/v1/search" -> {
                    JsonNode hits = json(answer).path("hits");
                    assertThat(hits.size()).as(what).isPositive();
                    Matcher like = LIKE_VIDEO.matcher(command);
                    if (like.find()) {
                        Set<String> others = new HashSet<>(videos);
                        others.remove(like.group(1));
                        assertThat(values(hits, "video_id")).as(what).containsAll(others);
                    } else if (command.contains("-F file=")) {
                        assertThat(values(hits, "video_id")).as(what).containsAll(videos);
                    } else {
                        assertThat(values(hits, "doc_id")).as(what).containsAll(documents);
                    }
                }
                case "/v1/embeddings" -> assertThat(json(answer).path("data").get(0).path("embedding").size()).as(what)
                        .isGreaterThanOrEqualTo(384);
                case "/v1/tokenize/image" -> {
                    JsonNode tokens = json(answer).path("tokens");
                    assertThat(tokens.size()).as(what).isEqualTo(json(answer).path("num_tokens").asInt()).isPositive();
                }
                case "/v1/detokenize/image" -> assertThat(answer).as(what)
                        .startsWith((byte) 0x89, (byte) 'P', (byte) 'N', (byte) 'G', (byte) '\r', (byte) '\n');
                case "/v1/tokenize/video" -> {
                    JsonNode tokens = json(answer);
                    assertThat(tokens.path("tokens").size()).as(what).isPositive();
                    if (tokens.has("video_id")) {
                        videos.add(tokens.path("video_id").asString());
                    }
                }
                case "/v1/tokenize/audio" -> assertThat(json(answer).path("codebooks").get(0).size()).as(what).isPositive();
                case "/v1/detokenize/audio" -> {
                    assertThat(new String(answer, 0, 4, StandardCharsets.US_ASCII)).as(what).isEqualTo("RIFF");
                    assertThat(new String(answer, 8, 4, StandardCharsets.US_ASCII)).as(what).isEqualTo("WAVE");
                    assertThat(answer.length).as(what).isGreaterThan(44);
                }
                default -> {
                    continue;
                }
            }
            checked.add(route.group(1));
        }
        assertThat(documents).as("documents the Try-it stored").isNotEmpty();
        assertThat(checked).as("answers checked").contains("/v1/search");
    }

    static JsonNode json(byte[] answer) {
        return TesseraServer.JSON.readTree(answer);
    }

    static List<String> values(JsonNode hits, String field) {
        List<String> out = new ArrayList<>();
        hits.forEach(h -> out.add(h.path(field).asString()));
        return out;
    }
}
