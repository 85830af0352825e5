package dev.switchboard.sidecar.status;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusJsonTest {
  @Test
  void theAgentStatusNamesExportsNoHostLoaderDefines() {
    AgentStatus a = new AgentStatus("0.1.0", "0.1.0", 42L, "17", true, Map.of("etcd", "connected"), "2026-12-03T00:00:00Z",
        List.of("no.such.pkg", "com.example.*"));
    ObjectNode o = StatusJson.agent(a);
    assertThat(o.get("missingExports").toString()).isEqualTo("[\"no.such.pkg\",\"com.example.*\"]");
  }

  @Test
  void withEveryExportFoundTheFieldIsAbsent() {
    AgentStatus a = new AgentStatus("0.1.0", "0.1.0", 42L, "17", true, Map.of(), "2026-12-03T00:00:00Z");
    assertThat(StatusJson.agent(a).has("missingExports")).isFalse();
  }

  @Test
  void aPluginStatusCarriesTheUnloadOutcomeOnlyOnceThereIsOne() {
    var before = new dev.switchboard.sidecar.reconcile.PluginReport("p", "ACTIVE", true, "1.0.0", "0".repeat(64), "2026-12-03T00:00:00Z",
        null, 1, true);
    assertThat(StatusJson.plugin(before).has("unload")).isFalse();
    var after = new dev.switchboard.sidecar.reconcile.PluginReport("p", "INACTIVE", false, "1.0.0", "0".repeat(64), "2026-12-03T00:00:01Z",
        null, 2, false, "collected");
    assertThat(StatusJson.plugin(after).get("unload").asText()).isEqualTo("collected");
  }
}
