package dev.tessera.services.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tessera.services.TesseraServer;
import java.io.File;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;
import tools.jackson.databind.JsonNode;

/**
 * The dashboard in a real browser (Debian's headless Chromium through its WebDriver): after an
 * ingest, the page shows the same document and chunk counts as {@code GET /v1/admin/stats}.
 * Chromium is installed by the build ({@code scripts/install-browser.sh}); where it cannot be, the
 * test is skipped, saying why.
 */
class AdminDashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path INSTALL_SCRIPT = Path.of("..", "scripts", "install-browser.sh");
    static final Path SCREENSHOT = Path.of("target", "admin-dashboard.png");

    static TesseraServer server;

    @BeforeAll
    static void browserAndServer() throws Exception {
        if (!browserInstalled() && Files.isRegularFile(INSTALL_SCRIPT)) {
            // Fallback for runs that skipped the build's install step (an IDE, -Dexec.skip).
            new ProcessBuilder("bash", INSTALL_SCRIPT.toString()).inheritIO().start().waitFor();
        }
        Assumptions.assumeTrue(browserInstalled(), "the admin dashboard's browser test needs " + CHROMIUM + " and "
                + CHROMEDRIVER + " (Debian: apt-get install chromium chromium-driver), which could not be installed here;"
                + " see the output of scripts/install-browser.sh");
        server = TesseraServer.shared();
    }

    static boolean browserInstalled() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    @Test
    void dashboardShowsTheDocumentAndChunkCountsOfTheStatsApi() throws Exception {
        ingest();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1400,1500", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        WebDriver browser = new ChromeDriver(service, options);
        try {
            browser.get(server.base() + "/admin");
            JsonNode index = server.get("/v1/admin/stats").json().get("index");
            long documents = index.get("documents").asLong();
            long chunks = index.get("chunks").asLong();
            // The page polls every 2 s; wait for a poll made after the ingest.
            new WebDriverWait(browser, Duration.ofSeconds(15)).until(b ->
                    String.valueOf(documents).equals(value(b, "stat-documents"))
                            && String.valueOf(chunks).equals(value(b, "stat-chunks")));

            JsonNode again = server.get("/v1/admin/stats").json().get("index");
            assertThat(again.get("documents").asLong()).as("nothing else wrote meanwhile").isEqualTo(documents);
            assertThat(value(browser, "stat-documents")).isEqualTo(String.valueOf(documents));
            assertThat(value(browser, "stat-chunks")).isEqualTo(String.valueOf(chunks));
            assertThat(browser.findElement(By.id("stat-documents")).getText())
                    .isEqualTo(String.format(Locale.US, "%,d", documents));
            assertThat(browser.findElement(By.id("embedding-model")).getText()).contains("bge-small-en-v1.5", "384");
            assertThat(browser.findElement(By.id("tokenizers")).getText()).contains("titok-tiny", "titok-truncated");

            // Let the request charts get a few samples in before the picture.
            Thread.sleep(2500);
            File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
            Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
            assertThat(Files.size(SCREENSHOT)).isPositive();
        } finally {
            browser.quit();
        }
    }

    private static String value(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getDomAttribute("data-value");
    }

    /** A bulk job and a single document through the API, with searches for the charts. */
    private static void ingest() throws Exception {
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            ndjson.append("{\"id\":\"dash-").append(i).append("\",\"title\":\"Dashboard ").append(i)
                    .append("\",\"text\":\"Dashboard document ").append(i).append(" about transonic buffet.\"}\n");
        }
        TesseraServer.Reply accepted = server.send("POST", "/v1/documents/bulk", "application/x-ndjson",
                HttpRequest.BodyPublishers.ofString(ndjson.toString()));
        assertThat(accepted.status()).isEqualTo(202);
        String job = accepted.json().get("id").asString();
        server.index("dash-single", "Dashboard", "A single document through POST /v1/documents.", Map.of());
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (server.get("/v1/jobs/" + job).json().get("state").asString().matches("queued|running")
                && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
        for (int i = 0; i < 5; i++) {
            server.postJson("/v1/search", Map.of("query", "transonic buffet", "k", 3));
        }
    }
}
