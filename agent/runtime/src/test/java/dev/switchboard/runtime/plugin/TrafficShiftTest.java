package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.greeter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.Extensions;
import dev.switchboard.api.RoutingKey;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.TrafficRequest;
import dev.switchboard.runtime.plugin.testspi.Greeter;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two versions of one plugin live in the plugin manager with calls shared; promote and abort end it. */
class TrafficShiftTest {
  private static final ExtensionPoint<Greeter> GREETERS = Extensions.point(Greeter.class);

  @TempDir Path dir;
  private PluginManager manager;

  @BeforeEach
  void setUp() {
    Probe.reset();
    manager = TestPlugins.manager();
  }

  @AfterEach
  void tearDown() {
    manager.close();
    assertThat(GREETERS.isEmpty()).isTrue();
  }

  private List<String> greet(RoutingKey key) {
    List<String> out = new ArrayList<>();
    GREETERS.forEach((g, l) -> l.add(g.greet("x")), out, key);
    return out;
  }

  private PluginStatus traffic(TrafficRequest r) throws Exception {
    return manager.traffic(r).get(60, TimeUnit.SECONDS);
  }

  private static TrafficRequest split(Path jar, int w1, int w2) {
    return new TrafficRequest("hdr", TrafficRequest.Action.SPLIT, TestPlugins.request("hdr", jar, "{}"),
        Map.of("1.0.0", w1, "2.0.0", w2), null, "x-deployment-id", Map.of("v2", "2.0.0"));
  }

  @SuppressWarnings("unchecked")
  private long calls(String version) {
    Map<String, Object> hdr = (Map<String, Object>) manager.trafficFigures().get("hdr");
    return (Long) ((Map<String, Object>) ((Map<String, Object>) hdr.get("versions")).get(version)).get("calls");
  }

  @Test
  void aSplitKeepsBothVersionsActiveSharesCallsByWeightAndPromoteLeavesTheNewOneAlone() throws Exception {
    Path v1 = greeter(dir, "hdr", "1.0.0").build();
    Path v2 = greeter(dir, "hdr", "2.0.0").build();
    assertThat(activate(manager, "hdr", v1).state()).isEqualTo(PluginState.ACTIVE);

    PluginStatus s = traffic(split(v2, 90, 10));
    assertThat(s.state()).isEqualTo(PluginState.ACTIVE);
    assertThat(s.version()).as("the status names the version that ran first").isEqualTo("1.0.0");
    assertThat(Probe.EVENTS).contains("start hdr@1.0.0", "start hdr@2.0.0").doesNotContain("stop hdr@1.0.0");

    int on2 = 0;
    for (int i = 0; i < 5_000; i++) {
      List<String> got = greet(RoutingKey.NONE);
      assertThat(got).hasSize(1);
      if (got.get(0).endsWith("hdr@2.0.0")) on2++;
    }
    assertThat(on2).as("10 %% of 5000").isBetween(380, 620);
    assertThat(calls("2.0.0")).isEqualTo(on2);
    assertThat(calls("1.0.0")).isEqualTo(5_000 - on2);
    assertThat(greet(Map.of("x-deployment-id", "v2")::get)).containsExactly("hello x from hdr@2.0.0");

    assertThat(traffic(split(v2, 0, 100)).state()).isEqualTo(PluginState.ACTIVE);
    assertThat(Probe.count("start hdr@2.0.0")).as("the same jar again only re-weights").isEqualTo(1);
    assertThat(greet(RoutingKey.NONE)).containsExactly("hello x from hdr@2.0.0");

    PluginStatus promoted = traffic(TrafficRequest.finish("hdr", TrafficRequest.Action.PROMOTE));
    assertThat(promoted.state()).isEqualTo(PluginState.ACTIVE);
    assertThat(promoted.version()).isEqualTo("2.0.0");
    assertThat(Probe.EVENTS).contains("stop hdr@1.0.0");
    assertThat(manager.trafficFigures()).isEmpty();
    assertThat(greet(Map.of("x-deployment-id", "v1")::get)).containsExactly("hello x from hdr@2.0.0");
  }

  @Test
  void abortKeepsTheFirstVersionAndAWrongVersionNameIsRefusedWithTheFirstStillServing() throws Exception {
    Path v1 = greeter(dir, "hdr", "1.0.0").build();
    Path v2 = greeter(dir, "hdr", "2.0.0").build();
    Path v3 = greeter(dir, "hdr", "3.0.0").build();
    activate(manager, "hdr", v1);

    PluginStatus refused = traffic(new TrafficRequest("hdr", TrafficRequest.Action.SPLIT, TestPlugins.request("hdr", v3, "{}"),
        Map.of("1.0.0", 50, "2.0.0", 50), null, null, Map.of()));
    assertThat(refused.state()).isEqualTo(PluginState.FAILED);
    assertThat(refused.error()).contains("1.0.0").contains("3.0.0");
    assertThat(greet(RoutingKey.NONE)).containsExactly("hello x from hdr@1.0.0");
    assertThat(Probe.EVENTS).doesNotContain("start hdr@3.0.0");

    assertThat(traffic(split(v2, 50, 50)).state()).isEqualTo(PluginState.ACTIVE);
    PluginStatus aborted = traffic(TrafficRequest.finish("hdr", TrafficRequest.Action.ABORT));
    assertThat(aborted.version()).isEqualTo("1.0.0");
    assertThat(Probe.EVENTS).contains("stop hdr@2.0.0").doesNotContain("stop hdr@1.0.0");
    for (int i = 0; i < 200; i++) {
      assertThat(greet(Map.of("x-deployment-id", "v2")::get)).containsExactly("hello x from hdr@1.0.0");
    }
    assertThat(traffic(TrafficRequest.finish("hdr", TrafficRequest.Action.ABORT)).error()).contains("runs one version only");
  }

  @Test
  void deactivatingDuringASplitStopsBothVersions() throws Exception {
    Path v1 = greeter(dir, "hdr", "1.0.0").build();
    Path v2 = greeter(dir, "hdr", "2.0.0").build();
    activate(manager, "hdr", v1);
    traffic(split(v2, 50, 50));
    assertThat(TestPlugins.deactivate(manager, "hdr").state()).isEqualTo(PluginState.INACTIVE);
    assertThat(Probe.EVENTS).contains("stop hdr@1.0.0", "stop hdr@2.0.0");
    assertThat(GREETERS.isEmpty()).isTrue();
  }

  @Test
  void activatingExactlyWhatIsActiveLeavesTheSplitWhileAnotherConfigEndsIt() throws Exception {
    Path v1 = greeter(dir, "hdr", "1.0.0").build();
    Path v2 = greeter(dir, "hdr", "2.0.0").build();
    activate(manager, "hdr", v1);
    traffic(split(v2, 0, 100));
    assertThat(activate(manager, "hdr", v1).state()).isEqualTo(PluginState.ACTIVE);
    assertThat(manager.trafficFigures()).as("a sidecar re-adopting the runtime confirms what runs: the split stays").containsOnlyKeys("hdr");
    assertThat(greet(RoutingKey.NONE)).containsExactly("hello x from hdr@2.0.0");
    assertThat(Probe.EVENTS).doesNotContain("stop hdr@2.0.0");

    assertThat(activate(manager, "hdr", v1, "{\"greeting\":\"hi\"}").state()).isEqualTo(PluginState.ACTIVE);
    assertThat(manager.trafficFigures()).as("another config ends the split first").isEmpty();
    assertThat(Probe.EVENTS).contains("stop hdr@2.0.0");
  }
}
