package dev.switchboard.sample.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import dev.switchboard.runtime.plugin.PluginManager;
import dev.switchboard.runtime.plugin.PluginManagerConfig;
import dev.switchboard.sample.shared.Lib;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The jars the build wrote to dist/plugins, through the real runtime core, in this JVM as the host. */
class DistPluginsTest {
  private static final ExtensionPoint<RequestFilter> FILTERS = Extensions.point(RequestFilter.class);
  private static final Path DIST = Path.of(System.getProperty("switchboard.dist", "../../dist"));

  private PluginManager manager;

  @BeforeEach
  void setUp() {
    manager = PluginManager.builder().config(PluginManagerConfig.builder()
        .hostExports(List.of("dev.switchboard.sample.spi"))
        .stopTimeout(Duration.ofSeconds(1))
        .threadTimeout(Duration.ofMillis(500))
        .eagerUnloadCheck(Duration.ofSeconds(3)) // asserts each unload outcome at deactivation
        .build()).build();
  }

  @AfterEach
  void tearDown() {
    manager.close();
    assertThat(FILTERS.isEmpty()).isTrue();
  }

  static Path jar(String name) {
    Path p = DIST.resolve(name);
    assumeTrue(Files.isRegularFile(p), "not built: " + p);
    return p;
  }

  static String sha(Path p) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)));
  }

  PluginStatus activate(String id, String jarName, String config) throws Exception {
    Path p = jar(jarName);
    return manager.activate(new ActivateRequest(id, p.toString(), sha(p), config)).get(60, TimeUnit.SECONDS);
  }

  PluginStatus deactivate(String id) throws Exception {
    return manager.deactivate(id).get(60, TimeUnit.SECONDS);
  }

  static Req request(String path, Map<String, String> headers) {
    Req r = new Req(path, headers);
    if (FILTERS.forEachWhile(RequestFilter::filter, r)) {
      r.status = 200;
    }
    FILTERS.forEach(RequestFilter::completed, r);
    return r;
  }

  @Test
  void responseHeaderShowsItsVersionAndUpgradesFromOneToTwo() throws Exception {
    assertThat(activate("response-header", "plugins/response-header-1.0.0.jar", "{}").state()).isEqualTo(PluginState.ACTIVE);
    assertThat(request("/", Map.of()).headers).containsEntry("X-Switchboard-Plugin", "response-header/1.0.0");
    PluginStatus up = activate("response-header", "plugins/response-header-2.0.0.jar", "{}");
    assertThat(up.version()).isEqualTo("2.0.0");
    assertThat(up.unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(request("/", Map.of()).headers).containsEntry("X-Switchboard-Plugin", "response-header/2.0.0");
    assertThat(deactivate("response-header").unload()).isEqualTo(UnloadOutcome.COLLECTED);
    assertThat(request("/", Map.of()).headers).doesNotContainKey("X-Switchboard-Plugin");
  }

  @Test
  void apiKeyAuthNeedsItsKeyInConfigAndAnswers401WithoutIt() throws Exception {
    PluginStatus noKey = activate("api-key-auth", "plugins/api-key-auth-1.0.0.jar", "{}");
    assertThat(noKey.state()).isEqualTo(PluginState.FAILED);
    assertThat(noKey.error()).startsWith("config: does not match configSchema: ").contains("key");
    assertThat(activate("api-key-auth", "plugins/api-key-auth-1.0.0.jar", "{\"key\":\"k1\"}").state()).isEqualTo(PluginState.ACTIVE);
    assertThat(request("/", Map.of()).status).isEqualTo(401);
    assertThat(request("/", Map.of("X-Api-Key", "k1")).status).isEqualTo(200);
  }

  @Test
  void rateLimitAnswers429AndReconfiguresLive() throws Exception {
    activate("rate-limit", "plugins/rate-limit-1.0.0.jar", "{\"qps\":0.001,\"burst\":2}");
    assertThat(request("/", Map.of()).status).isEqualTo(200);
    assertThat(request("/", Map.of()).status).isEqualTo(200);
    assertThat(request("/", Map.of()).status).isEqualTo(429);
    PluginStatus bad = activate("rate-limit", "plugins/rate-limit-1.0.0.jar", "{\"qps\":-1}");
    assertThat(bad.state()).isEqualTo(PluginState.FAILED);
    assertThat(manager.status("rate-limit").orElseThrow().state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus live = activate("rate-limit", "plugins/rate-limit-1.0.0.jar", "{\"qps\":1000,\"burst\":50}");
    assertThat(live.error()).isNull();
    Thread.sleep(20);
    assertThat(request("/", Map.of()).status).isEqualTo(200);
  }

  @Test
  void requestLogCountsAndServesItsCounters() throws Exception {
    activate("request-log", "plugins/request-log-1.0.0.jar", "{\"log\":false}");
    request("/a", Map.of());
    Req stats = request("/_switchboard/request-log", Map.of());
    assertThat(stats.body).startsWith("{\"total\":1,");
  }

  @Test
  void bundledLibraryVersionWinsInsideThePluginOnly() throws Exception {
    assertThat(activate("bundled-lib", "plugins/fixtures/bundled-lib-1.0.0.jar", "{}").state()).isEqualTo(PluginState.ACTIVE);
    assertThat(request("/", Map.of()).headers).containsEntry("X-Lib-Version", "plugin-2.0");
    assertThat(Lib.version()).isEqualTo("host-1.0");
  }

  @Test
  void fixturesFailWithTheirDocumentedReasons() throws Exception {
    PluginStatus throwsInStart = activate("throws-in-start", "plugins/fixtures/throws-in-start-1.0.0.jar", "{}");
    assertThat(throwsInStart.error()).startsWith("start: java.lang.IllegalStateException: fixture: throws in start");
    assertThat(throwsInStart.unload()).isEqualTo(UnloadOutcome.COLLECTED);

    assertThat(activate("wrong-api", "plugins/fixtures/wrong-api-1.0.0.jar", "{}").error())
        .isEqualTo("descriptor: api range [2.0,3.0) excludes runtime API 1.1");
    assertThat(activate("malformed-descriptor", "plugins/fixtures/malformed-descriptor-1.0.0.jar", "{}").error())
        .startsWith("descriptor: plugin.json is not valid JSON: ");
    PluginStatus newer = activate("newer-java", "plugins/fixtures/newer-java-1.0.0.jar", "{}");
    if (Runtime.version().feature() < 25) {
      assertThat(newer.error()).isEqualTo("class dev/switchboard/sample/fixtures/newerjava/NewerJava.class needs Java 25 (major 69), host is Java "
          + Runtime.version().feature());
    } else {
      assertThat(newer.state()).isEqualTo(PluginState.ACTIVE);
    }

    assertThat(activate("hangs-in-stop", "plugins/fixtures/hangs-in-stop-1.0.0.jar", "{}").state()).isEqualTo(PluginState.ACTIVE);
    assertThat(request("/", Map.of()).headers).containsEntry("X-Fixture", "hangs-in-stop");
    PluginStatus hung = deactivate("hangs-in-stop");
    assertThat(hung.state()).isEqualTo(PluginState.FAILED);
    assertThat(hung.error()).startsWith("stop: timed out after 1s (thread switchboard-hangs-in-stop-stop interrupted and abandoned)");
    assertThat(request("/", Map.of()).headers).doesNotContainKey("X-Fixture");

    assertThat(activate("leaks-thread", "plugins/fixtures/leaks-thread-1.0.0.jar", "{}").state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus leaked = deactivate("leaks-thread");
    assertThat(leaked.state()).isEqualTo(PluginState.INACTIVE);
    assertThat(leaked.leakedThreads()).containsExactly("fixture-leaked-thread");
    assertThat(leaked.unload()).isEqualTo(UnloadOutcome.COLLECTED);
  }

  /** A host-side exchange like the sample host's. */
  static final class Req implements Exchange {
    final String path;
    final Map<String, String> in = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    int status = 200;
    String body = "hello";

    Req(String path, Map<String, String> headers) {
      this.path = path;
      this.in.putAll(headers);
    }

    @Override public String method() { return "GET"; }
    @Override public String path() { return path; }
    @Override public String requestHeader(String name) { return in.get(name); }
    @Override public String clientAddress() { return "127.0.0.1"; }
    @Override public void setResponseHeader(String name, String value) { headers.put(name, value); }
    @Override public void respond(int status, String body) { this.status = status; this.body = body; }
    @Override public int status() { return status; }
    @Override public long elapsedNanos() { return 1000; }
  }
}
