package dev.switchboard.cli.demo;

import dev.switchboard.store.Entry;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code switchboard demo}: starts the stack, flips {@code response-header} on in etcd, shows the
 * host answering with the header, flips it off through ZooKeeper (the bridge carries it to etcd,
 * the agent follows), shows it gone, prints the status table and what to try next, then runs
 * until Ctrl-C.
 */
public final class Demo {
  static final String HEADER = "X-Switchboard-Plugin";

  private final DemoOptions o;
  private final PrintStream out;
  /** Runs a {@code switchboard} command line in this JVM and returns its exit code. */
  private final Function<String[], Integer> cli;

  public Demo(DemoOptions o, PrintStream out, Function<String[], Integer> cli) {
    this.o = o;
    this.out = out;
    this.cli = cli;
  }

  /** Runs the demo; returns the process exit code (0 both flips seen, 1 otherwise). */
  public int run() {
    DemoStack stack = new DemoStack(o, out);
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook = new Thread(() -> {
      stack.close();
      stopped.countDown();
    }, "switchboard-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean ok;
    try {
      out.println("Starting the Switchboard demo stack on 127.0.0.1 ...");
      long t0 = System.nanoTime();
      stack.start();
      out.printf("Stack up in %.1f s.%n%n", (System.nanoTime() - t0) / 1e9);
      ok = flips(stack);
      status();
      tryNext();
    } catch (DemoException e) {
      out.flush();
      System.err.println("switchboard demo: " + e.getMessage());
      stack.close();
      removeHook(hook);
      return 1;
    }
    if (o.exitAfterFlips()) {
      stack.close();
      removeHook(hook);
      return ok ? 0 : 1;
    }
    out.println(ok ? "The demo keeps running; press Ctrl-C to stop everything."
        : "A flip was NOT observed (see above). The stack keeps running for inspection; press Ctrl-C to stop it.");
    out.flush();
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ok ? 0 : 1;
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs (close is idempotent)
    }
  }

  private boolean flips(DemoStack stack) {
    String jar = o.dist().resolve("plugins").resolve(DemoStack.PLUGIN + "-1.0.0.jar").toString();
    out.println("== 1. Point " + DemoStack.PLUGIN + " at its 1.0.0 jar and flip it ON in etcd");
    ctl("set-artifact", DemoStack.SERVICE, DemoStack.PLUGIN, jar, "--etcd", o.etcdUrl());
    long t0 = System.nanoTime();
    ctl("enable", DemoStack.SERVICE, DemoStack.PLUGIN, "--etcd", o.etcdUrl());
    boolean on = awaitHeader(stack, true, t0, "ON");
    out.println();
    out.println("== 2. Flip it OFF through ZooKeeper (the bridge carries it to etcd; the agent follows)");
    t0 = System.nanoTime();
    ctl("disable", DemoStack.SERVICE, DemoStack.PLUGIN, "--zookeeper", o.zookeeperConnect());
    boolean off = awaitHeader(stack, false, t0, "OFF");
    showEtcdValue();
    out.println();
    return on && off;
  }

  private void ctl(String... args) {
    List<String> all = new ArrayList<>(List.of("ctl"));
    all.addAll(List.of(args));
    out.println("$ " + Launcher.command(o.dist()) + " " + String.join(" ", all));
    out.flush();
    // the verbs used here are idempotent: retry a store that is slow to answer (busy machine)
    int code = -1;
    for (int attempt = 1; attempt <= 3 && code != 0; attempt++) {
      if (attempt > 1) out.println("(exit code " + code + "; trying again, attempt " + attempt + " of 3)");
      code = cli.apply(all.toArray(String[]::new));
      out.flush();
    }
    if (code != 0) {
      throw new DemoException(DemoException.Code.COMPONENT_FAILED, "switchboard " + String.join(" ", all) + " exited " + code);
    }
  }

  /** Polls the host until the header is there (or gone); prints the exchange and the time. */
  private boolean awaitHeader(DemoStack stack, boolean present, long t0, String label) {
    long deadline = t0 + o.flipTimeout().toNanos();
    Http.Response last = null;
    String lastError = null;
    while (System.nanoTime() < deadline) {
      try {
        last = Http.get(o.hostPort(), "/");
        lastError = null;
        if ((last.header(HEADER) != null) == present) {
          double s = (System.nanoTime() - t0) / 1e9;
          out.println("$ curl -si http://127.0.0.1:" + o.hostPort() + "/");
          out.println(indent(last.asCurl().strip()));
          out.printf("FLIP %s observed: %s %s in %.2f s (flag written -> response of the host changed)%n",
              label, HEADER, present ? "present: " + last.header(HEADER) : "gone", s);
          out.flush();
          return true;
        }
      } catch (IOException e) {
        lastError = e.getMessage();
      }
      if (!stack.host().process().isAlive()) {
        out.println("FLIP " + label + " NOT observed: the sample host exited (" + stack.host().log() + ")");
        return false;
      }
      DemoStack.sleep(100);
    }
    out.printf("FLIP %s NOT observed within %d s: the host %s.%n", label, o.flipTimeout().toSeconds(),
        lastError != null ? "did not answer (" + lastError + ")" : "answered without the expected change");
    Optional<String> agentStatus = agentStatus();
    out.println("  agent /v1/status: " + agentStatus.orElse("(no answer)"));
    out.println("  the end of " + stack.agent().log() + ":");
    out.println(indent(Children.tail(stack.agent().log(), 20)));
    out.flush();
    return false;
  }

  private Optional<String> agentStatus() {
    try {
      Http.Response r = Http.get(o.agentPort(), "/v1/status");
      return Optional.of(r.status() + " " + r.body().strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private void showEtcdValue() {
    String key = DemoStack.ROOT + "/services/" + DemoStack.SERVICE + "/plugins/" + DemoStack.PLUGIN + "/enabled";
    try (KeySpace etcd = KeySpaces.etcd(EtcdOptions.builder(o.etcdUrl()).build())) {
      Optional<Entry> e = etcd.get(key).get(10, TimeUnit.SECONDS);
      out.println("etcd now holds " + key + " = "
          + e.map(x -> new String(x.value(), StandardCharsets.UTF_8)).orElse("(absent)") + " (written there by the bridge)");
    } catch (Exception e) {
      out.println("(could not read " + key + " from etcd: " + e + ")");
    }
  }

  private void status() {
    out.println("== 3. Fleet status from the status keys");
    ctl("status", "--etcd", o.etcdUrl());
    out.println();
  }

  private void tryNext() {
    String sb = Launcher.command(o.dist());
    String e = "--etcd " + o.etcdUrl();
    String z = "--zookeeper " + o.zookeeperConnect();
    String s = DemoStack.SERVICE + " " + DemoStack.PLUGIN;
    Path v2 = o.dist().resolve("plugins").resolve(DemoStack.PLUGIN + "-2.0.0.jar");
    String key = DemoStack.ROOT + "/services/" + DemoStack.SERVICE + "/plugins/" + DemoStack.PLUGIN;
    out.println("== The fleet console (live, read-only): " + o.consoleUrl());
    out.println();
    out.println("== Try next (in another terminal):");
    out.println("  " + sb + " ctl enable " + s + " " + e);
    out.println("  curl -si http://127.0.0.1:" + o.hostPort() + "/");
    if (Files.isRegularFile(v2)) out.println("  " + sb + " ctl set-artifact " + s + " " + v2 + " " + e + "    # live upgrade to 2.0.0");
    out.println("  " + sb + " ctl set-config " + s + " '{\"header\":\"X-Demo\"}' " + z);
    out.println("  " + sb + " ctl rollout " + s + " --percent 50 " + e);
    out.println("  " + sb + " ctl disable " + s + " " + z);
    out.println("  " + sb + " ctl status " + e + " --watch");
    out.println("  ETCDCTL_API=3 etcdctl --endpoints=" + o.etcdUrl() + " get --prefix " + DemoStack.ROOT + "/");
    out.println("  ETCDCTL_API=3 etcdctl --endpoints=" + o.etcdUrl() + " put " + key + "/enabled true");
    out.println("  curl -s http://127.0.0.1:" + o.agentPort() + "/v1/status ; curl -s http://127.0.0.1:" + o.agentPort() + "/metrics");
    out.println("  curl -s http://127.0.0.1:" + o.bridgePort() + "/metrics");
    out.println("  Logs: " + o.workDir().resolve("logs") + "/{etcd,bridge,sample-host,agent}.log");
    out.println();
    out.flush();
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ");
  }
}
