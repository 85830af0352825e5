package dev.switchboard.sidecar.desired;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Change;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class MalformedValuesTest {
  static final String ROOT = "/switchboard";
  static final String P = ROOT + "/services/checkout/plugins/p/";
  static final String SHA = "c".repeat(64);
  static final String GOOD_ART = "{\"url\":\"file:///tmp/p.jar\",\"sha256\":\"" + SHA + "\",\"version\":\"1.0.0\"}";

  static Stream<Arguments> badValues() {
    return Stream.of(
        Arguments.of("enabled", "yes", "not true or false"),
        Arguments.of("enabled", "", "not true or false"),
        Arguments.of("artifact", "{not json", "bad JSON"),
        Arguments.of("artifact", "[1,2]", "must be a JSON object"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + SHA + "\"} trailing", "bad JSON"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"abc\"}", "'sha256' is not 64 hex digits"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + "g".repeat(64) + "\"}", "'sha256' is not 64 hex digits"),
        Arguments.of("artifact", "{\"url\":\"ftp://h/x.jar\",\"sha256\":\"" + SHA + "\"}", "unsupported URL scheme 'ftp'"),
        Arguments.of("artifact", "{\"url\":\"jar:file:/x.jar!/\",\"sha256\":\"" + SHA + "\"}", "unsupported URL scheme 'jar'"),
        Arguments.of("artifact", "{\"url\":42,\"sha256\":\"" + SHA + "\"}", "'url' must be a string, got a number"),
        Arguments.of("artifact", "{\"sha256\":\"" + SHA + "\"}", "'url' missing"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + SHA + "\",\"version\":7}", "'version' must be a string"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + SHA + "\",\"colour\":\"red\"}", "unknown field 'colour'"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"sha256\":\"" + SHA + "\",\"signature\":[1]}", "'signature' must be a string, got an array"),
        Arguments.of("canary", "{\"artifact\":{\"url\":\"file:///x\",\"sha256\":\"" + SHA + "\",\"signature\":7},\"percent\":10}", "'artifact.signature' must be a string"),
        Arguments.of("artifact", "{\"url\":\"file:///x.jar\",\"url\":\"file:///y.jar\",\"sha256\":\"" + SHA + "\"}", "bad JSON"),
        Arguments.of("config", "[1]", "config must be a JSON object, got an array"),
        Arguments.of("config", "{\"a\":", "bad JSON"),
        Arguments.of("rollout", "{\"percent\":101}", "outside 0..100"),
        Arguments.of("rollout", "{\"percent\":-1}", "outside 0..100"),
        Arguments.of("rollout", "{\"percent\":\"30\"}", "'percent' must be an integer, got a string"),
        Arguments.of("rollout", "{\"percent\":30.5}", "'percent' must be an integer"),
        Arguments.of("rollout", "{\"percent\":30,\"nodes\":[\"a\"]}", "exactly one of"),
        Arguments.of("rollout", "{}", "exactly one of"),
        Arguments.of("rollout", "{\"nodes\":\"a\"}", "'nodes' must be an array"),
        Arguments.of("rollout", "{\"nodes\":[\"Node_A\"]}", "invalid node name 'Node_A'"),
        Arguments.of("rollout", "{\"nodes\":[1]}", "must hold strings"),
        Arguments.of("canary", "{\"percent\":10}", "'artifact' missing"),
        Arguments.of("canary", "{\"artifact\":{\"url\":\"file:///x\",\"sha256\":\"12\"},\"percent\":10}", "'artifact.sha256' is not 64 hex"),
        Arguments.of("canary", "{\"artifact\":" + GOOD_ART + ",\"percent\":200}", "outside 0..100"),
        Arguments.of("canary", "{\"artifact\":" + GOOD_ART + ",\"percent\":10,\"extra\":1}", "unknown field 'extra'"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badValues")
  void eachMalformedValueKindIsRefusedNamingKeyAndReasonAndTheLastGoodValueStays(String leaf, String bad, String reason) {
    ServiceDesiredState s = new ServiceDesiredState(ROOT, "checkout");
    put(s, "enabled", "true");
    put(s, "artifact", GOOD_ART);
    put(s, "config", "{\"k\":1}");
    put(s, "rollout", "{\"percent\":100}");
    Resolution before = s.resolve("p", "node-1");
    assertThat(before.error()).isNull();

    put(s, leaf, bad);

    Resolution after = s.resolve("p", "node-1");
    assertThat(after.error()).contains(P + leaf).contains(reason).contains("last valid value kept");
    assertThat(after.desired()).isEqualTo(before.desired());
    assertThat(after.artifact()).isEqualTo(before.artifact());
    assertThat(after.configJson()).isEqualTo(before.configJson());

    put(s, leaf, switch (leaf) {
      case "enabled" -> "true";
      case "artifact" -> GOOD_ART;
      case "config" -> "{\"k\":1}";
      case "rollout" -> "{\"percent\":100}";
      default -> "{\"artifact\":" + GOOD_ART + ",\"nodes\":[]}";
    });
    assertThat(s.resolve("p", "node-1").error()).isNull();
  }

  @Test
  void invalidPluginAndNodeNamesAreRejectedWithoutCreatingAPlugin() {
    ServiceDesiredState s = new ServiceDesiredState(ROOT, "checkout");
    s.apply(Change.put(ROOT + "/services/checkout/plugins/Bad_Name/enabled", bytes("true"), 1));
    s.apply(Change.put(ROOT + "/services/checkout/nodes/UPPER/plugins/p/enabled", bytes("true"), 1));
    s.apply(Change.put(ROOT + "/services/checkout/plugins/p/colour", bytes("red"), 1));
    assertThat(s.plugins()).isEmpty();
    assertThat(s.rejected()).extracting(KeyError::reason)
        .anySatisfy(r -> assertThat(r).contains("invalid plugin name 'Bad_Name'"))
        .anySatisfy(r -> assertThat(r).contains("invalid node name 'UPPER'"))
        .anySatisfy(r -> assertThat(r).contains("unknown plugin key 'colour'"));
  }

  @Test
  void badOverrideOfAnotherNodeDoesNotConcernThisNode() {
    ServiceDesiredState s = new ServiceDesiredState(ROOT, "checkout");
    put(s, "enabled", "true");
    put(s, "artifact", GOOD_ART);
    s.apply(Change.put(ROOT + "/services/checkout/nodes/node-2/plugins/p/enabled", bytes("maybe"), 1));
    assertThat(s.resolve("p", "node-1").error()).isNull();
    assertThat(s.resolve("p", "node-2").error()).contains("nodes/node-2/plugins/p/enabled").contains("not true or false");
  }

  @Test
  void aSignatureIsCarriedAsWrittenAndIsOptional() {
    assertThat(Values.parseArtifact("{\"url\":\"http://h/x.jar\",\"sha256\":\"" + SHA + "\",\"signature\":\"c2ln\"}").signature())
        .isEqualTo("c2ln");
    assertThat(Values.parseArtifact("{\"url\":\"http://h/x.jar\",\"sha256\":\"" + SHA + "\"}").signature()).isNull();
  }

  @Test
  void shaIsNormalizedToLowerCase() {
    assertThat(Values.parseArtifact("{\"url\":\"http://h/x.jar\",\"sha256\":\"" + "AB".repeat(32) + "\"}").sha256())
        .isEqualTo("ab".repeat(32));
  }

  static void put(ServiceDesiredState s, String leaf, String value) {
    s.apply(Change.put(P + leaf, bytes(value), 1));
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
