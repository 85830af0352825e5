package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.control.internal.ControlFiles;
import dev.switchboard.control.internal.Frames;
import dev.switchboard.testkit.Dist;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code java -jar dist/sample-host.jar --port 0} (JDK 17) driven by the real CLI jar: activate,
 * deactivate, upgrade under load, re-adoption after the controller is killed, refused connections.
 * One host for the class; every test leaves it without active plugins.
 */
class SampleHostIT {
  static final String HEADER = "X-Switchboard-Plugin";
  static Path controlDir;
  static HostProcess host;
  static HostCli cli;

  @BeforeAll
  static void startHost() throws Exception {
    controlDir = Files.createTempDirectory("sb-ctl-");
    host = HostProcess.sampleHost(Jdks.java17());
    cli = new HostCli(controlDir, host.pid());
    assertThat(host.output()).contains("PID " + host.pid());
    HttpResponse<String> r = Http.get(host.port);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(Http.header(r, HEADER)).isNull();
  }

  @AfterAll
  static void stopHost() throws Exception {
    if (host != null) host.close();
    if (controlDir != null) {
      try (var s = Files.list(controlDir)) {
        s.forEach(p -> p.toFile().delete());
      }
      Files.deleteIfExists(controlDir);
    }
  }

  @Test
  void activateShowsTheHeaderAndDeactivateRemovesItWithTheLoaderCollected() {
    Cli.Result a = cli.activate(Dist.plugin("response-header", "1.0.0"));
    assertThat(a.exit()).as(a.toString()).isZero();
    assertThat(a.stdout()).contains("response-header").contains("ACTIVE");
    assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/1.0.0");

    Cli.Result d = cli.deactivate("response-header");
    assertThat(d.exit()).as(d.toString()).isZero();
    assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
    assertThat(d.stdout()).contains("unload="); // pending at first: no GC is forced on the deactivate path
    Map<String, Object> status = cli.statusJsonCheckingUnload(); // one GC on demand settles it
    Map<String, Object> p = HostCli.plugins(status).get("response-header");
    assertThat(p).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    @SuppressWarnings("unchecked")
    Map<String, Object> check = (Map<String, Object>) HostCli.stats(status).get("unloadCheck");
    assertThat(check).containsEntry("pending", 0L);
    assertThat((Long) check.get("explicitGcs")).isPositive();
  }

  @Test
  void upgradeUnderLoadFailsNoRequest() throws Exception {
    assertThat(cli.activate(Dist.plugin("response-header", "1.0.0")).exit()).isZero();
    try (LoadGenerator load = new LoadGenerator(host.port, HEADER, 4, 200_000, Duration.ofSeconds(60)).start()) {
      awaitTrue(() -> load.seen("response-header/1.0.0") > 200, "load sees version 1.0.0");
      Cli.Result up = cli.activate(Dist.plugin("response-header", "2.0.0"));
      assertThat(up.exit()).as(up.toString()).isZero();
      awaitTrue(() -> load.seen("response-header/2.0.0") > 200, "load sees version 2.0.0");
      load.close();
      System.out.println("upgrade 1.0.0 -> 2.0.0 under load: " + load.requests.get() + " requests, " + load.failures.get()
          + " failed, header values " + load.headerValues);
      assertThat(load.failureSamples).isEmpty();
      assertThat(load.failures.get()).isZero();
      assertThat(load.seen("<none>")).as("requests that saw no version during the swap").isZero();
    }
    Map<String, Object> status = cli.statusJson();
    assertThat(HostCli.plugins(status).get("response-header")).containsEntry("state", "ACTIVE").containsEntry("version", "2.0.0");
    assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/2.0.0");
    assertThat(cli.deactivate("response-header").exit()).isZero();
  }

  @Test
  void controllerKilledAndRestartedReadoptsWithoutReload() throws Exception {
    Path jar = Dist.plugin("response-header", "1.0.0");
    long startsBefore = HostCli.starts(cli.statusJson(), "response-header");
    String sha = sha256(jar);
    HostProcess controller = HostProcess.controller(HoldingController.class, "STATUS",
        controlDir.toString(), Dist.runtime().toString(), Long.toString(host.pid()), "response-header", jar.toString(), sha);
    String since;
    try {
      String line = controller.await(l -> l.startsWith("STATUS "), 5);
      assertThat(line).startsWith("STATUS ACTIVE ");
      since = line.substring("STATUS ACTIVE ".length());
      assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/1.0.0");
      controller.kill(); // SIGKILL: the sidecar-side process crashes
      assertThat(controller.process.isAlive()).isFalse();
    } finally {
      controller.close();
    }
    // plugins keep serving without any controller
    for (int i = 0; i < 20; i++) assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/1.0.0");

    // a restarted controller re-adopts: nothing reloaded (same start count, same since)
    Map<String, Object> status = cli.statusJson();
    Map<String, Object> p = HostCli.plugins(status).get("response-header");
    assertThat(p).containsEntry("state", "ACTIVE").containsEntry("since", since);
    assertThat(HostCli.starts(status, "response-header")).isEqualTo(startsBefore + 1);
    Cli.Result again = cli.activate(jar); // same sha256 and config: a no-op, not a reload
    assertThat(again.exit()).isZero();
    assertThat(again.stdout()).contains("re-adopted");
    Map<String, Object> after = cli.statusJson();
    assertThat(HostCli.starts(after, "response-header")).isEqualTo(startsBefore + 1);
    assertThat(HostCli.plugins(after).get("response-header")).containsEntry("since", since);
    System.out.println("re-adoption after controller kill: starts of response-header stayed " + (startsBefore + 1) + ", since " + since);
    assertThat(cli.deactivate("response-header").exit()).isZero();
  }

  @Test
  void connectionWithoutOrWithWrongTokenIsRefusedAndChangesNothing() throws Exception {
    assertThat(cli.activate(Dist.plugin("response-header", "1.0.0")).exit()).isZero();
    Map<String, Object> before = cli.statusJson();
    Path socket = controlDir.resolve(host.pid() + ".sock");
    // wrong token
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      Frames.write(ch, Map.of("type", "hello", "protocol", 1L, "token", ControlFiles.newToken()));
      assertThat(Frames.read(ch)).containsEntry("type", "error").containsEntry("code", "UNAUTHORIZED");
      assertThat(Frames.read(ch)).isNull();
    }
    // no token at all: straight to a request
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      Frames.write(ch, Map.of("type", "deactivate", "id", 1L, "pluginId", "response-header"));
      assertThat(Frames.read(ch)).containsEntry("type", "error").containsEntry("code", "UNAUTHORIZED");
    }
    // garbage bytes
    try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.connect(UnixDomainSocketAddress.of(socket));
      ch.write(java.nio.ByteBuffer.wrap("GET / HTTP/1.1\r\n\r\n".getBytes()));
      assertThat(Frames.read(ch)).containsEntry("type", "error");
    }
    Map<String, Object> after = cli.statusJson();
    assertThat(HostCli.plugins(after)).isEqualTo(HostCli.plugins(before));
    assertThat(HostCli.starts(after, "response-header")).isEqualTo(HostCli.starts(before, "response-header"));
    assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/1.0.0");
    host.await(l -> l.contains("refused connection") && l.contains("wrong or missing token"), 10);
    assertThat(cli.deactivate("response-header").exit()).isZero();
  }

  @Test
  void configFromTheCliIsValidatedAndReconfiguresLive() {
    Path jar = Dist.plugin("api-key-auth", "1.0.0");
    assertThat(cli.activate(jar, "--config", "{\"key\":\"first\"}").exit()).isZero();
    assertThat(Http.get(host.port).statusCode()).isEqualTo(401);
    assertThat(Http.get(host.port, "/", Map.of("X-Api-Key", "first")).statusCode()).isEqualTo(200);
    long starts = HostCli.starts(cli.statusJson(), "api-key-auth");

    // a config the schema refuses leaves the running plugin untouched
    Cli.Result bad = cli.activate(jar, "--config", "{\"key\":\"\",\"colour\":1}");
    assertThat(bad.exit()).as(bad.toString()).isEqualTo(1);
    assertThat(bad.stdout()).contains("FAILED").contains("config");
    assertThat(Http.get(host.port, "/", Map.of("X-Api-Key", "first")).statusCode()).isEqualTo(200);

    // a valid new config is delivered live (the plugin is Reconfigurable: no restart)
    assertThat(cli.activate(jar, "--config", "{\"key\":\"second\"}").exit()).isZero();
    assertThat(Http.get(host.port, "/", Map.of("X-Api-Key", "first")).statusCode()).isEqualTo(401);
    assertThat(Http.get(host.port, "/", Map.of("X-Api-Key", "second")).statusCode()).isEqualTo(200);
    assertThat(HostCli.starts(cli.statusJson(), "api-key-auth")).isEqualTo(starts);

    // a usage error never reaches the host
    assertThat(cli.activate(jar, "--config", "[not an object]").exit()).isEqualTo(2);
    assertThat(cli.deactivate("api-key-auth").exit()).isZero();
    assertThat(Http.get(host.port).statusCode()).isEqualTo(200);
  }

  static String sha256(Path p) throws Exception {
    java.security.MessageDigest md = java.security.MessageDigest.getInstance("SHA-256");
    return ControlFiles.hex(md.digest(Files.readAllBytes(p)));
  }

  static void awaitTrue(java.util.function.BooleanSupplier c, String what) {
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (!c.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within 60 s: " + what);
      HostProcess.sleep(20);
    }
  }
}
