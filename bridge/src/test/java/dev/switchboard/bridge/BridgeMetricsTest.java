package dev.switchboard.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.bridge.merge.Side;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The bridge's Prometheus text as /metrics serves it. */
class BridgeMetricsTest {
  private static BridgeMetrics fresh() {
    return new BridgeMetrics(() -> 0, () -> 0, () -> 0, () -> 1, () -> 1);
  }

  private static List<String> samples(String scrape, String name) {
    return Arrays.stream(scrape.split("\n")).filter(l -> l.startsWith(name + "{") || l.startsWith(name + " ")).toList();
  }

  @Test
  void everyCounterExistsAtZeroForEveryLabelValueBeforeItsFirstEvent() {
    String scrape = fresh().scrape();
    assertThat(samples(scrape, "switchboard_bridge_conflicts_total")).containsExactlyInAnyOrder(
        "switchboard_bridge_conflicts_total{winner=\"etcd\"} 0.0", "switchboard_bridge_conflicts_total{winner=\"zookeeper\"} 0.0");
    assertThat(samples(scrape, "switchboard_bridge_errors_total")).hasSize(BridgeMetrics.ERROR_REASONS.size())
        .allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    assertThat(samples(scrape, "switchboard_bridge_fenced_retries_total")).hasSize(2).allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    assertThat(samples(scrape, "switchboard_bridge_skipped_total")).hasSize(2 * BridgeMetrics.SKIP_REASONS.size())
        .allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    assertThat(samples(scrape, "switchboard_bridge_writes_total")).hasSize(4).allSatisfy(l -> assertThat(l).endsWith(" 0.0"));
    assertThat(samples(scrape, "switchboard_bridge_events_in_sync_total")).hasSize(2);
    assertThat(samples(scrape, "switchboard_bridge_scans_total")).containsExactly("switchboard_bridge_scans_total 0.0");
    assertThat(samples(scrape, "switchboard_bridge_lag_seconds_count")).hasSize(2).allSatisfy(l -> assertThat(l).endsWith(" 0"));
  }

  @Test
  void aSkipCarriesTheStoreTheValueCameFrom() {
    BridgeMetrics m = fresh();
    m.skip("zookeeper", "sequential");
    assertThat(samples(m.scrape(), "switchboard_bridge_skipped_total"))
        .contains("switchboard_bridge_skipped_total{reason=\"sequential\",store=\"zookeeper\"} 1.0")
        .noneMatch(l -> l.contains("store=\"bridge\""));
    assertThat(m.skips()).isEqualTo(1);
    assertThatThrownBy(() -> m.skip("bridge", "other")).hasMessageContaining("bridge");
  }

  @Test
  void lagIsAHistogramWhoseBucketsCountEveryCopy() {
    BridgeMetrics m = fresh();
    m.lag(Side.ETCD, Duration.ofMillis(30));
    String scrape = m.scrape();
    assertThat(samples(scrape, "switchboard_bridge_lag_seconds_count"))
        .contains("switchboard_bridge_lag_seconds_count{direction=\"etcd_to_zookeeper\"} 1")
        .contains("switchboard_bridge_lag_seconds_count{direction=\"zookeeper_to_etcd\"} 0");
    assertThat(scrape).contains("switchboard_bridge_lag_seconds_bucket{direction=\"etcd_to_zookeeper\",le=\"+Inf\"} 1")
        .doesNotContain("quantile=");
  }

  @Test
  void everyMetricFamilyHasHelpText() {
    BridgeMetrics m = fresh();
    m.ledger(o -> 1, o -> 2);
    Set<String> typed = new TreeSet<>();
    Set<String> helped = new TreeSet<>();
    for (String l : m.scrape().split("\n")) {
      String[] f = l.split(" ", 4);
      if (l.startsWith("# TYPE ")) typed.add(f[2]);
      if (l.startsWith("# HELP ") && f.length == 4 && !f[3].isBlank()) helped.add(f[2]);
    }
    assertThat(typed).hasSizeGreaterThanOrEqualTo(15);
    assertThat(helped).containsAll(typed);
  }
}
