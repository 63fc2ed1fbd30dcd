package dev.tessera.services.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/install-browser.sh} never breaks the build: where it cannot install, it says why
 * and exits 0 (the browser test then skips itself). Run with a PATH of stand-ins for the tools it asks about.
 */
class InstallBrowserScriptTest {

    static final Path SCRIPT = Path.of("..", "scripts", "install-browser.sh").toAbsolutePath();

    @TempDir
    Path bin;

    void tool(String name, String body) throws Exception {
        Path file = bin.resolve(name);
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    record Run(int exit, String output) {}

    Run run() throws Exception {
        String bash = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/usr/bin/bash";
        ProcessBuilder pb = new ProcessBuilder(bash, SCRIPT.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("TMPDIR", bin.toString()); // its apt log, not the real one
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.waitFor(), out);
    }

    @Test
    void doesNothingWhenChromiumAndItsDriverAreOnThePath() throws Exception {
        tool("chromium", "exit 0");
        tool("chromedriver", "exit 0");
        tool("apt-get", "echo APT-RAN; exit 1");
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.output()).doesNotContain("APT-RAN").isEmpty();
    }

    @Test
    void withoutAptItExplainsAndSucceeds() throws Exception {
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("no apt-get", "skipped");
    }

    @Test
    void withoutRootOrSudoItExplainsAndSucceeds() throws Exception {
        tool("apt-get", "echo APT-RAN; exit 1");
        tool("id", "echo 1000");
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("not root", "skipped").doesNotContain("APT-RAN");
    }

    @Test
    void aFailingAptIsReportedButDoesNotFailTheBuild() throws Exception {
        tool("apt-get", "echo 'E: Unable to locate package chromium'; exit 100");
        tool("id", "echo 0");
        Run r = run();
        assertThat(r.exit()).isZero();
        assertThat(r.output()).contains("apt-get failed", "skipped");
        assertThat(bin.resolve("tessera-install-browser.log")).content().contains("Unable to locate package");
    }
}
