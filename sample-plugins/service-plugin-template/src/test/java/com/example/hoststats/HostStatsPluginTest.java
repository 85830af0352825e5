package com.example.hoststats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.api.testing.PluginHarness;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.function.BooleanSupplier;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/** The plugin against the plugin API's test harness: no host, no runtime, no store. */
class HostStatsPluginTest {
  static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
  final ObjectName name = name();

  static ObjectName name() {
    try {
      return new ObjectName("com.example.hoststats:type=HostStats,plugin=host-stats");
    } catch (javax.management.MalformedObjectNameException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void servesTheHostsFiguresOnItsPortAndAsAnMBeanAndKeepsSampling() throws Exception {
    try (PluginHarness h = PluginHarness.start(new HostStatsPlugin(), "host-stats", "1.0.0", Map.of("intervalMillis", 20))) {
      assertTrue(MBEANS.isRegistered(name), name + " registered");
      int port = (Integer) MBEANS.getAttribute(name, "Port");
      String body = get(port);
      assertTrue(body.startsWith("{\"plugin\":\"host-stats/1.0.0\",\"samples\":"), body);
      assertTrue(body.contains("\"threadCount\":"), body);
      assertTrue((Long) MBEANS.getAttribute(name, "HeapUsedBytes") > 0, "heap read from java.lang:type=Memory");
      awaitTrue(() -> samples() >= 3, "the scheduler takes samples");
    }
  }

  @Test
  void stopReleasesThePortAndTheMBeanAndLeavesNoThread() throws Exception {
    PluginHarness h = PluginHarness.start(new HostStatsPlugin(), "host-stats", "1.0.0", Map.of());
    int port = (Integer) MBEANS.getAttribute(name, "Port");
    PluginHarness.StopReport report = h.stop();
    assertTrue(report.clean(), "clean stop: " + report);
    assertFalse(MBEANS.isRegistered(name), name + " unregistered");
    assertThrows(ConnectException.class, () -> get(port), "port " + port + " closed");
  }

  @Test
  void aSecondInstanceIsRefusedWhileTheFirstHoldsTheMBeanAndTakesNoPort() throws Exception {
    try (PluginHarness first = PluginHarness.start(new HostStatsPlugin(), "host-stats", "1.0.0", Map.of())) {
      Exception e = assertThrows(Exception.class, () -> PluginHarness.start(new HostStatsPlugin(), "host-stats", "1.0.0", Map.of()));
      assertTrue(String.valueOf(e).contains("InstanceAlreadyExists") || String.valueOf(e.getCause()).contains("InstanceAlreadyExists"),
          "refused for the MBean name: " + e);
      assertEquals(1, MBEANS.queryNames(new ObjectName("com.example.hoststats:*"), null).size());
    }
  }

  private long samples() {
    try {
      return (Long) MBEANS.getAttribute(name, "Samples");
    } catch (javax.management.JMException e) {
      throw new AssertionError(e);
    }
  }

  static String get(int port) throws IOException, InterruptedException {
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode());
    return r.body();
  }

  static void awaitTrue(BooleanSupplier condition, String what) throws InterruptedException {
    long end = System.nanoTime() + 10_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) throw new AssertionError("not within 10 s: " + what);
      Thread.sleep(10);
    }
  }
}
