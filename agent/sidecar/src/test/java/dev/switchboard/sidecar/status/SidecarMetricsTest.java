package dev.switchboard.sidecar.status;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.sidecar.reconcile.FailureReasons;
import dev.switchboard.sidecar.reconcile.PluginReport;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The agent's Prometheus text as /metrics serves it. */
class SidecarMetricsTest {
  private static List<String> lines(String scrape, String prefix) {
    return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(prefix)).collect(Collectors.toList());
  }

  @Test
  void everySeriesCarriesTheServiceAndNodeLabels() {
    SidecarMetrics m = new SidecarMetrics("checkout", "node-7");
    m.storeState("etcd", true);
    m.plugin("p");
    m.report(new PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-12-03T00:00:00Z", null, 1, true));
    String scrape = m.scrape();
    List<String> samples = Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith("switchboard_")).toList();
    assertThat(samples).hasSizeGreaterThan(FailureReasons.all().size());
    assertThat(samples).allSatisfy(l -> assertThat(l).contains("node=\"node-7\"").contains("service=\"checkout\""));
  }

  @Test
  void failureCountersOfEveryReasonExistAtZeroOnceThePluginIsKnown() {
    SidecarMetrics m = new SidecarMetrics("checkout", "node-1");
    assertThat(lines(m.scrape(), "switchboard_reconcile_failures_total")).isEmpty();
    m.plugin("response-header");
    List<String> zero = lines(m.scrape(), "switchboard_reconcile_failures_total{");
    assertThat(zero).hasSize(FailureReasons.all().size()).allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    assertThat(FailureReasons.all()).contains("fetch_checksum_mismatch", "control_attach_refused", "runtime_failed", "runtime_refused", "error");
    m.failure("response-header", "fetch_checksum_mismatch");
    assertThat(lines(m.scrape(), "switchboard_reconcile_failures_total{"))
        .hasSize(FailureReasons.all().size())
        .anySatisfy(l -> assertThat(l).contains("reason=\"fetch_checksum_mismatch\"").endsWith(" 1.0"));
  }

  @Test
  void pluginStateHasOneSeriesPerStateAndOnlyTheCurrentOneIsOne() {
    SidecarMetrics m = new SidecarMetrics("checkout", "node-1");
    m.report(new PluginReport("p", "FAILED", true, "1.0.0", "0".repeat(64), "2026-12-03T00:00:00Z", "boom", 1, false));
    List<String> states = lines(m.scrape(), "switchboard_plugin_state{");
    assertThat(states).hasSize(dev.switchboard.control.PluginState.values().length);
    assertThat(states.stream().filter(l -> l.endsWith(" 1.0")).toList()).singleElement().asString().contains("state=\"FAILED\"");
    m.report(new PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-12-03T00:00:01Z", null, 2, true));
    assertThat(lines(m.scrape(), "switchboard_plugin_state{").stream().filter(l -> l.endsWith(" 1.0")).toList())
        .singleElement().asString().contains("state=\"ACTIVE\"");
    m.removed("p");
    assertThat(lines(m.scrape(), "switchboard_plugin_state{")).isEmpty();
  }

  @Test
  void attachedReadsZeroFromTheStartAndFollowsTheConnection() {
    SidecarMetrics m = new SidecarMetrics("checkout", "node-1");
    assertThat(lines(m.scrape(), "switchboard_agent_attached{")).singleElement().asString().endsWith(" 0.0");
    m.attached(true);
    assertThat(lines(m.scrape(), "switchboard_agent_attached{")).singleElement().asString().endsWith(" 1.0");
  }

  @Test
  void everyMetricFamilyHasHelpText() {
    SidecarMetrics m = new SidecarMetrics("checkout", "node-1");
    m.storeState("etcd", true);
    m.plugin("p");
    m.report(new PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-12-03T00:00:00Z", null, 1, true));
    String scrape = m.scrape();
    Set<String> typed = new TreeSet<>();
    Set<String> helped = new TreeSet<>();
    for (String l : scrape.split("\n")) {
      String[] f = l.split(" ", 4);
      if (l.startsWith("# TYPE ")) typed.add(f[2]);
      if (l.startsWith("# HELP ") && f.length == 4 && !f[3].isBlank()) helped.add(f[2]);
    }
    assertThat(typed).contains("switchboard_plugin_active", "switchboard_plugin_state", "switchboard_agent_attached",
        "switchboard_store_connected", "switchboard_reconcile_failures_total", "switchboard_flip_to_live_seconds");
    assertThat(helped).containsAll(typed);
  }
}
