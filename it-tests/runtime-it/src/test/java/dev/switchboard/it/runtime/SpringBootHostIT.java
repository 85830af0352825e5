package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.switchboard.control.internal.Json;
import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Spring Boot 3 executable jar ({@code java -jar dist/spring-boot-host.jar}) with the starter: its
 * plugin API lives in {@code BOOT-INF/lib}, in Spring Boot's launcher loader, and nothing of
 * Switchboard is on its system class path. Attach, the sample plugins filter the unmodified
 * controller's requests (through the application's own point, a plugin servlet filter and a plugin
 * Spring MVC interceptor), an upgrade under load fails no request, deactivation collects the loader,
 * the actuator endpoint shows the plugin, and an export of a missing package is named.
 */
class SpringBootHostIT {
  static final String HEADER = SampleHostIT.HEADER;
  @TempDir Path controlDir;

  @Test
  void aSpringBootFatJarOnJava17IsAHostWithoutAnyRestart() throws Exception {
    exercise(Jdks.java17());
  }

  @Test
  void aSpringBootFatJarOnJava25IsAHostWithoutAnyRestart() throws Exception {
    assumeTrue(Jdks.java25Available(), "Temurin 25 not installed at " + Jdks.JAVA25);
    exercise(Jdks.JAVA25);
  }

  private void exercise(String java) throws Exception {
    try (HostProcess host = HostProcess.springBootHost(java)) {
      HttpResponse<String> plain = Http.get(host.port);
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(plain.body()).isEqualTo("hello");
      assertThat(Http.header(plain, HEADER)).isNull();
      HostCli cli = new HostCli(controlDir, host.pid());

      // attach + activate: the host's own copy of the API is used, none is appended to the system class path
      Cli.Result a = cli.activate(Dist.plugin("response-header", "1.0.0"));
      assertThat(a.exit()).as(a.toString()).isZero();
      assertThat(a.stdout()).containsPattern("attached to " + host.pid() + " and started the runtime in \\d+ ms");
      host.await(l -> l.contains("plugin API of the host's loader org.springframework.boot.loader.launch.LaunchedClassLoader"), 10);
      assertThat(host.output()).doesNotContain("appended");
      assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("response-header/1.0.0");
      assertThat(Http.get(host.port, "/orders/7", Map.of()).body()).isEqualTo("order 7");

      // the actuator endpoint shows the plugin as the runtime reported it
      Map<String, Object> actuator = Json.parseObject(Http.get(host.port, "/actuator/switchboard", Map.of()).body());
      @SuppressWarnings("unchecked")
      List<Map<String, Object>> plugins = (List<Map<String, Object>>) actuator.get("plugins");
      assertThat(plugins).anySatisfy(p -> assertThat(p).containsEntry("plugin", "response-header").containsEntry("state", "ACTIVE")
          .containsEntry("version", "1.0.0"));

      // upgrade 1.0.0 -> 2.0.0 under load: no request fails, none sees neither version
      try (LoadGenerator load = new LoadGenerator(host.port, HEADER, 4, 200_000, Duration.ofSeconds(180)).start()) {
        awaitTrue(() -> load.seen("response-header/1.0.0") > 200, "load sees version 1.0.0");
        Cli.Result up = cli.activate(Dist.plugin("response-header", "2.0.0"));
        assertThat(up.exit()).as(up.toString()).isZero();
        awaitTrue(() -> load.seen("response-header/2.0.0") > 200, "load sees version 2.0.0");
        load.close();
        System.out.println("Spring Boot host (" + java + "): upgrade 1.0.0 -> 2.0.0 under load: " + load.requests.get() + " requests, "
            + load.failures.get() + " failed, header values " + load.headerValues);
        assertThat(load.failureSamples).isEmpty();
        assertThat(load.failures.get()).isZero();
        assertThat(load.seen("<none>")).as("requests that saw no version during the swap").isZero();
      }

      // an auth plugin stops requests before the controller
      assertThat(cli.activate(Dist.plugin("api-key-auth", "1.0.0"), "--config", "{\"key\":\"k1\"}").exit()).isZero();
      assertThat(Http.get(host.port).statusCode()).isEqualTo(401);
      assertThat(Http.get(host.port, "/", Map.of("X-Api-Key", "k1")).body()).isEqualTo("hello");
      assertThat(cli.deactivate("api-key-auth").exit()).isZero();

      // the starter's ready-made point: a plugin's jakarta.servlet.Filter runs ahead of the application's filters
      assertThat(cli.activate(Dist.plugin("servlet-header", "1.0.0")).exit()).isZero();
      HttpResponse<String> servlet = Http.get(host.port, "/orders/8", Map.of());
      assertThat(servlet.body()).isEqualTo("order 8");
      assertThat(Http.header(servlet, "X-Switchboard-Servlet")).isEqualTo("servlet-header/1.0.0");
      assertThat(cli.deactivate("servlet-header").exit()).isZero();
      assertThat(Http.header(Http.get(host.port), "X-Switchboard-Servlet")).isNull();

      // the starter's Spring MVC point: a plugin's HandlerInterceptor sees the chosen handler and can stop the request before it
      assertThat(cli.activate(Dist.plugin("mvc-header", "1.0.0")).exit()).isZero();
      HttpResponse<String> mvc = Http.get(host.port, "/orders/9", Map.of());
      assertThat(mvc.body()).isEqualTo("order 9");
      assertThat(Http.header(mvc, "X-Switchboard-Mvc")).isEqualTo("mvc-header/1.0.0");
      assertThat(Http.header(mvc, "X-Switchboard-Handler")).contains("HelloController#order");
      HttpResponse<String> blocked = Http.get(host.port, "/orders/9", Map.of("X-Block", "1"));
      assertThat(blocked.statusCode()).isEqualTo(403);
      assertThat(blocked.body()).startsWith("blocked by mvc-header/1.0.0 before ").contains("HelloController#order");
      assertThat(cli.deactivate("mvc-header").exit()).isZero();
      HttpResponse<String> unblocked = Http.get(host.port, "/orders/9", Map.of("X-Block", "1"));
      assertThat(unblocked.body()).as("no interceptor after deactivation").isEqualTo("order 9");
      assertThat(Http.header(unblocked, "X-Switchboard-Mvc")).isNull();

      // exports asked later are not ignored; one that no loader defines is named (CLI and host log)
      Cli.Result e = cli.activate(Dist.plugin("response-header", "2.0.0"), "--exports", "org.springframework.web.bind.annotation,no.such.pkg");
      assertThat(e.exit()).as(e.toString()).isZero();
      assertThat(e.stderr()).contains("exports not found in any class loader of host " + host.pid() + ": no.such.pkg");
      host.await(l -> l.contains("host exports not found in any class loader of the host: [no.such.pkg]"), 10);
      assertThat(host.output()).containsPattern("exports in force \\[[^]]*org\\.springframework\\.web\\.bind\\.annotation");

      // deactivate: the header is gone, the loaders are collected, the app keeps serving
      assertThat(cli.deactivate("response-header").exit()).isZero();
      HttpResponse<String> after = Http.get(host.port);
      assertThat(after.body()).isEqualTo("hello");
      assertThat(Http.header(after, HEADER)).isNull();
      Map<String, Object> p = cli.settledUnload("response-header");
      assertThat(p).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
      @SuppressWarnings("unchecked")
      Map<String, Object> unloads = (Map<String, Object>) HostCli.stats(cli.statusJson()).get("unloads");
      assertThat(unloads).doesNotContainKey("leaked");
    }
  }

  static void awaitTrue(BooleanSupplier c, String what) {
    long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < end) {
      if (c.getAsBoolean()) return;
      HostProcess.sleep(20);
    }
    throw new AssertionError("not within 90 s: " + what);
  }
}
