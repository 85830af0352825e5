package dev.switchboard.bridge;

import dev.switchboard.bridge.config.BridgeConfig;
import dev.switchboard.bridge.http.BridgeHttp;
import dev.switchboard.bridge.leader.EtcdLeader;
import dev.switchboard.bridge.ledger.Ledger;
import dev.switchboard.bridge.mapping.Mappings;
import dev.switchboard.bridge.merge.Side;
import dev.switchboard.store.Change;
import dev.switchboard.store.StoreClients;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Threads;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import io.etcd.jetcd.Client;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The etcd ↔ ZooKeeper bridge: watches every mapped prefix on both sides (leader and standbys
 * alike), and while leader merges each changed key (see {@link Engine}), runs a full comparison when
 * elected, after every store resync (reconnect, compaction) and every {@code antiEntropyInterval}.
 */
public final class Bridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Bridge.class);

  enum Lifecycle { NEW, RUNNING, CLOSED }

  private final BridgeConfig config;
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.NEW);
  private final Mappings mappings;
  private final KeySpace etcd;
  private final KeySpace zk;
  private final Client raw;
  private final ScheduledExecutorService scheduler;
  private final ScheduledExecutorService leaderThread;
  private final ExecutorService workers;
  private final EtcdLeader leader;
  private final Ledger ledger;
  private final BridgeMetrics metrics;
  private final Engine engine;
  private final List<Watch> watches = new ArrayList<>();
  private volatile Instant lastSync;
  private volatile boolean scanRequested;
  /** Leader and the ledger is loaded: only then are keys merged. */
  private volatile boolean active;
  private BridgeHttp http;

  private Bridge(BridgeConfig config) {
    this.config = config;
    this.mappings = new Mappings(config.root(), config.mappings(), config.bridgePrefix());
    this.etcd = KeySpaces.etcd(config.etcdOptions());
    this.zk = KeySpaces.zookeeper(config.zookeeperOptions());
    // the ledger and the leader election: same factory, so the same TLS, credentials, timeouts and keep-alive
    this.raw = StoreClients.etcd(config.etcdOptions());
    this.scheduler = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-bridge-scan"));
    this.leaderThread = Executors.newSingleThreadScheduledExecutor(Threads.daemon("switchboard-bridge-leader"));
    this.workers = Executors.newFixedThreadPool(config.workers(), Threads.daemon("switchboard-bridge-merge"));
    this.leader = new EtcdLeader(raw, config.leaderKey(), config.id(), config.leaderTtl(), new LeaderEvents(), leaderThread);
    this.ledger = new Ledger(raw, config.bridgePrefix(), config.leaderKey(), leader, 5000);
    this.metrics =
        new BridgeMetrics(
            () -> active() ? 1 : 0,
            () -> engine().queue.size(),
            () -> lastSync == null ? 0 : lastSync.toEpochMilli() / 1000.0,
            () -> etcd.state() == StoreState.CONNECTED ? 1 : 0,
            () -> zk.state() == StoreState.CONNECTED ? 1 : 0);
    metrics.ledger(x -> ledger.transactionsSent(), x -> ledger.keyTransactionsSent());
    this.engine = new Engine(etcd, zk, mappings, ledger, metrics, config.conflictWinner(), this::active, scheduler, 5000);
  }

  private boolean active() {
    return active && leader.isLeader();
  }

  Engine engine() {
    return engine;
  }

  /** Starts a bridge: stores, watches, election, workers, HTTP. */
  public static Bridge start(BridgeConfig config) {
    Bridge b = new Bridge(config);
    b.begin();
    return b;
  }

  private void begin() {
    if (!lifecycle.compareAndSet(Lifecycle.NEW, Lifecycle.RUNNING)) {
      throw new IllegalStateException("bridge already started: " + lifecycle.get());
    }
    LOG.info("bridge {}: etcd {} <-> zookeeper {}; mappings {}; conflicts: {} wins", config.id(), etcd.endpoints(), zk.endpoints(), mappings.all(), config.conflictWinner().label());
    for (String p : mappings.etcdPrefixes()) {
      watches.add(etcd.watch(p, new SideListener(Side.ETCD)));
    }
    for (String p : mappings.zkPrefixes()) {
      watches.add(zk.watch(p, new SideListener(Side.ZOOKEEPER)));
    }
    for (int i = 0; i < config.workers(); i++) {
      workers.execute(engine::workerLoop);
    }
    long ae = config.antiEntropyInterval().toMillis();
    scheduler.scheduleWithFixedDelay(() -> requestScan("anti-entropy"), ae, ae, TimeUnit.MILLISECONDS);
    http = BridgeHttp.start(config.httpHost(), config.httpPort(), this);
    leader.start();
  }

  /** Queues a full comparison on the scan thread (several requests coalesce). */
  void requestScan(String why) {
    if (scanRequested || lifecycle.get() != Lifecycle.RUNNING) {
      return;
    }
    scanRequested = true;
    try {
      scheduler.execute(
          () -> {
            scanRequested = false;
            if (!active()) {
              return;
            }
            try {
              LOG.debug("full comparison ({})", why);
              engine.scan();
              lastSync = Instant.now();
            } catch (RuntimeException e) {
              metrics.error("scan");
              LOG.warn("full comparison ({}) failed: {}; retrying in 2 s", why, e.getMessage());
              scheduler.schedule(() -> requestScan("retry"), 2, TimeUnit.SECONDS);
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      scanRequested = false;
    }
  }

  public int httpPort() {
    return http.port();
  }

  public BridgeMetrics metrics() {
    return metrics;
  }

  /** Leader with its ledger loaded: merging. */
  public boolean isLeader() {
    return active();
  }

  /** The {@code /v1/status} document. */
  public Map<String, Object> status() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", config.id());
    m.put("leader", active());
    m.put("leaderId", leader.leaderId());
    m.put("lastSync", lastSync == null ? null : lastSync.toString());
    m.put("pending", engine.queue.size());
    m.put("stores", Map.of("etcd", storeState(etcd), "zookeeper", storeState(zk)));
    m.put("writes", metrics.writes());
    m.put("conflicts", metrics.conflicts());
    m.put("skipped", metrics.skips());
    m.put("conflictWinner", config.conflictWinner().label());
    return m;
  }

  /** The state, and while not connected why (wrong CA, expired certificate, wrong password, ...); never a secret. */
  private static String storeState(KeySpace ks) {
    StoreState s = ks.state();
    return s == StoreState.CONNECTED ? s.toString() : ks.problem().map(p -> s + ": " + p).orElse(s.toString());
  }

  public boolean healthy() {
    return lifecycle.get() == Lifecycle.RUNNING;
  }

  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) {
      return;
    }
    engine.queue.close();
    leader.close();
    workers.shutdownNow();
    scheduler.shutdownNow();
    leaderThread.shutdownNow();
    watches.forEach(Watch::close);
    if (http != null) {
      http.close();
    }
    etcd.close();
    zk.close();
    raw.close();
    LOG.info("bridge {} stopped", config.id());
  }

  private final class LeaderEvents implements EtcdLeader.Listener {
    @Override
    public void elected(long term) {
      try {
        ledger.load();
      } catch (Exception e) {
        LOG.warn("loading the ledger failed ({}); stepping down to retry", e.toString());
        leader.stepDown("ledger not readable");
        return;
      }
      active = true;
      requestScan("elected");
    }

    @Override
    public void revoked(String why) {
      active = false;
      engine.queue.clear();
    }
  }

  private final class SideListener implements WatchListener {
    private final Side side;
    private boolean synced;

    SideListener(Side side) {
      this.side = side;
    }

    @Override
    public void onChanges(List<Change> changes) {
      boolean merge = active();
      for (Change c : changes) {
        var pair = side == Side.ETCD ? mappings.fromEtcd(c.key()) : mappings.fromZk(c.key());
        if (pair.isPresent()) {
          engine.changed(pair.get().etcdKey(), side, c.value(), c.revision(), merge);
        } else if (merge) {
          metrics.skip(side.label(), "unmapped");
          LOG.debug("{} key {} matches no mapping", side.label(), c.key());
        }
      }
    }

    @Override
    public void onSynced() {
      if (synced) {
        requestScan(side.label() + " resynced");
      }
      synced = true;
    }

    @Override
    public void onSkipped(String key, String reason) {
      String r = reason.startsWith("invalid key") ? "invalid_key"
          : reason.contains("bytes >") ? "oversized"
          : reason.contains("sequential") ? "sequential"
          : reason.contains("ephemeral") || reason.contains("leased") ? "ephemeral" : "other";
      metrics.skip(side.label(), r);
    }
  }
}
