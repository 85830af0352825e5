package dev.switchboard.it.e2e;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.testkit.EtcdCluster;
import dev.switchboard.testkit.ZooKeeperEnsemble;
import dev.switchboard.testkit.internal.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole system in containers, one per test class ({@code @RegisterExtension static final}): etcd (3 members) and
 * ZooKeeper (3 servers) from the test kit, two bridges, and pods of a host (the sample host, or the Spring Boot sample
 * host: {@link SystemTopologyBuilder#host(HostApp)}) plus its sidecar sharing a PID
 * namespace, {@code /tmp} and the plugin cache (see {@link Pod}). Images come from {@code deploy/docker} ({@link
 * E2eImages}); everything runs on the host network on ports chosen at run time.
 *
 * <pre>{@code
 * @RegisterExtension static final SystemTopology SYSTEM = SystemTopology.builder().build();
 * try (Checker c = SYSTEM.checker("FlipsReachEveryPodIT/etcd")) {
 *   c.observe(Duration.ofMillis(50));
 *   SYSTEM.flags().artifact(Store.ETCD, "response-header", "1.0.0");
 *   SYSTEM.flags().enable(Store.ETCD, "response-header", true);
 *   c.awaitConverged("etcd enable");
 *   c.verify();
 * }
 * }</pre>
 *
 * Before every test, whatever an earlier test killed, stopped or paused is brought back ({@link #heal()}). After the
 * class, every container's log is written to {@code target/e2e/<class>/logs/}. Test classes of one JVM with equal
 * settings share one running topology (started once; healed and its desired state cleared before each class;
 * removed at JVM exit); {@link SystemTopologyBuilder#isolated()} gives a class its own, removed after the class. Containers are
 * removed also when a test or the start failed.
 */
public final class SystemTopology implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  public static final String ROOT = "/switchboard";
  public static final String SPI_EXPORTS = "dev.switchboard.sample.spi";

  private static final Map<String, SystemTopology> SHARED = new java.util.HashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      synchronized (SHARED) {
        SHARED.values().forEach(SystemTopology::close);
      }
    }, "e2e-shared-topology-cleanup"));
  }

  private final SystemTopologyBuilder spec;
  private final EtcdCluster etcd;
  private final ZooKeeperEnsemble zk;
  private final List<Pod> pods = new ArrayList<>();
  private final List<Bridge> bridges = new ArrayList<>();
  private final List<Checker> checkers = new CopyOnWriteArrayList<>();
  private final AtomicBoolean started = new AtomicBoolean();
  private volatile Path work;
  private volatile Path logs;
  private volatile boolean closed;
  private volatile Path artifacts;
  private volatile KeySpace etcdStore;
  private volatile KeySpace zkStore;
  private volatile Flags flags;

  SystemTopology(SystemTopologyBuilder spec) {
    this.spec = spec;
    this.etcd = EtcdCluster.members(spec.etcdMembers);
    this.zk = ZooKeeperEnsemble.servers(spec.zooKeeperServers);
  }

  public static SystemTopologyBuilder builder() {
    return new SystemTopologyBuilder();
  }

  /** One running shared topology per settings key (see {@link SystemTopologyBuilder#isolated()}). */
  static SystemTopology shared(SystemTopologyBuilder spec) {
    synchronized (SHARED) {
      SystemTopology t = SHARED.get(spec.key());
      if (t == null || t.closed) {
        t = new SystemTopology(spec);
        SHARED.put(spec.key(), t);
      }
      return t;
    }
  }

  // ---- life cycle ----

  @Override
  public void beforeAll(ExtensionContext context) {
    String name = context.getRequiredTestClass().getSimpleName();
    logs = E2eSettings.work(name).resolve("logs");
    if (started.get()) {
      if (closed) throw new IllegalStateException("the shared topology was closed");
      long t0 = System.nanoTime();
      heal();
      clearDesiredState();
      System.out.printf("e2e: %s reuses the running topology (healed and cleared in %d ms)%n", name, (System.nanoTime() - t0) / 1_000_000);
      return;
    }
    start(spec.shared ? "topology-" + spec.service : name);
  }

  /** Deletes every desired-state key (both stores) and waits until no pod runs a plugin. */
  public void clearDesiredState() {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    // Deletes until a pass finds both stores empty. A scenario may write the same values again at
    // once: the bridge decides a delete and a re-create milliseconds apart by its rule (docs/bridge.md)
    while (true) {
      boolean empty = true;
      for (Store s : Store.values()) {
        for (String key : flags.dump(s, ROOT + "/services").keySet()) {
          empty = false;
          Flags.retry("delete " + key, () -> flags.store(s).delete(key).get(10, java.util.concurrent.TimeUnit.SECONDS));
        }
      }
      if (empty) {
        break;
      }
      if (System.nanoTime() > deadline) throw new IllegalStateException("desired state still reappearing 60 s after it was cleared");
    }
    for (Pod p : pods) {
      while (true) {
        boolean none;
        try {
          none = p.host().marker().isEmpty();
          for (var pl : p.sidecar().status().path("plugins")) none &= !pl.path("state").asText().equals("ACTIVE");
        } catch (RuntimeException | AssertionError e) {
          none = false;
        }
        if (none) break;
        if (System.nanoTime() > deadline) throw new IllegalStateException(p + " still runs plugins 60 s after the desired state was cleared");
        DistCopy.sleep(100);
      }
    }
  }

  /** Starts everything (called by JUnit; outside JUnit call it once, then {@link #close()}). */
  public void start(String name) {
    if (!started.compareAndSet(false, true)) throw new IllegalStateException("topology already started");
    long t0 = System.nanoTime();
    work = E2eSettings.work(name);
    if (logs == null) logs = work.resolve("logs");
    Files2.deleteTree(work);
    try {
      CompletableFuture<Void> stores = CompletableFuture.allOf(CompletableFuture.runAsync(etcd::start), CompletableFuture.runAsync(zk::start));
      artifacts = Files2.dir(work.resolve("artifacts"), "rwxr-xr-x");
      try (var s = Files.list(DistCopy.get().dir().resolve("plugins"))) {
        for (Path p : s.toList()) Files.copy(p, artifacts.resolve(p.getFileName()));
      }
      long[] t = new long[4];
      // pods (pause + host) need no store: they start while the stores and the other images come up
      CompletableFuture<Void> hosts = CompletableFuture.runAsync(() -> {
        E2eImages.image(spec.hostApp.image);
        E2eImages.image(E2eImages.Kind.SIDECAR);
        for (int i = 0; i < spec.nodes.size(); i++) {
          String node = spec.nodes.get(i);
          int sidecarPort = Ports.free();
          pods.add(new Pod(i, node, work.resolve(node), artifacts, () -> agentYaml(node, sidecarPort),
              new Pod.HostSpec(spec.hostApp, spec.hostJavaOptions, Ports.free()), sidecarPort, this::hostRestarted));
        }
        t[0] = System.nanoTime();
        parallel(pods.stream().map(p -> (Runnable) p::startPause).toList());
        parallel(pods.stream().map(p -> (Runnable) () -> p.host().start()).toList());
        t[1] = System.nanoTime();
      });
      CompletableFuture<Void> bridgeImage = CompletableFuture.runAsync(() -> E2eImages.image(E2eImages.Kind.BRIDGE));
      CompletableFuture.allOf(stores, bridgeImage).join();
      long tStores = System.nanoTime();
      etcdStore = KeySpaces.etcd(EtcdOptions.builder(etcd.endpoints()).operationTimeout(Duration.ofSeconds(10)).build());
      zkStore = KeySpaces.zookeeper(ZooKeeperOptions.builder(zk.connectString()).operationTimeout(Duration.ofSeconds(10)).build());
      flags = new Flags(this, etcdStore, zkStore);
      for (int i = 0; i < spec.bridges; i++) {
        String id = "bridge-" + (i + 1);
        int port = Ports.free();
        Path cfg = Files2.write(work.resolve(id + ".yaml"), "root: " + ROOT + "\nid: " + id + "\n"
            + "etcd: {endpoints: [" + etcd.endpoints() + "]}\nzookeeper: {connect: \"" + zk.connectString() + "\"}\n"
            + "http: {listen: \"127.0.0.1:" + port + "\"}\n" + spec.bridgeYaml);
        bridges.add(new Bridge(i, id, cfg, port));
      }
      CompletableFuture<Void> bridgesUp = CompletableFuture.runAsync(() -> parallel(bridges.stream().map(b -> (Runnable) b::start).toList()));
      hosts.join();
      t[2] = System.nanoTime();
      parallel(pods.stream().map(p -> (Runnable) () -> p.sidecar().start()).toList());
      bridgesUp.join();
      long tSidecars = System.nanoTime();
      awaitReady(Duration.ofSeconds(120));
      long t1 = System.nanoTime();
      System.out.printf("e2e: topology of %s up in %d ms (stores %d, pods' pause+host %d, sidecars+bridges %d, ready %d ms):"
          + " etcd %s, zookeeper %s, bridges %s, pods %s%n", name, (t1 - t0) / 1_000_000, (tStores - t0) / 1_000_000,
          (t[1] - t[0]) / 1_000_000, (tSidecars - t[2]) / 1_000_000, (t1 - tSidecars) / 1_000_000,
          etcd.endpoints(), zk.connectString(), bridges, pods);
    } catch (Exception | Error e) {
      writeLogs();
      close();
      if (e instanceof RuntimeException r) throw r;
      if (e instanceof Error err) throw err;
      throw new IllegalStateException("the e2e topology did not start: " + e, e);
    }
  }

  private String agentYaml(String node, int port) {
    return "service: " + spec.service + "\nnode: " + node + "\nroot: " + ROOT + "\n"
        + "etcd: {endpoints: [" + etcd.endpoints() + "]}\nzookeeper: {connect: \"" + zk.connectString() + "\"}\nprefer: etcd\n"
        + "host:\n  match: \"" + spec.hostApp.matchYaml + "\"\n  exports: [" + SPI_EXPORTS + "]\n"
        + "cacheDir: " + Pod.CACHE_DIR + "\ncontrolDir: /tmp/switchboard\n"
        + "runtimeJar: /opt/switchboard/runtime/switchboard-runtime.jar\n"
        + "http: {listen: \"127.0.0.1:" + port + "\"}\n" + spec.agentYaml;
  }

  /** Every sidecar ready ({@code /readyz}: attached, caught up) and exactly one bridge leading. */
  public void awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      List<String> notReady = new ArrayList<>();
      for (Pod p : pods) if (!p.sidecar().ready()) notReady.add(p.node());
      long leaders = bridges.stream().filter(Bridge::leader).count();
      if (notReady.isEmpty() && (bridges.isEmpty() || leaders == 1)) return;
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not ready within " + timeout + ": sidecars not ready " + notReady + ", bridge leaders " + leaders);
      }
      DistCopy.sleep(200);
    }
  }

  private static void parallel(List<Runnable> tasks) {
    CompletableFuture.allOf(tasks.stream().map(CompletableFuture::runAsync).toArray(CompletableFuture[]::new)).join();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    heal();
  }

  /** Brings back every store server, bridge, host and sidecar that is stopped, killed or paused; waits until ready. */
  public void heal() {
    etcd.healAll();
    zk.healAll();
    List<Runnable> tasks = new ArrayList<>();
    for (Bridge b : bridges) tasks.add(b.box::heal);
    for (Pod p : pods) {
      tasks.add(() -> {
        if (!p.host().running()) hostRestarted(p);
        p.host().box.heal();
        p.sidecar().box.heal();
      });
    }
    parallel(tasks);
    awaitReady(Duration.ofSeconds(120));
  }

  @Override
  public void afterEach(ExtensionContext context) {
    context.getExecutionException().ifPresent(e -> writeLogs());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    writeLogs();
    if (!spec.shared) close();
  }

  /** Every container's output (since it was created) to {@code target/e2e/<class>/logs/<container>.log}. */
  public void writeLogs() {
    Path dir = logs;
    if (dir == null) return;
    for (Bridge b : bridges) b.box.writeLogs(dir);
    for (Pod p : pods) p.boxes().forEach(b -> b.writeLogs(dir));
    System.out.println("e2e: container logs in " + dir);
  }

  /** Removes every container and closes the store clients (each step even when another fails). */
  public synchronized void close() {
    if (closed) return;
    closed = true;
    checkers.forEach(Checker::close);
    List<Runnable> steps = new ArrayList<>();
    if (etcdStore != null) steps.add(etcdStore::close);
    if (zkStore != null) steps.add(zkStore::close);
    for (Pod p : pods) p.boxes().forEach(b -> steps.add(b::remove));
    for (Bridge b : bridges) steps.add(b.box::remove);
    steps.add(zk::close);
    steps.add(etcd::close);
    for (Runnable r : steps) {
      try {
        r.run();
      } catch (RuntimeException e) {
        System.err.println("e2e: cleanup step failed: " + e);
      }
    }
  }

  // ---- handles ----

  public String service() {
    return spec.service;
  }

  public List<Pod> pods() {
    return List.copyOf(pods);
  }

  public Pod pod(int index) {
    return pods.get(index);
  }

  public List<Bridge> bridges() {
    return List.copyOf(bridges);
  }

  public Bridge bridge(int index) {
    return bridges.get(index);
  }

  /** The bridge that reports itself leader right now, if exactly one does. */
  public Optional<Bridge> leader() {
    List<Bridge> l = bridges.stream().filter(Bridge::leader).toList();
    return l.size() == 1 ? Optional.of(l.get(0)) : Optional.empty();
  }

  /** The test kit's etcd cluster (member(i).kill()/stop()/pause()/start(), endpoints()). */
  public EtcdCluster etcd() {
    return etcd;
  }

  /** The test kit's ZooKeeper ensemble (server(i).kill()/..., connectString()). */
  public ZooKeeperEnsemble zooKeeper() {
    return zk;
  }

  /** Operator-side writes and reads through the project's store adapters, recorded by open checkers. */
  public Flags flags() {
    return flags;
  }

  /** A checker for one scenario, primed with the current desired state in etcd; close it (try-with-resources). */
  public Checker checker(String scenario) {
    return checker(scenario, "response-header");
  }

  /** A checker modelling {@code plugin} (its marker header must be {@code <plugin>/<version>}). */
  public Checker checker(String scenario, String plugin) {
    Map<String, String> baseline = flags.dump(Store.ETCD, ROOT + "/services/" + spec.service);
    Checker c = new Checker(this, scenario, plugin, baseline);
    checkers.add(c);
    return c;
  }

  void detach(Checker c) {
    checkers.remove(c);
  }

  void recordWrite(Store store, String key, String value) {
    for (Checker c : checkers) c.record(store, key, value);
  }

  void hostRestarted(Pod pod) {
    for (Checker c : checkers) c.hostRestarted(pod);
  }

  /** Runs {@code switchboard ctl <args>}, adding {@code --etcd <endpoints>} unless a store option is given. */
  public Ctl.Result ctl(String... args) {
    List<String> a = new ArrayList<>(List.of(args));
    if (!a.contains("--etcd") && !a.contains("--zookeeper")) {
      a.add("--etcd");
      a.add(etcd.endpoints());
    }
    return Ctl.run(DistCopy.get().file("switchboard.jar"), a);
  }

  /** The host-side directory mounted read-only at {@code /artifacts} in every pod: drop jars here for file:// URLs. */
  public Path artifactsDir() {
    return artifacts;
  }

  /** {@code file:///artifacts/<fileName>}: how a sidecar sees a file of {@link #artifactsDir()}. */
  public String artifactUrl(String fileName) {
    return "file://" + Pod.ARTIFACTS_DIR + "/" + fileName;
  }

  /** The artifact JSON for a plugin jar of the distribution: url (in the pods), sha256, version. */
  public String artifact(String plugin, String version) {
    String file = plugin + "-" + version + ".jar";
    return "{\"url\":\"" + artifactUrl(file) + "\",\"sha256\":\"" + DistCopy.sha256(artifacts.resolve(file)) + "\",\"version\":\"" + version + "\"}";
  }

  /** A plugin jar of the private dist copy (host path). */
  public Path pluginJar(String plugin, String version) {
    return DistCopy.get().plugin(plugin, version);
  }

  /** {@code target/e2e/<class>}: pods' shared directories, configs, logs. */
  public Path work() {
    return work;
  }
}
