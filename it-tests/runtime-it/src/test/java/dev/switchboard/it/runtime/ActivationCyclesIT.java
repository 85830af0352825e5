package dev.switchboard.it.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import dev.switchboard.control.UnloadOutcome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 activate/deactivate cycles in one real host with the production unload check (no GC on the
 * deactivate path, at most one explicit GC per interval): every loader collected (the last ones
 * proven by one on-demand check), metaspace back within a bound.
 */
class ActivationCyclesIT {
  static final int CYCLES = 200;
  static final long METASPACE_BOUND_BYTES = 8L << 20;

  @TempDir Path controlDir;

  @Test
  void twoHundredCyclesCollectEveryLoaderAndMetaspaceReturns() throws Exception {
    Path jar = Dist.plugin("response-header", "1.0.0");
    String sha = SampleHostIT.sha256(jar);
    try (HostProcess host = HostProcess.sampleHost(Dist.java17());
        RuntimeConnection c = RuntimeClient.builder().controlDir(controlDir).runtimeJar(Dist.runtime())
            .timeout(Duration.ofSeconds(60)).build().connect(host.pid())) {
      List<PluginStatus> unloadEvents = new CopyOnWriteArrayList<>();
      c.onEvent(s -> {
        if (s.state() == PluginState.INACTIVE && s.unload() != null && s.unload() != UnloadOutcome.PENDING) unloadEvents.add(s);
      });
      ActivateRequest req = new ActivateRequest("response-header", jar.toString(), sha, "{}");
      // warm-up: the first cycles load the runtime's own classes (validator, executors ...)
      for (int i = 0; i < 5; i++) cycle(c, req, host.port);
      c.checkUnload().get(60, TimeUnit.SECONDS); // the warm-up's loaders gone: a comparable "before"
      Map<String, Object> before = c.stats().get(30, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      int collectedAtOnce = 0;
      int pending = 0;
      for (int i = 0; i < CYCLES; i++) {
        PluginStatus d = cycle(c, req, host.port);
        if ((UnloadOutcome.COLLECTED == d.unload())) collectedAtOnce++;
        else if ((UnloadOutcome.PENDING == d.unload())) pending++;
        else throw new AssertionError("cycle " + i + ": unload " + d.unload() + " " + d);
      }
      long ms = (System.nanoTime() - t0) / 1_000_000;
      Map<String, Object> during = c.stats().get(30, TimeUnit.SECONDS);
      // every unload ends collected, none leaked: natural GCs found some, one check the rest
      List<PluginStatus> checked = c.checkUnload().get(60, TimeUnit.SECONDS);
      assertThat(checked).singleElement().satisfies(s -> assertThat(s.unload()).isEqualTo(UnloadOutcome.COLLECTED));
      Map<String, Object> after = c.stats().get(30, TimeUnit.SECONDS);
      assertThat(unloads(after, "collected") - unloads(before, "collected")).as("loaders collected over the cycles").isEqualTo(CYCLES);
      assertThat(unloads(after, "leaked")).as("loaders leaked").isZero();
      assertThat(unloadEvents).allSatisfy(s -> assertThat(s.unload()).isEqualTo(UnloadOutcome.COLLECTED));
      long mBefore = (Long) before.get("metaspaceUsedBytes");
      long mAfter = (Long) after.get("metaspaceUsedBytes");
      System.out.printf("%d activate/deactivate cycles in %d ms (%d collected at deactivate, %d collected later); "
              + "metaspace used before %d bytes, after %d bytes, delta %+d bytes; loaded classes before %s, after %s; unloads %s%n",
          CYCLES, ms, collectedAtOnce, pending, mBefore, mAfter, mAfter - mBefore,
          before.get("loadedClasses"), after.get("loadedClasses"), after.get("unloads"));
      assertThat(mAfter - mBefore).as("metaspace growth over %d cycles", CYCLES).isLessThan(METASPACE_BOUND_BYTES);
      long forced = explicitGcs(during) - explicitGcs(before);
      long allowed = 2 + ms / 60_000; // one per 60 s interval (+1 for where the interval boundaries fall)
      System.out.printf("explicit GCs forced by the unload check during %d cycles (%d ms): %d (allowed %d); after the check: %s%n",
          CYCLES, ms, forced, allowed, after.get("unloadCheck"));
      assertThat(forced).as("explicit GCs during the cycles (rate-limited)").isLessThanOrEqualTo(allowed);
      assertThat(Http.get(host.port).statusCode()).isEqualTo(200);
    }
  }

  private static long unloads(Map<String, Object> stats, String outcome) {
    Object n = ((Map<?, ?>) stats.get("unloads")).get(outcome);
    return n == null ? 0 : (Long) n;
  }

  private static long explicitGcs(Map<String, Object> stats) {
    return (Long) ((Map<?, ?>) stats.get("unloadCheck")).get("explicitGcs");
  }

  private static PluginStatus cycle(RuntimeConnection c, ActivateRequest req, int port) throws Exception {
    PluginStatus a = c.activate(req).get(60, TimeUnit.SECONDS);
    assertThat(a.state()).as("%s", a).isEqualTo(PluginState.ACTIVE);
    PluginStatus d = c.deactivate(req.pluginId()).get(60, TimeUnit.SECONDS);
    assertThat(d.state()).as("%s", d).isEqualTo(PluginState.INACTIVE);
    return d;
  }

}
