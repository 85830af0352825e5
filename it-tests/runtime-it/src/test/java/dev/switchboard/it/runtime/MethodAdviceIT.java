package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Method advice in a real host (the sample host's request handler, a class that offers no extension point for
 * it), attached live with the real CLI: behaviour changes on activation and is restored on deactivation with the
 * dispatcher's table empty and the plugin's loader collected; an upgrade under load where every request sees
 * exactly one version; a throwing handler that leaves responses intact and shows in the status until it is
 * switched off; refused JDK targets. One JDK 17 host for the class; every test leaves it without plugins.
 */
class MethodAdviceIT {
  static final String HEADER = "X-Advice";
  static Path controlDir;
  static HostProcess host;
  static HostCli cli;

  @BeforeAll
  static void startHost() throws Exception {
    controlDir = Files.createTempDirectory("sb-advice-");
    host = HostProcess.sampleHost(Jdks.java17(), "-Dswitchboard.advice.maxFailures=5");
    cli = new HostCli(controlDir, host.pid());
    assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
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
  void adviceChangesTheResponseAndDeactivationRestoresTheMethodWithTheLoaderCollected() {
    Cli.Result a = cli.activate(Dist.plugin("advice-header", "1.0.0"));
    assertThat(a.exit()).as(a.toString()).isZero();
    assertThat(a.stdout()).contains("advice-header").contains("ACTIVE");
    HttpResponse<String> r = Http.get(host.port);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(Http.header(r, HEADER)).isEqualTo("advice-header/1.0.0");
    Map<String, Object> advice = advice(cli.statusJson());
    assertThat(advice).containsEntry("available", true).containsEntry("sites", 1L).containsEntry("liveAdvice", 1L);
    assertThat((Long) advice.get("retransformedClasses")).isPositive();
    assertThat(advice).containsEntry("wovenClasses", 1L);
    Map<String, Object> woven = wovenClass(advice, "dev.switchboard.sample.host.FilterChain");
    assertThat(woven).as("the installed bytes are the woven ones").containsEntry("restored", false);
    assertThat(woven.get("current")).isNotEqualTo(woven.get("original"));
    assertThat(HostCli.plugins(cli.statusJson()).get("advice-header").get("error")).isNull();

    Cli.Result d = cli.deactivate("advice-header");
    assertThat(d.exit()).as(d.toString()).isZero();
    for (int i = 0; i < 5; i++) assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
    assertThat(cli.settledUnload("advice-header")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    Map<String, Object> status = cli.statusJson();
    assertThat(advice(status)).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L).containsEntry("wovenClasses", 0L);
    Map<String, Object> restored = wovenClass(advice(status), "dev.switchboard.sample.host.FilterChain");
    assertThat(restored).as("the bytes installed by the restoring retransformation are the original ones")
        .containsEntry("restored", true).containsEntry("original", woven.get("original"));
    assertThat(restored.get("current")).isEqualTo(woven.get("original"));
    System.out.println("advice stats after deactivation: " + advice(status));
  }

  @Test
  void twoPluginsAdvisingOneMethodRunInPluginIdOrderAndEachDeactivationLeavesTheOtherWorking() {
    // activated in the reverse of the documented order: the chain follows the plugin ids, not activation order
    // both trace their handlers into the host's output: before handlers in plugin-id order, after-return in reverse
    Cli.Result b = cli.activate(Dist.plugin("advice-header-b", "1.0.0"), "--config", "{\"trace\":true}");
    assertThat(b.exit()).as(b.toString()).isZero();
    Cli.Result a = cli.activate(Dist.plugin("advice-header", "1.0.0"), "--config", "{\"trace\":true}");
    assertThat(a.exit()).as(a.toString()).isZero();
    int from = host.lines.size();
    HttpResponse<String> both = Http.get(host.port);
    assertThat(both.body()).isEqualTo("hello");
    assertThat(Http.header(both, HEADER)).as("advice-header's before handler runs first, then advice-header-b's")
        .isEqualTo("both:advice-header/1.0.0,advice-header-b/1.0.0");
    SampleHostIT.awaitTrue(() -> traces(from).size() >= 4, "four handler traces of one request in the host's output");
    assertThat(traces(from)).as("the first advice (by plugin id) is the outermost").containsExactly(
        "before advice-header", "before advice-header-b", "afterReturn advice-header-b", "afterReturn advice-header");
    assertThat(advice(cli.statusJson())).containsEntry("sites", 1L).containsEntry("liveAdvice", 2L);

    assertThat(cli.deactivate("advice-header").exit()).isZero();
    for (int i = 0; i < 5; i++) assertThat(Http.header(Http.get(host.port), HEADER)).isEqualTo("advice-header-b/1.0.0");
    assertThat(cli.settledUnload("advice-header")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    Map<String, Object> one = advice(cli.statusJson());
    assertThat(one).as("the method stays woven for the remaining plugin").containsEntry("sites", 1L).containsEntry("liveAdvice", 1L);

    assertThat(cli.deactivate("advice-header-b").exit()).isZero();
    assertThat(cli.settledUnload("advice-header-b")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    Map<String, Object> none = advice(cli.statusJson());
    System.out.println("advice stats with one of two plugins left: " + one + "; with none: " + none);
    assertThat(none).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L);
    assertThat((Long) none.get("retransformedClasses")).as("the last deactivation retransformed the class back")
        .isGreaterThan((Long) one.get("retransformedClasses"));
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = Http.get(host.port);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hello");
      assertThat(Http.header(r, HEADER)).isNull();
    }
  }

  @Test
  void upgradeUnderLoadFailsNoRequestAndEveryRequestSeesExactlyOneVersion() throws Exception {
    assertThat(cli.activate(Dist.plugin("advice-header", "1.0.0")).exit()).isZero();
    try (LoadGenerator load = new LoadGenerator(host.port, HEADER, 4, 200_000, Duration.ofSeconds(60)).start()) {
      SampleHostIT.awaitTrue(() -> load.seen("advice-header/1.0.0") > 200, "load sees version 1.0.0");
      Cli.Result up = cli.activate(Dist.plugin("advice-header", "2.0.0"));
      assertThat(up.exit()).as(up.toString()).isZero();
      SampleHostIT.awaitTrue(() -> load.seen("advice-header/2.0.0") > 200, "load sees version 2.0.0");
      load.close();
      System.out.println("advice upgrade 1.0.0 -> 2.0.0 under load: " + load.requests.get() + " requests, "
          + load.failures.get() + " failed, header values " + load.headerValues);
      assertThat(load.failureSamples).isEmpty();
      assertThat(load.failures.get()).isZero();
      assertThat(load.seen("<none>")).as("requests that ran no version's advice").isZero();
      assertThat(load.headerValues.keySet()).as("requests that ran both versions' advice")
          .containsOnly("advice-header/1.0.0", "advice-header/2.0.0");
    }
    assertThat(cli.settledUnload("advice-header")).containsEntry("state", "ACTIVE").containsEntry("version", "2.0.0")
        .containsEntry("unload", "collected");
    assertThat(advice(cli.statusJson())).containsEntry("sites", 1L).containsEntry("liveAdvice", 1L);
    assertThat(cli.deactivate("advice-header").exit()).isZero();
    assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
  }

  @Test
  void aThrowingHandlerLeavesResponsesIntactIsCountedAndIsSwitchedOff() {
    Cli.Result a = cli.activate(Dist.plugin("advice-header", "1.0.0"), "--config", "{\"failHandler\":true}");
    assertThat(a.exit()).as(a.toString()).isZero();
    for (int i = 0; i < 8; i++) {
      HttpResponse<String> r = Http.get(host.port);
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("hello");
    }
    SampleHostIT.awaitTrue(() -> String.valueOf(HostCli.plugins(cli.statusJson()).get("advice-header").get("error"))
        .contains("switched off"), "the status reports the advice switched off");
    String error = (String) HostCli.plugins(cli.statusJson()).get("advice-header").get("error");
    System.out.println("status of a failing advice: " + error);
    assertThat(error).startsWith("advice: 5 handler failures").contains("failHandler is set")
        .contains("switched off: dev.switchboard.sample.host.FilterChain#handle").contains("after 5 handler failures");
    assertThat(HostCli.plugins(cli.statusJson()).get("advice-header")).containsEntry("state", "ACTIVE");
    assertThat(cli.deactivate("advice-header").exit()).isZero();
    assertThat(Http.get(host.port).statusCode()).isEqualTo(200);
  }

  @Test
  void adviceDeclaredInPluginJsonIsWovenWithoutPluginCodeAndRemovedWithTheOriginalBytesBack() {
    Cli.Result a = cli.activate(Dist.plugin("advice-declared", "1.0.0"));
    assertThat(a.exit()).as(a.toString()).isZero();
    assertThat(a.stdout()).contains("advice-declared").contains("ACTIVE");
    HttpResponse<String> r = Http.get(host.port);
    assertThat(r.body()).isEqualTo("hello");
    assertThat(Http.header(r, HEADER)).isEqualTo("declared-in-plugin.json");
    assertThat(advice(cli.statusJson())).containsEntry("sites", 1L).containsEntry("liveAdvice", 1L);

    assertThat(cli.deactivate("advice-declared").exit()).isZero();
    assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
    assertThat(cli.settledUnload("advice-declared")).containsEntry("state", "INACTIVE").containsEntry("unload", "collected");
    Map<String, Object> after = advice(cli.statusJson());
    assertThat(after).containsEntry("sites", 0L).containsEntry("wovenClasses", 0L);
    assertThat(wovenClass(after, "dev.switchboard.sample.host.FilterChain")).containsEntry("restored", true);
  }

  @Test
  void adviceOnAJdkClassIsRefusedWithTheReasonAndNothingIsWoven() {
    Cli.Result a = cli.activate(Dist.plugin("advice-header", "1.0.0"), "--config", "{\"target\":\"java.lang.String\"}");
    assertThat(a.exit()).as(a.toString()).isEqualTo(1);
    assertThat(a.stdout()).contains("FAILED").contains("ADVICE_REFUSED").contains("java.lang.String is refused")
        .contains("switchboard.advice.allow");
    assertThat(advice(cli.statusJson())).containsEntry("sites", 0L).containsEntry("liveAdvice", 0L);
    assertThat(Http.header(Http.get(host.port), HEADER)).isNull();
    assertThat(cli.deactivate("advice-header").exit()).isZero();
  }

  @Test
  void aMethodTheLoadedClassDoesNotHaveFailsTheActivationNamingIt() {
    Cli.Result a = cli.activate(Dist.plugin("advice-header", "1.0.0"), "--config",
        "{\"target\":\"dev.switchboard.sample.host.SampleHost\"}");
    assertThat(a.exit()).as(a.toString()).isEqualTo(1);
    assertThat(a.stdout()).contains("BAD_ADVICE").contains("loaded class dev.switchboard.sample.host.SampleHost has no method handle");
    assertThat(cli.deactivate("advice-header").exit()).isZero();
  }

  /** The handler traces ({@code advice-trace ...}) the host printed from output line {@code from} on. */
  static List<String> traces(int from) {
    List<String> all = host.lines;
    return all.subList(from, all.size()).stream().filter(l -> l.contains("advice-trace "))
        .map(l -> l.substring(l.indexOf("advice-trace ") + "advice-trace ".length()).trim()).toList();
  }

  /** The bytecode hashes of the one woven class named {@code name} (in whatever loader). */
  @SuppressWarnings("unchecked")
  static Map<String, Object> wovenClass(Map<String, Object> advice, String name) {
    Map<String, Object> classes = (Map<String, Object>) advice.get("classes");
    List<String> keys = classes.keySet().stream().filter(k -> k.equals(name) || k.startsWith(name + "@")).toList();
    assertThat(keys).as("woven classes named " + name + " in " + classes).hasSize(1);
    return (Map<String, Object>) classes.get(keys.get(0));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> advice(Map<String, Object> status) {
    return (Map<String, Object>) HostCli.stats(status).get("advice");
  }
}
