package dev.switchboard.cli.demo;

import dev.switchboard.cli.console.Console;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Brings the demo's default stack up on 127.0.0.1, one progress line per component, and takes it
 * down again: ZooKeeper in this JVM; etcd, the bridge, the sample host and its sidecar agent as
 * child processes with their data and logs under the work directory.
 */
final class DemoStack implements AutoCloseable {
  static final String SERVICE = "demo";
  static final String NODE = "node-1";
  static final String PLUGIN = "response-header";
  static final String ROOT = "/switchboard";
  private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final DemoOptions o;
  private final PrintStream out;
  private final Children children;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Set once the preflight checks passed and the work directory exists. */
  private volatile boolean started;
  private EmbeddedZooKeeper zookeeper;
  private Children.Child host;
  private Children.Child agent;
  private KeySpace consoleStore;
  private Console console;

  DemoStack(DemoOptions o, PrintStream out) {
    this.o = o;
    this.out = out;
    this.children = new Children(o.workDir());
  }

  Children.Child host() {
    return host;
  }

  Children.Child agent() {
    return agent;
  }

  /** Starts everything or throws naming the component that failed (whatever started is stopped by close). */
  void start() {
    Path switchboardJar = Preflight.file(o.dist().resolve("switchboard.jar"), "dist/switchboard.jar");
    Path runtimeJar = Preflight.file(o.dist().resolve("switchboard-runtime.jar"), "dist/switchboard-runtime.jar");
    Path hostJar = Preflight.file(o.dist().resolve("sample-host.jar"), "dist/sample-host.jar");
    Preflight.file(o.dist().resolve("plugins").resolve(PLUGIN + "-1.0.0.jar"), "dist/plugins/" + PLUGIN + "-1.0.0.jar");
    Path etcd = Preflight.etcd(o.etcdBinary());
    Path java = Preflight.java();
    Preflight.portsFree(o);
    try {
      Files.createDirectories(o.workDir().resolve("logs"));
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "cannot create the work directory " + o.workDir() + ": " + e.getMessage(), e);
    }
    started = true;
    out.println("Work directory (data and logs, kept afterwards): " + o.workDir());
    // the children run from copies, so a rebuild of dist/ while the demo runs cannot break them
    switchboardJar = copy(switchboardJar);
    runtimeJar = copy(runtimeJar);
    children.startWatchdog();
    String marker = "-Dswitchboard.demo.workdir=" + o.workDir();

    // The host has no dependency: start it first so its JVM warms up while the stores start.
    long hostT0 = System.nanoTime();
    host = children.start("sample-host", List.of(java.toString(), marker, "-jar", hostJar.toString(), "--port", Integer.toString(o.hostPort())), o.workDir());

    long t0 = System.nanoTime();
    zookeeper = EmbeddedZooKeeper.start(o.workDir().resolve("zookeeper"), o.zookeeperPort());
    progress("ZooKeeper", o.zookeeperConnect() + " (in this JVM, data " + rel("zookeeper") + ")", t0);

    t0 = System.nanoTime();
    Children.Child etcdChild = children.start("etcd", List.of(etcd.toString(),
        "--name", "demo", "--data-dir", o.workDir().resolve("etcd").toString(),
        "--listen-client-urls", o.etcdUrl(), "--advertise-client-urls", o.etcdUrl(),
        "--listen-peer-urls", "http://127.0.0.1:" + o.etcdPeerPort(),
        "--initial-advertise-peer-urls", "http://127.0.0.1:" + o.etcdPeerPort(),
        "--initial-cluster", "demo=http://127.0.0.1:" + o.etcdPeerPort(),
        "--initial-cluster-state", "new"), o.workDir());
    await(etcdChild, () -> httpOk(o.etcdPort(), "/health", "\"health\":\"true\""));
    progress("etcd", o.etcdUrl() + " (" + etcd + ", pid " + etcdChild.pid() + ")", t0);

    // the fleet console watches etcd from the start, so it shows the agent arriving and every flip
    t0 = System.nanoTime();
    consoleStore = KeySpaces.etcd(EtcdOptions.builder(o.etcdUrl()).build());
    try {
      console = Console.start(consoleStore, ROOT, "127.0.0.1", o.consolePort(), Duration.ofMinutes(15));
    } catch (IllegalStateException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "the fleet console: " + e.getMessage(), e);
    }
    progress("console", console.url() + " (fleet console in this JVM, watching etcd)", t0);

    Path bridgeYaml = write("bridge.yaml", DemoFiles.bridgeYaml(o));
    Path agentYaml = write("agent.yaml", DemoFiles.agentYaml(o, host.pid(), runtimeJar));
    List<String> jvm = List.of(java.toString(), marker, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx256m", "-jar", switchboardJar.toString());

    t0 = System.nanoTime();
    Children.Child bridge = children.start("bridge", concat(jvm, "bridge", "--config", bridgeYaml.toString()), o.workDir());
    long agentT0 = System.nanoTime();
    // the agent needs the host's pid only; it attaches once the host JVM answers
    await(host, () -> httpOk(o.hostPort(), "/", null));
    progress("sample-host", "http://127.0.0.1:" + o.hostPort() + "/ (plain JVM, pid " + host.pid() + ")", hostT0);
    agent = children.start("agent", concat(jvm, "agent", "--config", agentYaml.toString()), o.workDir());
    await(bridge, () -> httpOk(o.bridgePort(), "/healthz", null));
    progress("bridge", "etcd <-> ZooKeeper, http://127.0.0.1:" + o.bridgePort() + " (pid " + bridge.pid() + ")", t0);
    await(agent, () -> httpOk(o.agentPort(), "/readyz", null));
    progress("agent", "sidecar of pid " + host.pid() + ", http://127.0.0.1:" + o.agentPort() + " (pid " + agent.pid() + ")", agentT0);
  }

  private Path copy(Path jar) {
    Path to = o.workDir().resolve("jars").resolve(jar.getFileName().toString());
    try {
      Files.createDirectories(to.getParent());
      Files.copy(jar, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      return to;
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "cannot copy " + jar + " to " + to + ": " + e.getMessage(), e);
    }
  }

  private String rel(String name) {
    return o.workDir().resolve(name).toString();
  }

  private void progress(String component, String detail, long t0) {
    out.printf("  %-12s ready in %5.1f s  %s%n", component, (System.nanoTime() - t0) / 1e9, detail);
    out.flush();
  }

  private Path write(String name, String text) {
    Path p = o.workDir().resolve(name);
    try {
      Files.writeString(p, text);
      return p;
    } catch (IOException e) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "cannot write " + p + ": " + e.getMessage(), e);
    }
  }

  private static List<String> concat(List<String> a, String... b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(List.of(b));
    return all;
  }

  /** Waits until {@code ready} answers empty (= ready), failing early when the child dies. */
  private void await(Children.Child child, Supplier<Optional<String>> ready) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Optional<String> last = Optional.of("not checked yet");
    while (System.nanoTime() < deadline) {
      if (!child.process().isAlive()) {
        throw new DemoException(DemoException.Code.COMPONENT_FAILED, child.name() + " exited with code "
            + child.process().exitValue() + " while starting; the end of " + child.log() + ":\n"
            + Children.tail(child.log(), 25));
      }
      last = ready.get();
      if (last.isEmpty()) return;
      sleep(200);
    }
    throw new DemoException(DemoException.Code.COMPONENT_FAILED, child.name() + " was not ready within "
        + START_TIMEOUT.toSeconds() + " s (" + last.get() + "); the end of " + child.log() + ":\n" + Children.tail(child.log(), 25));
  }

  /** Empty when GET path answers 200 (and contains {@code mustContain}), else why not. */
  static Optional<String> httpOk(int port, String path, String mustContain) {
    try {
      Http.Response r = Http.get(port, path);
      if (r.status() != 200) return Optional.of("GET " + path + " answered " + r.status() + " " + r.body().strip());
      if (mustContain != null && !r.body().contains(mustContain)) return Optional.of("GET " + path + " answered " + r.body().strip());
      return Optional.empty();
    } catch (IOException e) {
      return Optional.of("GET http://127.0.0.1:" + port + path + ": " + e.getMessage());
    }
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "interrupted");
    }
  }

  /** Stops children newest first, then ZooKeeper. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true) || !started) return;
    out.println("Stopping the demo stack ...");
    long t0 = System.nanoTime();
    if (console != null) console.close();
    if (consoleStore != null) consoleStore.close();
    children.close();
    if (zookeeper != null) {
      try {
        zookeeper.close();
      } catch (RuntimeException | LinkageError e) {
        // e.g. dist/switchboard.jar rebuilt under this JVM: the process exits anyway
        out.println("  ZooKeeper did not shut down cleanly (" + e + "); its data is kept");
      }
    }
    out.printf("Stopped in %.1f s. Data and logs kept in %s%n", (System.nanoTime() - t0) / 1e9, o.workDir());
    out.flush();
  }
}
