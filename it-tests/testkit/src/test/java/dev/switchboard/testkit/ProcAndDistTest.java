package dev.switchboard.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcAndDistTest {
    @TempDir
    Path tmp;

    @Test
    void aChildsLinesAreAwaitedAndItsExitCodeRead() throws Exception {
        try (Proc p = Proc.start("version", tmp.resolve("logs"), Proc.java("-version"))) {
            String version = p.await("version \"([^\"]+)\"", Duration.ofSeconds(60));
            assertThat(version).isEqualTo(System.getProperty("java.version"));
            assertThat(p.awaitExit(Duration.ofSeconds(60))).isZero();
            assertThat(p.exitCode()).contains(0);
            assertThat(Files.readString(tmp.resolve("logs/version.log"))).contains(version);
        }
    }

    @Test
    void awaitingALineThatNeverComesFailsWithTheOutput() throws Exception {
        try (Proc p = Proc.start("version", tmp.resolve("logs"), Proc.java("-version"))) {
            assertThatThrownBy(() -> p.await("no such line", Duration.ofSeconds(60)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("no line matching 'no such line'")
                    .hasMessageContaining("exited 0")
                    .hasMessageContaining("version");
        }
    }

    @Test
    void distFilesArePrivateCopiesAndAMissingOneIsNamed() throws Exception {
        Path dist = tmp.resolve("dist");
        Files.createDirectories(dist.resolve("plugins"));
        try (OutputStream out = Files.newOutputStream(dist.resolve("plugins/p-1.0.0.jar"));
                ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry("plugin.json"));
            zip.write("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        String before = System.getProperty("switchboard.dist");
        System.setProperty("switchboard.dist", tmp.resolve("dist").toString());
        try {
            Path copy = Dist.plugin("p", "1.0.0");
            assertThat(copy).isNotEqualTo(dist.resolve("plugins/p-1.0.0.jar")).hasFileName("p-1.0.0.jar")
                    .hasSameBinaryContentAs(dist.resolve("plugins/p-1.0.0.jar"));
            Files.delete(dist.resolve("plugins/p-1.0.0.jar"));
            assertThatThrownBy(Dist::host)
                    .isInstanceOfSatisfying(TestkitException.class, e -> assertThat(e.code()).isEqualTo(TestkitException.Code.DIST_MISSING))
                    .hasMessageContaining(dist.resolve("sample-host.jar").toString());
        } finally {
            if (before == null) System.clearProperty("switchboard.dist");
            else System.setProperty("switchboard.dist", before);
        }
    }
}
