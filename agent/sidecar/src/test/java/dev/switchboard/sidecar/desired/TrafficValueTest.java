package dev.switchboard.sidecar.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Change;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code traffic} key: parsed, validated, resolved beside the plugin's artifact; a bad value changes nothing. */
class TrafficValueTest {
  static final String ROOT = "/switchboard";
  static final String P = ROOT + "/services/checkout/plugins/p/";
  static final String SHA1 = "1".repeat(64);
  static final String SHA2 = "2".repeat(64);
  static final String ART1 = "{\"url\":\"file:///tmp/p-1.jar\",\"sha256\":\"" + SHA1 + "\",\"version\":\"1.0.0\"}";
  static final String ART2 = "{\"url\":\"file:///tmp/p-2.jar\",\"sha256\":\"" + SHA2 + "\",\"version\":\"2.0.0\"}";
  static final String GOOD = "{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":" + ART2
      + ",\"hashKey\":\"x-user\",\"pin\":{\"header\":\"x-deployment-id\",\"values\":{\"v1\":\"1.0.0\",\"v2\":\"2.0.0\"}}}";

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("[1]", "traffic must be a JSON object"),
        Arguments.of("{\"artifact\":" + ART2 + "}", "field 'versions' missing"),
        Arguments.of("{\"versions\":{\"1.0.0\":90},\"artifact\":" + ART2 + "}", "exactly two versions, got 1"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":5,\"3.0.0\":5},\"artifact\":" + ART2 + "}", "exactly two versions, got 3"),
        Arguments.of("{\"versions\":{\"1.0.0\":-1,\"2.0.0\":10},\"artifact\":" + ART2 + "}", "'versions.1.0.0' must be an integer weight 0..10000"),
        Arguments.of("{\"versions\":{\"1.0.0\":\"90\",\"2.0.0\":10},\"artifact\":" + ART2 + "}", "must be an integer weight"),
        Arguments.of("{\"versions\":{\"1.0.0\":0,\"2.0.0\":0},\"artifact\":" + ART2 + "}", "the weights are all 0"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10}}", "field 'artifact' missing"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"3.0.0\":10},\"artifact\":" + ART2 + "}", "'artifact.version' must be one of the versions"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":{\"url\":\"file:///x\",\"sha256\":\"12\",\"version\":\"2.0.0\"}}",
            "'artifact.sha256' is not 64 hex"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":" + ART2 + ",\"hashKey\":7}", "'hashKey' must be a string"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":" + ART2 + ",\"pin\":{\"values\":{\"v2\":\"2.0.0\"}}}",
            "'pin.header' missing"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":" + ART2 + ",\"pin\":{\"header\":\"h\",\"values\":{\"v3\":\"3.0.0\"}}}",
            "'pin.values.v3' must name one of the versions"),
        Arguments.of("{\"versions\":{\"1.0.0\":90,\"2.0.0\":10},\"artifact\":" + ART2 + ",\"weights\":{}}", "unknown field 'weights'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badValues")
  void aMalformedTrafficValueIsRefusedNamingTheKeyAndTheLastValidSplitStays(String bad, String reason) {
    ServiceDesiredState s = state();
    put(s, "traffic", GOOD);
    Resolution before = s.resolve("p", "node-1");
    assertThat(before.error()).isNull();
    assertThat(before.traffic()).isNotNull();

    put(s, "traffic", bad);

    Resolution after = s.resolve("p", "node-1");
    assertThat(after.error()).contains(P + "traffic").contains(reason).contains("last valid value kept");
    assertThat(after.traffic()).as("the last valid split stays in force").isEqualTo(before.traffic());
    assertThat(after.artifact()).isEqualTo(before.artifact());
    assertThat(after.desired()).isTrue();
  }

  @Test
  void aValidValueResolvesToTheSecondVersionWithWeightsHashKeyAndPins() {
    ServiceDesiredState s = state();
    put(s, "traffic", GOOD);
    Traffic t = s.resolve("p", "node-1").traffic();
    assertThat(t.weights()).isEqualTo(Map.of("1.0.0", 90, "2.0.0", 10));
    assertThat(t.artifact().sha256()).isEqualTo(SHA2);
    assertThat(t.secondVersion()).isEqualTo("2.0.0");
    assertThat(t.hashKey()).isEqualTo("x-user");
    assertThat(t.pinHeader()).isEqualTo("x-deployment-id");
    assertThat(t.pins()).isEqualTo(Map.of("v1", "1.0.0", "v2", "2.0.0"));
  }

  @Test
  void trafficWhoseSecondArtifactIsTheArtifactMeansOneVersionAsDuringAPromotion() {
    ServiceDesiredState s = state();
    put(s, "traffic", GOOD);
    put(s, "artifact", ART2);
    Resolution r = s.resolve("p", "node-1");
    assertThat(r.error()).isNull();
    assertThat(r.traffic()).isNull();
    assertThat(r.artifact().sha256()).isEqualTo(SHA2);
  }

  @Test
  void versionsThatDoNotNameTheArtifactsVersionAreAProblemAndTheArtifactRunsAlone() {
    ServiceDesiredState s = state();
    put(s, "artifact", "{\"url\":\"file:///tmp/p-3.jar\",\"sha256\":\"" + "3".repeat(64) + "\",\"version\":\"3.0.0\"}");
    put(s, "traffic", GOOD);
    Resolution r = s.resolve("p", "node-1");
    assertThat(r.error()).contains(P + "traffic").contains("must name the running artifact's version 3.0.0");
    assertThat(r.traffic()).isNull();
    assertThat(r.artifact().version()).isEqualTo("3.0.0");
  }

  @Test
  void aDisabledPluginHasNoSplit() {
    ServiceDesiredState s = state();
    put(s, "traffic", GOOD);
    put(s, "enabled", "false");
    assertThat(s.resolve("p", "node-1").traffic()).isNull();
  }

  private static ServiceDesiredState state() {
    ServiceDesiredState s = new ServiceDesiredState(ROOT, "checkout");
    put(s, "enabled", "true");
    put(s, "artifact", ART1);
    return s;
  }

  private static void put(ServiceDesiredState s, String leaf, String value) {
    s.apply(Change.put(P + leaf, value.getBytes(StandardCharsets.UTF_8), 1));
  }
}
