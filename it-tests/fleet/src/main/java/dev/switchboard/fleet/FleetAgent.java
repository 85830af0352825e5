package dev.switchboard.fleet;

import dev.switchboard.sidecar.desired.DesiredFeed;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.reconcile.ReconcileListener;
import dev.switchboard.sidecar.reconcile.Reconciler;
import dev.switchboard.sidecar.status.AgentStatus;
import dev.switchboard.sidecar.status.StatusPublisher;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.ZooKeeperOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;

/**
 * One simulated agent: its own store sessions (etcd and/or ZooKeeper, as configured), the real desired-state feed,
 * reconciler and status publisher wired as the sidecar wires them, and a {@link StandInHost} in place of the host
 * JVM. Artifacts are not downloaded (the stand-in loads nothing): the fetch answers a path at once.
 */
public final class FleetAgent implements AutoCloseable {
  private static final Path STAND_IN_JAR = Path.of("/nonexistent/stand-in.jar");

  private final String service;
  private final String node;
  private final List<KeySpace> stores;
  private final StatusPublisher publisher;
  private final Reconciler reconciler;
  private final DesiredFeed feed;
  private final StandInHost host;

  /**
   * @param etcd etcd endpoints, or null for none
   * @param zookeeper ZooKeeper connect string, or null for none
   */
  public FleetAgent(String root, String service, String node, String etcd, String zookeeper, Duration ackDelay,
      ScheduledExecutorService timer, long pid) {
    this.service = service;
    this.node = node;
    List<KeySpace> s = new ArrayList<>();
    if (etcd != null) s.add(KeySpaces.etcd(EtcdOptions.builder(etcd).build()));
    if (zookeeper != null) s.add(KeySpaces.zookeeper(ZooKeeperOptions.builder(zookeeper).build()));
    this.stores = List.copyOf(s);
    this.publisher = new StatusPublisher(stores, root, service, node);
    this.reconciler = new Reconciler(ref -> CompletableFuture.completedFuture(STAND_IN_JAR), new ReconcileListener() {
      @Override
      public void onReport(PluginReport r) {
        publisher.plugin(r);
      }

      @Override
      public void onRemoved(String plugin) {
        publisher.removed(plugin);
      }
    }, Duration.ofMillis(500), Duration.ofSeconds(30));
    for (KeySpace ks : stores) ks.addStateListener(st -> publishAgent());
    this.feed = new DesiredFeed(stores, etcd != null ? "etcd" : "zookeeper", root, service, node, new DesiredFeed.Sink() {
      @Override
      public void submit(String plugin, Resolution resolution, boolean inStore) {
        reconciler.submit(plugin, resolution, inStore);
      }

      @Override
      public void ready() {
        reconciler.desiredReady();
      }

      @Override
      public void activeStore(String store) {}
    }, reconciler.loop());
    this.host = new StandInHost(pid, ackDelay, timer);
    publishAgent();
    feed.start();
    reconciler.attach(host);
  }

  private void publishAgent() {
    Map<String, String> m = new TreeMap<>();
    for (KeySpace ks : stores) m.put(ks.storeName(), ks.state().name().toLowerCase(Locale.ROOT));
    publisher.agent(new AgentStatus("fleet", "stand-in", 1L, "17", true, m, Instant.now().truncatedTo(ChronoUnit.MILLIS).toString()));
  }

  public String node() {
    return node;
  }

  public String service() {
    return service;
  }

  /** Whether every store session of this agent is connected. */
  public boolean connected() {
    return stores.stream().allMatch(ks -> ks.state() == StoreState.CONNECTED);
  }

  @Override
  public void close() {
    feed.close();
    reconciler.close();
    publisher.close();
    host.close();
    stores.forEach(KeySpace::close);
  }
}
