package dev.switchboard.sidecar.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.testing.FakeKeySpace;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The publisher's retry logic against an in-memory store (real stores: StatusPublisherCoalescingIT and the ITs). */
class StatusPublisherTest {
  static final String KEY = "/switchboard/status/shop/node-1/plugins/rh";

  @Test
  void aStatusWriteThatFailsWhileTheStoreStaysConnectedIsWrittenAgainWithTheNewestValue() {
    FakeKeySpace etcd = new FakeKeySpace("etcd");
    etcd.connect();
    etcd.failNextLiveWrites(2);
    try (StatusPublisher p = new StatusPublisher(List.of(etcd), "/switchboard", "shop", "node-1")) {
      p.plugin(report(1, "STARTING"));
      p.plugin(report(2, "ACTIVE"));
      // no further report comes (the plugin stays ACTIVE): only a retry can write the key
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.liveValue(KEY) != null);
      assertThat(etcd.liveValue(KEY)).contains("\"state\":\"ACTIVE\"").contains("\"generation\":2");
    }
  }

  @Test
  void aFailedWriteOfAStatusRemovedMeanwhileEndsWithTheKeyGone() {
    FakeKeySpace etcd = new FakeKeySpace("etcd");
    etcd.connect();
    try (StatusPublisher p = new StatusPublisher(List.of(etcd), "/switchboard", "shop", "node-1")) {
      p.plugin(report(1, "ACTIVE"));
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.liveValue(KEY) != null);
      etcd.failNextLiveWrites(1);
      p.plugin(report(2, "STOPPING"));
      p.removed("rh");
      await().atMost(Duration.ofSeconds(10)).until(() -> etcd.liveValue(KEY) == null);
    }
  }

  private static PluginReport report(long generation, String state) {
    return new PluginReport("rh", state, true, "1.0.0", "a".repeat(64), "2026-12-03T16:00:00.000Z", null, generation, true);
  }
}
