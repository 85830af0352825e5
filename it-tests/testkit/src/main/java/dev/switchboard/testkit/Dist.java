package dev.switchboard.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.zip.ZipFile;

/**
 * The built distribution (system property {@code switchboard.dist}, default {@code dist}), as private copies.
 *
 * <p>Each file is copied once per JVM into a temporary directory (laid out as in {@code dist/}, so the command-line
 * jar finds the runtime jar beside it) and checked to be a complete jar, so a build rewriting {@code dist/} while
 * tests or benchmarks run cannot change the jars under running processes. A missing file fails with
 * {@link TestkitException.Code#DIST_MISSING} naming its path.
 */
public final class Dist {
    private static Path snapshot; // guarded by Dist.class

    private Dist() {}

    /** The {@code dist/} directory the copies are taken from. */
    public static Path dir() {
        return Path.of(System.getProperty("switchboard.dist", "dist")).toAbsolutePath().normalize();
    }

    /** A private copy of {@code dist/<name>} (e.g. {@code plugins/x-1.0.0.jar}). */
    public static synchronized Path file(String name) {
        Path src = dir().resolve(name);
        if (!Files.isRegularFile(src)) {
            throw new TestkitException(TestkitException.Code.DIST_MISSING, "dist file missing (build the project first): " + src);
        }
        try {
            Path copy = snapshot().resolve(name);
            if (Files.isRegularFile(copy)) return copy;
            Files.createDirectories(copy.getParent());
            copy.getParent().toFile().deleteOnExit();
            for (int attempt = 1; ; attempt++) {
                Path tmp = copy.resolveSibling(copy.getFileName() + ".tmp");
                Files.copy(src, tmp, StandardCopyOption.REPLACE_EXISTING);
                try (ZipFile z = new ZipFile(tmp.toFile())) {
                    z.stream().forEach(e -> { });
                } catch (IOException e) {
                    if (attempt >= 10) throw e;
                    Thread.sleep(3000); // dist/ is being rewritten by a build: try again
                    continue;
                }
                Files.move(tmp, copy, StandardCopyOption.ATOMIC_MOVE);
                copy.toFile().deleteOnExit();
                return copy;
            }
        } catch (IOException e) {
            throw new TestkitException(TestkitException.Code.DIST_MISSING, "cannot copy " + src + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(TestkitException.Code.DIST_MISSING, "interrupted copying " + src, e);
        }
    }

    private static Path snapshot() throws IOException {
        if (snapshot == null) {
            Path dir = Files.createTempDirectory("switchboard-dist-");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x")); // readable by host JVMs
            dir.toFile().deleteOnExit();
            snapshot = dir;
        }
        return snapshot;
    }

    /** {@code switchboard.jar}, the command line (agent, bridge, ctl); {@link #runtime()} sits beside it. */
    public static Path cli() {
        runtime();
        return file("switchboard.jar");
    }

    /** {@code switchboard-runtime.jar}, the in-JVM runtime. */
    public static Path runtime() {
        return file("switchboard-runtime.jar");
    }

    /** {@code sample-host.jar}. */
    public static Path host() {
        return file("sample-host.jar");
    }

    /** {@code plugins/<id>-<version>.jar}. */
    public static Path plugin(String id, String version) {
        return file("plugins/" + id + "-" + version + ".jar");
    }
}
