package dev.switchboard.it.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.it.e2e.DesiredModel.Expected;
import org.junit.jupiter.api.Test;

/** The checker's model of docs/reference.md §1 resolution, on plain values (no containers). */
class DesiredModelTest {
  static final String P = "/switchboard/services/shop/plugins/response-header/";
  static final String V1 = "{\"url\":\"file:///a/v1.jar\",\"sha256\":\"" + "a".repeat(64) + "\",\"version\":\"1.0.0\"}";
  static final String V2 = "{\"url\":\"file:///a/v2.jar\",\"sha256\":\"" + "b".repeat(64) + "\",\"version\":\"2.0.0\"}";

  final DesiredModel model = new DesiredModel("/switchboard", "shop", "response-header");

  @Test
  void nothingWrittenMeansNoMarkerAndEnabledWithAnArtifactMeansItsVersion() {
    assertThat(model.expected("pod-a")).isEqualTo(Expected.NONE);
    model.apply(P + "enabled", "true");
    assertThat(model.expected("pod-a")).as("desired without an artifact: FAILED, nothing runs").isEqualTo(Expected.NONE);
    model.apply(P + "artifact", V1);
    assertThat(model.expected("pod-a")).isEqualTo(Expected.of("response-header/1.0.0"));
    model.apply(P + "enabled", null);
    assertThat(model.expected("pod-a")).isEqualTo(Expected.NONE);
  }

  @Test
  void aFiftyPercentCanarySelectsPodAButNotPodBAsTheSidecarsHashDoes() {
    model.apply(P + "artifact", V1);
    model.apply(P + "enabled", "true");
    model.apply(P + "canary", "{\"artifact\":" + V2 + ",\"percent\":50}");
    assertThat(model.expected("pod-a")).isEqualTo(Expected.of("response-header/2.0.0")); // bucket 21
    assertThat(model.expected("pod-b")).isEqualTo(Expected.of("response-header/1.0.0")); // bucket 76
  }

  @Test
  void aPerNodeOverrideWinsOverEnabledAndRolloutAndOtherServicesAreIgnored() {
    model.apply(P + "artifact", V1);
    model.apply(P + "enabled", "false");
    model.apply("/switchboard/services/shop/nodes/pod-b/plugins/response-header/enabled", "true");
    assertThat(model.expected("pod-a")).isEqualTo(Expected.NONE);
    assertThat(model.expected("pod-b")).isEqualTo(Expected.of("response-header/1.0.0"));
    model.apply("/switchboard/services/other/plugins/response-header/enabled", "true");
    assertThat(model.expected("pod-a")).isEqualTo(Expected.NONE);
    model.apply(P + "enabled", "true");
    model.apply(P + "rollout", "{\"nodes\":[\"pod-b\"]}");
    assertThat(model.expected("pod-a")).isEqualTo(Expected.NONE);
  }

  @Test
  void valuesTheModelCannotReadMakeTheExpectationAWildcard() {
    model.apply(P + "artifact", V1);
    model.apply(P + "enabled", "yes");
    Expected e = model.expected("pod-a");
    assertThat(e.known()).isFalse();
    assertThat(e.matches(java.util.Optional.of("anything"))).isTrue();
    assertThat(Expected.NONE.matches(java.util.Optional.of("response-header/1.0.0"))).isFalse();
  }
}
