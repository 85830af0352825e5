package dev.switchboard.sidecar;

import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.sidecar.artifact.ArtifactCache;
import dev.switchboard.sidecar.config.AgentConfig;
import dev.switchboard.sidecar.desired.DesiredFeed;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.host.HostLocator;
import dev.switchboard.sidecar.host.HostSupervisor;
import dev.switchboard.sidecar.http.StatusHttp;
import dev.switchboard.sidecar.reconcile.PluginReport;
import dev.switchboard.sidecar.reconcile.ReconcileListener;
import dev.switchboard.sidecar.reconcile.Reconciler;
import dev.switchboard.sidecar.status.AgentStatus;
import dev.switchboard.sidecar.status.SidecarMetrics;
import dev.switchboard.sidecar.status.StatusJson;
import dev.switchboard.sidecar.status.StatusPublisher;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.StoreState;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sidecar agent, wired: stores → {@link DesiredFeed} → {@link Reconciler} → control channel,
 * with the artifact cache, the host supervisor, status keys, metrics and HTTP around it.
 */
public final class Sidecar implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Sidecar.class);

  private enum Lifecycle { RUNNING, CLOSED }

  private final AgentConfig config;
  private final List<KeySpace> stores;
  private final SidecarMetrics metrics;
  private final ArtifactCache cache;
  private final StatusPublisher publisher;
  private final Reconciler reconciler;
  private final DesiredFeed feed;
  private final HostSupervisor supervisor;
  private final StatusHttp http;
  private final AtomicReference<AgentStatus> agent = new AtomicReference<>();
  private final AtomicReference<Lifecycle> lifecycle = new AtomicReference<>(Lifecycle.RUNNING);
  private final CountDownLatch closed = new CountDownLatch(1);

  /** Starts the agent from its configuration: opens the stores and the runtime client. */
  public static Sidecar start(AgentConfig config) {
    List<KeySpace> stores = new ArrayList<>();
    if (config.etcdEndpoints() != null) stores.add(KeySpaces.etcd(config.etcdOptions()));
    if (config.zookeeperConnect() != null) stores.add(KeySpaces.zookeeper(config.zookeeperOptions()));
    RuntimeClient client = RuntimeClient.builder()
        .controlDir(config.controlDir())
        .runtimeJar(config.runtimeJar())
        .exports(config.hostExports())
        .build();
    // the attach client loads in the background while the stores connect: the first attach does not pay for it
    client.prepare().whenComplete((took, e) -> {
      if (e != null) LOG.warn("preparing the attach client failed (the first attach will report why): {}", e.toString());
      else LOG.debug("attach client prepared in {} ms", took.toMillis());
    });
    try {
      return new Sidecar(config, stores, client::connect);
    } catch (RuntimeException e) {
      stores.forEach(KeySpace::close);
      throw e;
    }
  }

  /** Starts the agent over given stores and a given way to connect to a host pid (tests). */
  public Sidecar(AgentConfig config, List<KeySpace> stores, LongFunction<RuntimeConnection> connector) {
    this.config = config;
    this.stores = List.copyOf(stores);
    this.metrics = new SidecarMetrics(config.service(), config.node());
    this.cache = ArtifactCache.builder().cacheDir(config.cacheDir()).maxBytes(config.maxArtifactBytes()).build();
    this.publisher = new StatusPublisher(this.stores, config.root(), config.service(), config.node());
    this.reconciler = new Reconciler((plugin, artifact) -> {
      String how = config.artifactTrust().check(plugin, artifact);
      if (artifact.signature() != null) LOG.info("plugin {} version {}: {}", plugin, artifact.versionText(), how);
      else LOG.debug("plugin {} version {}: {}", plugin, artifact.versionText(), how);
    }, cache::fetch, new ReconcileListener() {
      @Override
      public void onReport(PluginReport r) {
        metrics.report(r);
        publisher.plugin(r);
        LOG.info("plugin {}: {}{}", r.plugin(), r.state(), r.error() == null ? "" : " (" + r.error() + ")");
      }

      @Override
      public void onRemoved(String plugin) {
        metrics.removed(plugin);
        publisher.removed(plugin);
      }

      @Override
      public void onFlip(String plugin, boolean active, Duration elapsed) {
        metrics.flip(elapsed);
        LOG.info("plugin {} {} {} ms after the store change (flip to live)", plugin, active ? "ACTIVE" : "INACTIVE",
            String.format(Locale.ROOT, "%.1f", elapsed.toNanos() / 1e6));
      }

      @Override
      public void onFailure(String plugin, String reason) {
        metrics.failure(plugin, reason);
      }
    }, Duration.ofMillis(500), Duration.ofSeconds(30));
    this.agent.set(new AgentStatus(agentVersion(), null, null, null, false, storeStates(), now()));
    for (KeySpace ks : this.stores) {
      metrics.storeState(ks.storeName(), ks.state() == StoreState.CONNECTED);
      ks.addStateListener(s -> {
        metrics.storeState(ks.storeName(), s == StoreState.CONNECTED);
        updateAgent(a -> new AgentStatus(a.agentVersion(), a.runtimeVersion(), a.hostPid(), a.hostJava(), a.attached(), storeStates(), now(), a.missingExports()));
      });
    }
    this.feed = new DesiredFeed(this.stores, config.prefer(), config.root(), config.service(), config.node(), new DesiredFeed.Sink() {
      @Override
      public void submit(String plugin, Resolution resolution, boolean inStore) {
        metrics.plugin(plugin);
        reconciler.submit(plugin, resolution, inStore);
      }

      @Override
      public void ready() {
        reconciler.desiredReady();
      }

      @Override
      public void activeStore(String store) {
        LOG.info("desired state in force from {}", store);
      }
    }, reconciler.loop());
    this.supervisor = new HostSupervisor(locator(config), connector, new HostSupervisor.Listener() {
      @Override
      public void attached(RuntimeConnection c) {
        RuntimeInfo info = c.info();
        reconciler.attach(c).whenComplete((v, err) -> {
          if (err != null) {
            LOG.warn("reading the runtime's status failed: {}; re-attaching", err.toString());
            c.close();
          }
        });
        if (!info.missingExports().isEmpty()) {
          LOG.warn("host.exports not found in any class loader of host {}: {} (plugins cannot load classes of these packages)",
              info.hostPid(), info.missingExports());
        }
        metrics.attached(true);
        updateAgent(a -> new AgentStatus(a.agentVersion(), info.runtimeVersion(), info.hostPid(), info.hostJava(), true, storeStates(), now(),
            info.missingExports()));
      }

      @Override
      public void detached(RuntimeConnection c, Throwable cause) {
        reconciler.detach(c);
        metrics.attached(false);
        updateAgent(a -> new AgentStatus(a.agentVersion(), a.runtimeVersion(), a.hostPid(), a.hostJava(), false, storeStates(), now(),
            a.missingExports()));
      }
    }, Duration.ofMillis(200), Duration.ofSeconds(1));
    StatusHttp started = null;
    try {
      started = StatusHttp.start(config.httpHost(), config.httpPort(), new StatusHttp.Source() {
        @Override
        public CompletableFuture<String> statusJson() {
          return reconciler.reports().thenCombine(feed.rejected(), java.util.Map::entry).thenCombine(reconciler.runtimeTraffic(),
              (both, traffic) -> StatusJson.document(config.service(), config.node(), withFreshStores(agent.get()), both.getKey(),
                  both.getValue(), traffic));
        }

        @Override
        public CompletableFuture<String> metrics() {
          return reconciler.runtimeTraffic().thenApply(traffic -> {
            metrics.trafficCalls(traffic);
            return metrics.scrape();
          });
        }

        @Override
        public CompletableFuture<String> notReadyReason() {
          return Sidecar.this.notReadyReason();
        }
      });
      this.http = started;
      publisher.agent(agent.get());
      feed.start();
      supervisor.start();
    } catch (RuntimeException e) {
      if (started != null) started.close();
      feed.close();
      reconciler.close();
      publisher.close();
      cache.close();
      throw e;
    }
  }

  /** The stores' states as of now: a problem (wrong CA, wrong password, ...) can appear without a state change. */
  private AgentStatus withFreshStores(AgentStatus a) {
    return new AgentStatus(a.agentVersion(), a.runtimeVersion(), a.hostPid(), a.hostJava(), a.attached(), storeStates(), a.since());
  }

  private static HostLocator locator(AgentConfig c) {
    if (c.hostPid() != null) return HostLocator.pid(c.hostPid());
    if (c.hostPidFile() != null) return HostLocator.pidFile(c.hostPidFile());
    return HostLocator.match(c.hostMatch());
  }

  /** Null when attached and the active store is caught up, else why not. */
  public CompletableFuture<String> notReadyReason() {
    if (supervisor.connection() == null) {
      String p = supervisor.lastProblem();
      return CompletableFuture.completedFuture("not attached to the host JVM" + (p == null ? "" : ": " + p));
    }
    return feed.caughtUp().thenApply(ok -> ok ? null : "no store connected and caught up " + storeStates());
  }

  public int httpPort() {
    return http.port();
  }

  public AgentConfig config() {
    return config;
  }

  private synchronized void updateAgent(java.util.function.UnaryOperator<AgentStatus> f) {
    AgentStatus next = f.apply(agent.get());
    agent.set(next);
    publisher.agent(next);
  }

  private Map<String, String> storeStates() {
    Map<String, String> m = new TreeMap<>();
    for (KeySpace ks : stores) {
      String state = ks.state().name().toLowerCase(Locale.ROOT);
      // not connected: say why (wrong CA, expired certificate, wrong password, ...); never a secret
      m.put(ks.storeName(), ks.state() == StoreState.CONNECTED ? state : ks.problem().map(p -> state + ": " + p).orElse(state));
    }
    return m;
  }

  private static String now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS).toString();
  }

  static String agentVersion() {
    String v = Sidecar.class.getPackage().getImplementationVersion();
    return v == null ? "0.1.0-SNAPSHOT" : v;
  }

  /** Blocks until {@link #close()}. */
  public void await() throws InterruptedException {
    closed.await();
  }

  /** Stops the agent; plugins keep running in the host (docs/reference.md §5), status keys vanish. */
  @Override
  public void close() {
    if (lifecycle.getAndSet(Lifecycle.CLOSED) == Lifecycle.CLOSED) return;
    supervisor.close();
    feed.close();
    reconciler.close();
    http.close();
    publisher.close();
    for (KeySpace ks : stores) {
      try {
        ks.close();
      } catch (RuntimeException e) {
        LOG.warn("closing {}: {}", ks.storeName(), e.toString());
      }
    }
    cache.close();
    closed.countDown();
  }
}
