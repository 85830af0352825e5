package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sidecar.desired.ArtifactRef;
import dev.switchboard.sidecar.desired.DesiredKeys;
import dev.switchboard.sidecar.desired.Traffic;
import dev.switchboard.sidecar.desired.Values;
import java.io.IOException;
import java.security.PrivateKey;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ctl traffic}: writes the {@code traffic} key — two versions of a plugin live on every node with calls shared
 * by weight, an optional hash key and optional header pins. The first version is the plugin's {@code artifact};
 * the second comes from the jar given, or from the traffic key in force (a re-weight).
 */
// no mixinStandardHelpOptions: its --version would clash with the artifact's --version (see set-artifact)
@Command(name = "traffic",
    description = "Run a second version beside the artifact on every node, calls shared: --weights 1.0.0=90,2.0.0=10.")
final class CtlTraffic extends CtlCommand.PluginVerb {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;

  @Parameters(index = "2", arity = "0..1", paramLabel = "<jar-or-url>",
      description = "the second version's jar (default: the one of the traffic key in force)")
  String jar;

  @Option(names = "--weights", required = true, paramLabel = "V=W,V=W",
      description = "the two versions and their weights (0..10000; the share is the ratio), e.g. 1.0.0=90,2.0.0=10")
  String weights;

  @Option(names = "--hash-key", paramLabel = "NAME",
      description = "request attribute (a header in the sample host) whose value is hashed: the same value keeps its version")
  String hashKey;

  @Option(names = "--pin-header", paramLabel = "NAME", description = "request attribute whose values pin a request to a version")
  String pinHeader;

  @Option(names = "--pin", split = ",", paramLabel = "VALUE=VERSION", description = "a pin: requests with this attribute value go to that version")
  List<String> pins;

  @Option(names = "--version", paramLabel = "V", description = "the second jar's version (default: its plugin.json)") String version;

  @Option(names = "--sha256", paramLabel = "HEX", description = "for http(s) URLs: skip downloading to hash") String sha256;

  @Mixin CtlCommand.Signing signing;

  @Override
  public Integer call() {
    String trafficKey = key(DesiredKeys.TRAFFIC);
    String artifactKey = key(DesiredKeys.ARTIFACT);
    Map<String, Integer> w;
    Map<String, String> p;
    try {
      w = HostTraffic.pairs("--weights", weights);
      p = pins == null ? null : HostTraffic.strings(pins);
    } catch (IllegalArgumentException e) {
      throw store.usage(e.getMessage());
    }
    if (p != null && !p.isEmpty() && pinHeader == null) throw store.usage("--pin needs --pin-header");
    PrivateKey signKey = signing.key(store);
    return store.run(ks -> {
      Optional<Traffic> inForce = CtlStore.get(ks, trafficKey).flatMap(v -> {
        try {
          return Optional.of(Values.parseTraffic(v));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      });
      JsonNode artifact;
      if (jar != null) {
        artifact = CtlArtifacts.artifact(plugin, jar, version, sha256, signKey);
      } else {
        if (inForce.isEmpty()) throw new CtlStore.Failed("no valid traffic split at " + trafficKey + ": give the second version's jar");
        artifact = artifactJson(inForce.get().artifact());
      }
      ObjectNode o = JSON.createObjectNode();
      ObjectNode versions = o.putObject("versions");
      w.forEach(versions::put);
      o.set("artifact", artifact);
      // a re-weight keeps the hash key and pins in force unless given
      String hk = hashKey != null || jar != null ? hashKey : inForce.map(Traffic::hashKey).orElse(null);
      if (hk != null) o.put("hashKey", hk);
      String header = pinHeader != null || p != null || jar != null ? pinHeader : inForce.map(Traffic::pinHeader).orElse(null);
      Map<String, String> pinMap = p != null || pinHeader != null || jar != null ? (p == null ? Map.of() : p)
          : inForce.map(Traffic::pins).orElse(Map.of());
      if (header != null) {
        ObjectNode pin = o.putObject("pin");
        pin.put("header", header);
        ObjectNode values = pin.putObject("values");
        pinMap.forEach(values::put);
      }
      Traffic t;
      try {
        t = Values.parseTraffic(o.toString()); // the agent's own validation
      } catch (IllegalArgumentException e) {
        throw new CtlStore.Failed("traffic rejected: " + e.getMessage());
      }
      Optional<String> first = CtlStore.get(ks, artifactKey).flatMap(CtlTraffic::version);
      if (first.isPresent() && (first.get().equals(t.secondVersion()) || !t.weights().containsKey(first.get()))) {
        throw new CtlStore.Failed("--weights " + weights + " must name the version of " + artifactKey + " (" + first.get()
            + ") and the second jar's version (" + t.secondVersion() + ")");
      }
      CtlStore.put(ks, trafficKey, o.toString());
      return Main.EXIT_OK;
    });
  }

  private static Optional<String> version(String artifactValue) {
    try {
      return Optional.ofNullable(Values.parseArtifact(artifactValue).version());
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  static ObjectNode artifactJson(ArtifactRef a) {
    ObjectNode o = JSON.createObjectNode();
    o.put("url", a.url());
    o.put("sha256", a.sha256());
    if (a.version() != null) o.put("version", a.version());
    if (a.signature() != null) o.put("signature", a.signature());
    return o;
  }

  /**
   * {@code ctl promote} of a split: the second version's artifact becomes the plugin's {@code artifact}, then the
   * traffic key goes (in that order: nodes see the second version alone, never the first alone in between).
   */
  static void promote(dev.switchboard.store.KeySpace ks, String trafficKey,
      String artifactKey, String value) {
    Traffic t;
    try {
      t = Values.parseTraffic(value);
    } catch (IllegalArgumentException e) {
      throw new CtlStore.Failed("the traffic split at " + trafficKey + " is invalid: " + e.getMessage());
    }
    JsonNode artifact;
    try {
      artifact = JSON.readTree(value).get("artifact");
    } catch (IOException e) {
      throw new CtlStore.Failed("cannot read the traffic split: " + e.getMessage());
    }
    CtlStore.put(ks, artifactKey, artifact.toString());
    CtlStore.delete(ks, trafficKey);
    System.out.println("promoted " + t.secondVersion() + ": " + artifactKey + " set, " + trafficKey + " deleted");
  }
}
