package dev.switchboard.cli.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlipLogTest {
  static final Instant T0 = Instant.parse("2026-12-03T20:00:00Z");

  static FlipLog.PluginState st(String state, String version) {
    return new FlipLog.PluginState(state, version);
  }

  @Test
  void theFirstViewIsTheBaselineAndRecordsNothing() {
    FlipLog log = new FlipLog(Duration.ofMinutes(10), 100);
    log.observe(T0, Map.of("shop/web-1/rh", st("ACTIVE", "1.0.0")), Map.of("shop/plugins/rh/enabled", "true"));
    assertThat(log.recent()).isEmpty();
  }

  @Test
  void stateAndVersionChangesAppearStatesFirstNewestFirst() {
    FlipLog log = new FlipLog(Duration.ofMinutes(10), 100);
    log.observe(T0, Map.of("shop/web-1/rh", st("INACTIVE", null)), Map.of("shop/plugins/rh/enabled", "false"));
    log.observe(T0.plusSeconds(1), Map.of("shop/web-1/rh", st("INACTIVE", null)), Map.of("shop/plugins/rh/enabled", "true"));
    log.observe(T0.plusSeconds(2), Map.of("shop/web-1/rh", st("ACTIVE", "1.0.0")), Map.of("shop/plugins/rh/enabled", "true"));
    log.observe(T0.plusSeconds(3), Map.of("shop/web-1/rh", st("ACTIVE", "2.0.0")), Map.of("shop/plugins/rh/enabled", "true"));
    assertThat(log.recent()).containsExactly(
        new FlipLog.Flip(T0.plusSeconds(3), "state", "shop", "web-1", "rh", "version", "1.0.0", "2.0.0"),
        new FlipLog.Flip(T0.plusSeconds(2), "state", "shop", "web-1", "rh", "state", "INACTIVE", "ACTIVE"),
        new FlipLog.Flip(T0.plusSeconds(1), "flag", "shop", null, "rh", "enabled", "false", "true"));
  }

  @Test
  void aFlagAndTheStateChangeItCausedSeenInOneViewListTheStateAsNewer() {
    FlipLog log = new FlipLog(Duration.ofMinutes(10), 100);
    log.observe(T0, Map.of("shop/web-1/rh", st("INACTIVE", "1.0.0")), Map.of("shop/plugins/rh/enabled", "false"));
    log.observe(T0.plusSeconds(1), Map.of("shop/web-1/rh", st("ACTIVE", "1.0.0")), Map.of("shop/plugins/rh/enabled", "true"));
    assertThat(log.recent()).extracting(FlipLog.Flip::kind).containsExactly("state", "flag");
  }

  @Test
  void nodesThatAppearOrGoAwayAndPerNodeOverridesAreFlipsToo() {
    FlipLog log = new FlipLog(Duration.ofMinutes(10), 100);
    log.observe(T0, Map.of("shop/web-1/rh", st("ACTIVE", "1.0.0")), Map.of());
    log.observe(T0.plusSeconds(1), Map.of("shop/web-2/rh", st("LOADING", null)), Map.of("shop/nodes/web-2/plugins/rh/enabled", "false"));
    assertThat(log.recent()).containsExactlyInAnyOrder(
        new FlipLog.Flip(T0.plusSeconds(1), "state", "shop", "web-1", "rh", "state", "ACTIVE", FlipLog.ABSENT),
        new FlipLog.Flip(T0.plusSeconds(1), "state", "shop", "web-2", "rh", "state", FlipLog.ABSENT, "LOADING"),
        new FlipLog.Flip(T0.plusSeconds(1), "flag", "shop", "web-2", "rh", "enabled", FlipLog.ABSENT, "false"));
  }

  @Test
  void flipsOlderThanTheWindowAndBeyondTheMaximumAreDropped() {
    FlipLog log = new FlipLog(Duration.ofMinutes(1), 3);
    log.observe(T0, Map.of(), Map.of("s/plugins/p/enabled", "0"));
    for (int i = 1; i <= 5; i++) log.observe(T0.plusSeconds(i), Map.of(), Map.of("s/plugins/p/enabled", Integer.toString(i)));
    assertThat(log.recent()).extracting(FlipLog.Flip::to).containsExactly("5", "4", "3");
    assertThat(log.prune(T0.plusSeconds(64))).isTrue();
    assertThat(log.recent()).extracting(FlipLog.Flip::to).containsExactly("5", "4");
    assertThat(log.prune(T0.plusSeconds(64))).isFalse();
  }

  @Test
  void longValuesAreShortened() {
    FlipLog log = new FlipLog(Duration.ofMinutes(1), 3);
    log.observe(T0, Map.of(), Map.of());
    log.observe(T0, Map.of(), Map.of("s/plugins/p/artifact", "x".repeat(500)));
    assertThat(log.recent().get(0).to()).hasSize(80).endsWith("…");
  }

  @Test
  void aWindowOfZeroIsRefusedNamingTheValue() {
    assertThatThrownBy(() -> new FlipLog(Duration.ZERO, 1)).hasMessage("window must be > 0: PT0S");
    assertThatThrownBy(() -> new FlipLog(Duration.ofMinutes(1), 0)).hasMessage("max must be >= 1: 0");
  }
}
