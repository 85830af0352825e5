package dev.switchboard.sidecar.desired;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.sidecar.testing.FakeKeySpace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DesiredFeedTest {
  static final String P = "/switchboard/services/checkout/plugins/p/";
  static final String ART = "{\"url\":\"file:///p.jar\",\"sha256\":\"" + "d".repeat(64) + "\"}";

  final FakeKeySpace etcd = new FakeKeySpace("etcd");
  final FakeKeySpace zk = new FakeKeySpace("zookeeper");
  final Map<String, Resolution> latest = new ConcurrentHashMap<>();
  final AtomicInteger ready = new AtomicInteger();
  final Map<String, String> active = new ConcurrentHashMap<>();
  /** Every submission of plugin p: desired or not, in order. */
  final List<Boolean> submissions = new CopyOnWriteArrayList<>();
  DesiredFeed feed;

  DesiredFeed feed(List<FakeKeySpace> stores) {
    return feed(stores, Duration.ofMillis(300));
  }

  DesiredFeed feed(List<FakeKeySpace> stores, Duration switchBackHold) {
    feed = new DesiredFeed(List.copyOf(stores), "etcd", "/switchboard", "checkout", "node-1", new DesiredFeed.Sink() {
      @Override public void submit(String plugin, Resolution r, boolean inStore) {
        latest.put(plugin, r);
        if (plugin.equals("p")) submissions.add(r.desired());
      }
      @Override public void ready() { ready.incrementAndGet(); }
      @Override public void activeStore(String s) { active.put("store", s); }
    }, null, switchBackHold);
    feed.start();
    return feed;
  }

  @AfterEach
  void close() {
    if (feed != null) feed.close();
  }

  boolean desired() {
    Resolution r = latest.get("p");
    return r != null && r.desired();
  }

  @Test
  void oneStoreAloneDrivesTheDesiredState() {
    etcd.write(P + "artifact", ART);
    etcd.write(P + "enabled", "true");
    feed(List.of(etcd));
    assertThat(ready.get()).isZero();
    etcd.connect();
    await().until(this::desired);
    assertThat(ready.get()).isEqualTo(1);
    etcd.write(P + "enabled", "false");
    await().until(() -> !desired());
  }

  @Test
  void thePreferredStoreWinsWhileConnectedAndTheOtherTakesOverWhileItIsNot() {
    etcd.write(P + "artifact", ART);
    zk.write(P + "artifact", ART);
    etcd.write(P + "enabled", "true");
    zk.write(P + "enabled", "false");
    feed(List.of(etcd, zk));
    zk.connect();
    await().until(() -> "zookeeper".equals(active.get("store")));
    assertThat(desired()).isFalse();
    etcd.connect();
    await().until(() -> "etcd".equals(active.get("store")));
    await().until(this::desired);
    // a write to the non-active store changes nothing
    zk.write(P + "enabled", "false");
    feed.activeStore().join(); // answered on the feed's one thread, after it handled the write
    assertThat(desired()).isTrue();
    // preferred store gone: the other takes over with its view
    etcd.disconnect();
    await().until(() -> "zookeeper".equals(active.get("store")));
    await().until(() -> !desired());
    zk.write(P + "enabled", "true");
    await().until(this::desired);
    // the preferred store comes back with a different view and wins again (after the short hold of this test)
    etcd.write(P + "enabled", "false");
    etcd.connect();
    await().until(() -> "etcd".equals(active.get("store")));
    await().until(() -> !desired());
    assertThat(ready.get()).isEqualTo(1);
  }

  @Test
  void aReturningPreferredStoreWaitsUntilItAgreesWithTheStoreInForceSoNothingGoesBackInTime() {
    etcd.write(P + "artifact", ART);
    zk.write(P + "artifact", ART);
    etcd.write(P + "enabled", "true");
    zk.write(P + "enabled", "true");
    feed(List.of(etcd, zk), Duration.ofMinutes(5));
    etcd.connect();
    zk.connect();
    await().until(() -> "etcd".equals(active.get("store")) && desired());
    etcd.disconnect();
    await().until(() -> "zookeeper".equals(active.get("store")));
    zk.write(P + "enabled", "false"); // written while etcd is away: etcd still says true
    await().until(() -> !desired());
    int before = submissions.size();
    etcd.connect(); // back and caught up, but behind: the bridge has not copied the write yet
    feed.activeStore().join(); // answered on the feed's one thread, after it handled the reconnect
    assertThat(feed.activeStore().join()).as("store in force while the views differ").isEqualTo("zookeeper");
    assertThat(desired()).isFalse();
    etcd.write(P + "enabled", "false"); // the bridge's copy arrives: the views agree
    await().until(() -> "etcd".equals(active.get("store")));
    assertThat(submissions.subList(before, submissions.size())).as("submissions of p after etcd came back").doesNotContain(true);
    assertThat(desired()).isFalse();
  }

  @Test
  void aReturningPreferredStoreThatNeverAgreesIsInForceAgainAfterTheHold() {
    etcd.write(P + "artifact", ART);
    zk.write(P + "artifact", ART);
    zk.write(P + "enabled", "true");
    // a hold long enough that a loaded machine cannot let it run out between the reconnect and the first check
    feed(List.of(etcd, zk), Duration.ofSeconds(2));
    zk.connect();
    await().until(() -> "zookeeper".equals(active.get("store")) && desired());
    etcd.connect();
    feed.activeStore().join();
    assertThat(feed.activeStore().join()).as("held on the healthy store at first").isEqualTo("zookeeper");
    await().until(() -> "etcd".equals(active.get("store")));
    await().until(() -> !desired());
  }

  @Test
  void withNeitherStoreConnectedTheLastViewStays() {
    etcd.write(P + "artifact", ART);
    etcd.write(P + "enabled", "true");
    feed(List.of(etcd, zk));
    etcd.connect();
    await().until(this::desired);
    etcd.disconnect();
    feed.activeStore().join(); // answered on the feed's one thread, after it handled the disconnect
    assertThat(desired()).isTrue();
    assertThat(feed.caughtUp().join()).isFalse();
    assertThat(feed.activeStore().join()).isEqualTo("etcd");
  }

  @Test
  void aPluginDeletedFromTheStoreIsSubmittedAsNotDesired() {
    etcd.write(P + "artifact", ART);
    etcd.write(P + "enabled", "true");
    feed(List.of(etcd));
    etcd.connect();
    await().until(this::desired);
    etcd.write(P + "enabled", null);
    etcd.write(P + "artifact", null);
    await().until(() -> !desired());
  }
}
