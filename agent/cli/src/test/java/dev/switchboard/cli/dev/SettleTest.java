package dev.switchboard.cli.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettleTest {
  private static final long MS = 1_000_000L;
  private final Map<String, Settle.Stat> files = new HashMap<>();
  private final Settle settle = new Settle(Duration.ofMillis(500));

  private Settle.Outcome poll(long millis) {
    return settle.poll(millis * MS, name -> Optional.ofNullable(files.get(name)));
  }

  @Test
  void aFileSettlesOnlyAfterItsSizeAndTimeStayedTheSameForTheQuietPeriod() {
    files.put("a.jar", new Settle.Stat(100, 1));
    settle.touch("a.jar", 0);
    assertThat(poll(0).settled()).isEmpty();
    assertThat(poll(400).settled()).as("400 ms of quiet is not enough").isEmpty();
    assertThat(poll(600).settled()).containsExactly("a.jar");
    assertThat(settle.isPending("a.jar")).isFalse();
  }

  @Test
  void aFileThatKeepsGrowingStaysPendingHoweverLongItIsWritten() {
    settle.touch("a.jar", 0);
    for (int t = 0; t <= 5_000; t += 100) {
      files.put("a.jar", new Settle.Stat(t, t));
      assertThat(poll(t).settled()).as("at %d ms", t).isEmpty();
    }
    assertThat(poll(5_400).settled()).isEmpty();
    assertThat(poll(5_600).settled()).containsExactly("a.jar");
  }

  @Test
  void aNewEventRestartsTheQuietPeriodEvenWhenTheStatLooksUnchanged() {
    files.put("a.jar", new Settle.Stat(100, 1));
    settle.touch("a.jar", 0);
    poll(0);
    settle.touch("a.jar", 450 * MS);
    assertThat(poll(600).settled()).isEmpty();
    assertThat(poll(960).settled()).containsExactly("a.jar");
  }

  @Test
  void aPendingFileThatDisappearsIsReportedGone() {
    files.put("a.jar", new Settle.Stat(100, 1));
    settle.touch("a.jar", 0);
    poll(0);
    files.remove("a.jar");
    Settle.Outcome o = poll(100);
    assertThat(o.gone()).containsExactly("a.jar");
    assertThat(o.settled()).isEmpty();
    assertThat(settle.size()).isZero();
  }
}
