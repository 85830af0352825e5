package dev.switchboard.it.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.it.deploy.TemplateBuilds.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sample-plugins/plugin-template builds offline as a plugin author would build it (after the
 * plugin API is installed: {@link TemplateBuilds}), prints the jar's sha256 and the ctl line, and the jar it produces
 * activates in a real sample host through {@code switchboard host activate}.
 */
class PluginTemplateIT {
  @TempDir static Path shared;
  @TempDir Path tmp;
  private static Path jar;
  private static Path signKey;

  /** The template README's two commands: install the plugin API, then {@code mvn package} (offline here). */
  @BeforeAll
  static void buildTheTemplate() throws Exception {
    Path root = Paths.root();
    // a release signing key, as a plugin author makes one; the build prints the signing set-artifact line with it
    Result keygen = run(root, Duration.ofMinutes(1), Paths.java().toString(), "-jar", Paths.dist().resolve("switchboard.jar").toString(),
        "ctl", "keygen", shared.resolve("keys/release").toString());
    assertThat(keygen.code()).as("ctl keygen:\n" + keygen.output()).isZero();
    signKey = shared.resolve("keys/release.key");

    Path project = shared.resolve("plugin-template");
    Result build = TemplateBuilds.build("plugin-template", project, "-Dswitchboard.signKey=" + signKey);
    assertThat(build.code()).as("template build:\n" + build.output()).isZero();
    assertThat(build.output()).contains("Tests run: 4, Failures: 0, Errors: 0");

    jar = project.resolve("target/hello-header-1.0.0.jar");
    assertThat(jar).isRegularFile();
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
    assertThat(build.output()).contains("sha256: " + sha)
        .contains("switchboard ctl set-artifact demo hello-header " + jar + " --etcd http://127.0.0.1:23790 --sign-key " + signKey)
        .contains("sign:    signed with " + signKey);
    try (ZipFile z = new ZipFile(jar.toFile())) {
      assertThat(z.getEntry("plugin.json")).as("plugin.json at the jar root").isNotNull();
      String descriptor = new String(z.getInputStream(z.getEntry("plugin.json")).readAllBytes(), StandardCharsets.UTF_8);
      assertThat(descriptor).contains("\"id\": \"hello-header\"").contains("\"version\": \"1.0.0\"");
      assertThat(z.getEntry("dev/switchboard/api/Plugin.class")).as("the API is not bundled").isNull();
    }
  }

  @Test
  void theDemoSidecarActivatesTheTemplatePluginFromCtl() throws Exception {
    try (DemoRun demo = DemoRun.start(tmp)) {
      await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(500))
          .until(() -> demo.output().contains("press Ctrl-C") || !demo.process.isAlive());
      assertThat(demo.process.isAlive()).as("demo running; output:\n" + demo.output()).isTrue();
      String etcd = "http://127.0.0.1:" + demo.ports.get("--etcd-port");
      for (List<String> verb : List.of(List.of("set-artifact", "demo", "hello-header", jar.toString(), "--sign-key", signKey.toString()),
          List.of("enable", "demo", "hello-header"))) {
        List<String> cmd = new ArrayList<>(List.of(Paths.java().toString(), "-jar", Paths.dist().resolve("switchboard.jar").toString(), "ctl"));
        cmd.addAll(verb);
        cmd.addAll(List.of("--etcd", etcd));
        Result r = run(tmp, Duration.ofMinutes(1), cmd.toArray(String[]::new));
        assertThat(r.code()).as(String.join(" ", cmd) + ":\n" + r.output()).isZero();
        if (verb.get(0).equals("set-artifact")) assertThat(r.output()).as("the value carries the signature").contains("\"signature\":\"");
      }
      HttpClient http = HttpClient.newHttpClient();
      URI host = URI.create("http://127.0.0.1:" + demo.ports.get("--host-port") + "/");
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(host).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("X-Hello")).hasValue("hello from hello-header/1.0.0");
      });
      demo.process.destroy();
      assertThat(demo.waitFor(Duration.ofSeconds(60))).isTrue();
      assertThat(demo.leftovers()).isEmpty();
    }
  }

  @Test
  void templateJarActivatesInARealSampleHostThroughHostActivate() throws Exception {
    Path root = Paths.root();
    Process host = new ProcessBuilder(Paths.java().toString(), "-jar", Paths.dist().resolve("sample-host.jar").toString(), "--port", "0")
        .redirectErrorStream(true).start();
    try {
      int port = listeningPort(host);
      Result activate = run(root, Duration.ofMinutes(2), Paths.java().toString(), "-jar", Paths.dist().resolve("switchboard.jar").toString(),
          "host", "activate", "--pid", Long.toString(host.pid()), "--jar", jar.toString(), "--control-dir", tmp.resolve("control").toString());
      System.out.println(activate.output());
      assertThat(activate.code()).as("host activate:\n" + activate.output()).isZero();
      HttpClient http = HttpClient.newHttpClient();
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(r.headers().firstValue("X-Hello")).hasValue("hello from hello-header/1.0.0");
      });
    } finally {
      host.destroy();
      if (!host.waitFor(10, TimeUnit.SECONDS)) host.destroyForcibly();
    }
  }

  /** Reads the sample host's output up to {@code LISTENING <port>}, then keeps draining it. */
  static int listeningPort(Process host) throws IOException {
    BufferedReader r = new BufferedReader(new InputStreamReader(host.getInputStream(), StandardCharsets.UTF_8));
    List<String> seen = new ArrayList<>();
    String line;
    while ((line = r.readLine()) != null) {
      seen.add(line);
      if (line.startsWith("LISTENING ")) {
        Thread drain = new Thread(() -> {
          try {
            while (r.readLine() != null) {
              // keep the pipe empty
            }
          } catch (IOException ignored) {
            // the host went away
          }
        }, "sample-host-output");
        drain.setDaemon(true);
        drain.start();
        return Integer.parseInt(line.substring("LISTENING ".length()).trim());
      }
    }
    throw new AssertionError("sample host exited without LISTENING: " + seen);
  }

  static Result run(Path dir, Duration timeout, String... cmd) throws Exception {
    return TemplateBuilds.run(dir, timeout, cmd);
  }
}
