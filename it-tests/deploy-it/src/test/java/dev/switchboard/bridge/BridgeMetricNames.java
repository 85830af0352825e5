package dev.switchboard.bridge;

import dev.switchboard.bridge.merge.Side;
import java.time.Duration;

/**
 * Test helper (same package as {@link BridgeMetrics}, whose constructor is package-private): records
 * one sample on every metric the bridge exports and returns the Prometheus text, so the deploy
 * files can be checked against the names the code really produces.
 */
public final class BridgeMetricNames {
  private BridgeMetricNames() {}

  public static String scrapeEveryMetric() {
    BridgeMetrics m = new BridgeMetrics(() -> 1, () -> 0, () -> 1.7e9, () -> 1, () -> 1);
    for (Side s : Side.values()) {
      m.write(s, false);
      m.write(s, true);
      m.conflict(s);
      m.fenceFailed(s);
      m.lag(s, Duration.ofMillis(3));
      m.echo(s);
    }
    m.merged(Duration.ofMillis(2));
    m.ledger(o -> 1, o -> 2);
    m.skip("zookeeper", "ephemeral");
    m.error("io");
    m.scan(1);
    return m.scrape();
  }
}
