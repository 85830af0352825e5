package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.testkit.Dist;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two versions of response-header live in one real sample host (JDK 17), calls shared 0 → 10 → 50 → 100 % under
 * load through {@code switchboard host traffic}, with requests pinned by {@code x-deployment-id}; every response's
 * version is recorded; then {@code host promote}.
 */
class TrafficShiftIT {
  static final String HEADER = "X-Switchboard-Plugin";
  static final String V1 = "response-header/1.0.0";
  static final String V2 = "response-header/2.0.0";
  static Path controlDir;
  static HostProcess host;
  static HostCli cli;

  @BeforeAll
  static void startHost() throws Exception {
    controlDir = Files.createTempDirectory("sb-traffic-");
    host = HostProcess.sampleHost(Jdks.java17());
    cli = new HostCli(controlDir, host.pid());
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

  static Cli.Result host(String... args) {
    String[] full = new String[args.length + 3];
    full[0] = "host";
    System.arraycopy(args, 0, full, 1, args.length);
    full[args.length + 1] = "--pid";
    full[args.length + 2] = Long.toString(host.pid());
    Cli.Result r = Cli.run(controlDir, full);
    System.out.println("switchboard " + String.join(" ", full) + " -> " + r.exit() + ": " + r.stdout().trim()
        + (r.stderr().isBlank() ? "" : " | " + r.stderr().trim()));
    return r;
  }

  static Cli.Result split(int w1, int w2) {
    Cli.Result r = host("traffic", "--jar", Dist.plugin("response-header", "2.0.0").toString(), "--weights",
        "1.0.0=" + w1 + ",2.0.0=" + w2, "--pin-header", "x-deployment-id", "--pin", "v1=1.0.0,v2=2.0.0");
    assertThat(r.exit()).as(r.toString()).isZero();
    return r;
  }

  /** Counts of each header value seen by {@code load} while it sends {@code n} more requests. */
  static Map<String, Long> window(LoadGenerator load, long n) {
    Map<String, Long> before = snapshot(load);
    long start = load.requests.get();
    long end = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    while (load.requests.get() - start < n) {
      assertThat(System.nanoTime()).as("%d requests within 120 s", n).isLessThan(end);
      HostProcess.sleep(20);
    }
    Map<String, Long> after = snapshot(load);
    Map<String, Long> diff = new HashMap<>();
    after.forEach((k, v) -> {
      long d = v - before.getOrDefault(k, 0L);
      if (d > 0) diff.put(k, d);
    });
    System.out.println("window of " + n + " requests: " + diff);
    return diff;
  }

  static Map<String, Long> snapshot(LoadGenerator load) {
    Map<String, Long> m = new HashMap<>();
    load.headerValues.forEach((k, v) -> m.put(k, v.get()));
    return m;
  }

  static double share(Map<String, Long> w, String value) {
    long total = w.values().stream().mapToLong(Long::longValue).sum();
    return 100.0 * w.getOrDefault(value, 0L) / total;
  }

  @Test
  @SuppressWarnings("unchecked")
  void callsShiftZeroTenFiftyHundredPercentUnderLoadWithPinnedRequestsAlwaysOnTheirVersionAndNoneFailing() throws Exception {
    assertThat(cli.activate(Dist.plugin("response-header", "1.0.0")).exit()).isZero();
    AtomicBoolean pinning = new AtomicBoolean(false);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong pinned = new AtomicLong();
    List<String> pinViolations = new CopyOnWriteArrayList<>();
    Thread pinner = new Thread(() -> {
      while (!stop.get()) {
        if (!pinning.get()) {
          HostProcess.sleep(10);
          continue;
        }
        for (String[] pin : new String[][] {{"v1", V1}, {"v2", V2}}) {
          HttpResponse<String> r = Http.get(host.port, "/", Map.of("x-deployment-id", pin[0]));
          String got = Http.header(r, HEADER);
          pinned.incrementAndGet();
          if (r.statusCode() != 200 || !pin[1].equals(got)) pinViolations.add(pin[0] + " -> " + r.statusCode() + " " + got);
        }
      }
    }, "pinned-client");
    pinner.setDaemon(true);
    pinner.start();
    try (LoadGenerator load = new LoadGenerator(host.port, HEADER, 3, 10_000_000, Duration.ofMinutes(10)).start()) {
      split(100, 0);
      pinning.set(true);
      Map<String, Long> w0 = window(load, 1_500);
      assertThat(w0).as("0 %%: every request on 1.0.0").containsOnlyKeys(V1);

      split(90, 10);
      Map<String, Long> w10 = window(load, 2_000);
      assertThat(share(w10, V2)).as("10 %% of 2000 requests on 2.0.0 (tolerance ±4 points): %s", w10).isBetween(6.0, 14.0);
      assertThat(w10).containsOnlyKeys(V1, V2);

      split(50, 50);
      Map<String, Long> w50 = window(load, 2_000);
      assertThat(share(w50, V2)).as("50 %% (tolerance ±6 points): %s", w50).isBetween(44.0, 56.0);
      Map<String, Object> figures = (Map<String, Object>) ((Map<String, Object>) HostCli.stats(cli.statusJson()).get("traffic"))
          .get("response-header");
      Map<String, Object> versions = (Map<String, Object>) figures.get("versions");
      System.out.println("traffic figures at 50 %: " + figures);
      assertThat(versions).containsOnlyKeys("1.0.0", "2.0.0");
      assertThat((Long) ((Map<String, Object>) versions.get("1.0.0")).get("calls")).isPositive();
      assertThat((Long) ((Map<String, Object>) versions.get("2.0.0")).get("calls")).isPositive();
      assertThat(((Map<String, Object>) versions.get("2.0.0")).get("weight")).isEqualTo(50L);
      Map<String, Map<String, Object>> plugins = HostCli.plugins(cli.statusJson());
      assertThat(plugins.get("response-header")).containsEntry("state", "ACTIVE").containsEntry("version", "1.0.0");

      split(0, 100);
      Map<String, Long> w100 = window(load, 1_500);
      assertThat(w100).as("100 %%: every request on 2.0.0").containsOnlyKeys(V2);

      stop.set(true); // after the promotion one version is left: pins have nothing to choose from
      pinner.join(15_000);
      Cli.Result promote = host("promote", "--plugin", "response-header");
      assertThat(promote.exit()).as(promote.toString()).isZero();
      assertThat(promote.stdout()).contains("ACTIVE").contains("2.0.0");
      Map<String, Long> after = window(load, 500);
      assertThat(after).containsOnlyKeys(V2);
      assertThat(load.failures.get()).as("failed requests: %s", load.failureSamples).isZero();
      System.out.println("load: " + load.requests.get() + " requests, " + load.headerValues + "; pinned requests: " + pinned.get());
    } finally {
      stop.set(true);
      pinner.join(15_000);
    }
    assertThat(pinned.get()).as("pinned requests sent").isGreaterThan(100);
    assertThat(pinViolations).as("pinned requests off their version").isEmpty();
    assertThat(HostCli.stats(cli.statusJson()).get("traffic")).isEqualTo(Map.of());
    assertThat(HostCli.plugins(cli.statusJson()).get("response-header")).containsEntry("version", "2.0.0");
    assertThat(cli.deactivate("response-header").exit()).isZero();
  }
}
