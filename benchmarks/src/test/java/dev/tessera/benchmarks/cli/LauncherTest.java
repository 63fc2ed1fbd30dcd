package dev.tessera.benchmarks.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The repository's launcher ({@code ./tessera}) run on a scratch copy of the checkout with a
 * stand-in for Maven ({@code TESSERA_MVN}) that logs when it starts and ends and takes a while:
 * two commands started together never run Maven at the same time, and the one that waited finds the
 * build the other made instead of building again; {@code test} ends with a line per skipped class.
 */
class LauncherTest {

    private static final Path LAUNCHER = Path.of("..", "tessera").toAbsolutePath().normalize();
    private static final Path SKIPPED_TESTS = Path.of("..", "scripts", "lib", "SkippedTests.java").toAbsolutePath().normalize();

    /** A checkout with the launcher and a Maven stand-in that appends "start"/"end" lines to maven.log. */
    private static Path checkout(Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("checkout"));
        Files.copy(LAUNCHER, root.resolve("tessera"));
        Files.createDirectories(root.resolve("scripts/lib"));
        Files.copy(SKIPPED_TESTS, root.resolve("scripts/lib/SkippedTests.java"));
        Files.createDirectories(root.resolve("services/src/main/java"));
        Files.writeString(root.resolve("pom.xml"), "<project/>\n");
        Path mvn = root.resolve("fake-mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                log="$(dirname "$0")/maven.log"
                echo "start $$ $(date +%s%N) $*" >> "$log"
                sleep 2
                mkdir -p services/target benchmarks/target opensearch-it/target
                touch services/target/tessera.jar benchmarks/target/classpath.txt opensearch-it/target/classpath.txt
                if [[ "$1 $2" == "-B test" ]]; then
                  mkdir -p services/target/surefire-reports
                  cat > services/target/surefire-reports/TEST-dev.tessera.FakeTest.xml <<'XML'
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="dev.tessera.FakeTest" tests="3" skipped="2">
                  <testcase name="runs" classname="dev.tessera.FakeTest" time="0.1"/>
                  <testcase name="needsDocker" classname="dev.tessera.FakeTest" time="0"><skipped message="Docker is not available"/></testcase>
                  <testcase name="needsData" classname="dev.tessera.DataTest" time="0"><skipped type="org.opentest4j.TestAbortedException"><![CDATA[org.opentest4j.TestAbortedException: Assumption failed: the data is not on this machine
                	at org.junit.jupiter.api.Assumptions.throwAssumptionFailed(Assumptions.java:340)
                ]]></skipped></testcase>
                </testsuite>
                XML
                  # captured output with a character XML 1.0 forbids (U+FFFF), as surefire writes it
                  printf '<?xml version="1.0" encoding="UTF-8"?>\\n<testsuite name="dev.tessera.NoisyTest"><testcase name="prints" classname="dev.tessera.NoisyTest"><skipped message="no data here"/><system-out><![CDATA[odd \\xef\\xbf\\xbf byte]]></system-out></testcase></testsuite>\\n' \
                    > services/target/surefire-reports/TEST-dev.tessera.NoisyTest.xml
                fi
                echo "end $$ $(date +%s%N)" >> "$log"
                """);
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(root.resolve("tessera"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return root;
    }

    private static Process start(Path root, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("./tessera"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().put("TESSERA_MVN", root.resolve("fake-mvn").toString());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return builder.start();
    }

    /** Starts {@code ./tessera command} twice, the second 0.3 s after the first; both must succeed. Their outputs. */
    private static List<String> runTogether(Path root, String command) throws Exception {
        Process first = start(root, command);
        Thread.sleep(300);
        Process second = start(root, command);
        return List.of(finish(first), finish(second));
    }

    private static String finish(Process p) throws Exception {
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    /** [start, end] nanosecond pairs of the stand-in's runs (matched by process id), in the order they started. */
    private static List<long[]> mavenRuns(Path root) throws IOException {
        java.util.Map<String, long[]> runs = new java.util.LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve("maven.log"))) {
            String[] f = line.split(" ");
            if (f[0].equals("start")) {
                runs.put(f[1], new long[] {Long.parseLong(f[2]), -1});
            } else {
                runs.get(f[1])[1] = Long.parseLong(f[2]);
            }
        }
        return new ArrayList<>(runs.values());
    }

    @Test
    void twoBuildsStartedTogetherRunMavenOnceAndTheSecondWaitsForIt(@TempDir Path dir) throws Exception {
        Path root = checkout(dir);
        List<String> outputs = runTogether(root, "build");
        List<long[]> runs = mavenRuns(root);
        assertThat(runs).as("Maven runs").hasSize(1);
        assertThat(runs.get(0)[1]).as("the run ended").isPositive();
        assertThat(String.join("", outputs)).contains("another ./tessera command is building");
    }

    @Test
    void testRunsWaitForEachOtherAndListTheSkippedClasses(@TempDir Path dir) throws Exception {
        Path root = checkout(dir);
        List<String> outputs = runTogether(root, "test");
        List<long[]> runs = mavenRuns(root);
        assertThat(runs).hasSize(2);
        long[] earlier = runs.get(0);
        long[] later = runs.get(1);
        assertThat(later[0]).as("the second Maven starts after the first has ended").isGreaterThanOrEqualTo(earlier[1]);
        for (String out : outputs) {
            assertThat(out).contains("tessera: skipped tests, one line per class:")
                    .contains("dev.tessera.FakeTest: 1 skipped: Docker is not available")
                    .contains("dev.tessera.NoisyTest: 1 skipped: no data here")
                    .contains("dev.tessera.DataTest: 1 skipped: the data is not on this machine");
        }
    }
}
