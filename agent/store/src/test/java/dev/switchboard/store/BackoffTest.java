package dev.switchboard.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Backoff b = new Backoff(Duration.ofMillis(200), Duration.ofSeconds(5));

  @Test
  void delaysDoubleFromTheInitialOneUpToTheMaximum() {
    assertThat(b.delay(1)).isEqualTo(Duration.ofMillis(200));
    assertThat(b.delay(2)).isEqualTo(Duration.ofMillis(400));
    assertThat(b.delay(5)).isEqualTo(Duration.ofMillis(3200));
    assertThat(b.delay(6)).isEqualTo(Duration.ofSeconds(5));
    assertThat(b.delay(1000)).as("no overflow on long failure runs").isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void aKeptDelayDoublesAndIsCapped() {
    assertThat(b.nextMillis(200)).isEqualTo(400);
    assertThat(b.nextMillis(4000)).isEqualTo(5000);
    assertThat(b.nextMillis(0)).as("never below the initial delay").isEqualTo(400);
  }

  @Test
  void aJitteredDelayLiesBetweenHalfAndAllOfTheDelayAndSpreadsAFleetsRetries() {
    java.util.Set<Long> seen = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      long d = Backoff.jitter(1000);
      assertThat(d).isBetween(500L, 1000L);
      seen.add(d);
    }
    assertThat(seen).as("1000 agents retrying after one restart do not retry at one moment").hasSizeGreaterThan(100);
    assertThat(Backoff.jitter(0)).isZero();
    assertThatThrownBy(() -> Backoff.jitter(-1)).hasMessageContaining("delayMillis is negative: -1");
  }

  @Test
  void badBoundsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).hasMessageContaining("initial is not positive: PT0S");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).hasMessageContaining("max PT1S is below initial PT2S");
    assertThatThrownBy(() -> b.delay(0)).hasMessageContaining("attempt is below 1: 0");
  }
}
