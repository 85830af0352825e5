package dev.switchboard.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Jetty 12 from the {@code jetty-home} distribution (Maven Central) that a test module's build
 * unpacks and names in the system property {@value #PROPERTY}: a base prepared with {@code start.jar
 * --add-modules}, and the command that runs it ({@code java -jar start.jar}) on an ephemeral port, printed in the
 * line {@link #PORT_LINE} matches.
 */
public final class JettyHome {
    public static final String PROPERTY = "switchboard.it.jettyHome";
    /** Jetty's "Started ServerConnector@…{…:PORT}" line; group 1 is the port. */
    public static final String PORT_LINE = "Started ServerConnector@\\S*\\{.*:(\\d+)\\}";

    private JettyHome() {}

    /** The unpacked distribution named by {@value #PROPERTY}, when the build set it and it holds start.jar. */
    public static Optional<Path> fromProperty() {
        String p = System.getProperty(PROPERTY);
        if (p == null || !Files.isRegularFile(Path.of(p, "start.jar"))) return Optional.empty();
        return Optional.of(Path.of(p));
    }

    /** Prepares {@code base} with Jetty's {@code modules} (for example {@code http}), run with {@code java}. */
    public static void initBase(String java, Path home, Path base, String modules) throws IOException {
        Process init = new ProcessBuilder(java, "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "--add-modules=" + modules).directory(base.toFile()).redirectErrorStream(true).start();
        String out = new String(init.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!init.waitFor(60, TimeUnit.SECONDS) || init.exitValue() != 0) {
                init.destroyForcibly();
                throw new TestkitException(TestkitException.Code.START_FAILED, "jetty start.jar --add-modules=" + modules
                        + " in " + base + " failed:\n" + out);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TestkitException(TestkitException.Code.START_FAILED, "interrupted preparing the Jetty base " + base, e);
        }
    }

    /** {@code java -jar start.jar} for {@code base}, on an ephemeral port; run it with {@code base} as working dir. */
    public static List<String> command(String java, Path home, Path base) {
        return List.of(java, "-Xmx256m", "-jar", home.resolve("start.jar").toString(), "jetty.home=" + home,
                "jetty.base=" + base, "jetty.http.port=0");
    }
}
