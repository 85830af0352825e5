package dev.switchboard.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.EtcdCluster;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ctl traffic}, {@code ctl promote} and {@code ctl abort} against a real etcd: what each writes and refuses. */
class CtlTrafficEtcdIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();
  static final ObjectMapper JSON = new ObjectMapper();
  static final String KEY = "/switchboard/services/shop/plugins/rh/";

  @TempDir Path tmp;

  record Result(int exit, String out, String err) {}

  static Result ctl(String... args) {
    List<String> all = new ArrayList<>(List.of("ctl"));
    all.addAll(List.of(args));
    all.add("--etcd=" + ETCD.endpoints());
    PrintStream err = System.err;
    PrintStream out = System.out;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      int exit = Main.run(all.toArray(String[]::new));
      return new Result(exit, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setErr(err);
      System.setOut(out);
    }
  }

  Path jar(String version) throws Exception {
    Path jar = tmp.resolve("rh-" + version + ".jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new JarEntry("plugin.json"));
      out.write(("{\"id\":\"rh\",\"version\":\"" + version + "\"}").getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
    return jar;
  }

  static Optional<JsonNode> read(KeySpace ks, String leaf) throws Exception {
    var e = ks.get(KEY + leaf).get(15, TimeUnit.SECONDS);
    return e.isEmpty() ? Optional.empty() : Optional.of(JSON.readTree(e.get().valueUtf8()));
  }

  @Test
  void trafficWritesAValidatedSplitReweightsKeepingPinsAndPromoteAndAbortFinishIt() throws Exception {
    Path v1 = jar("1.0.0");
    Path v2 = jar("2.0.0");
    try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).operationTimeout(Duration.ofSeconds(14)).build())) {
      assertThat(ctl("set-artifact", "shop", "rh", v1.toString()).exit()).isZero();
      Result r = ctl("traffic", "shop", "rh", v2.toString(), "--weights", "1.0.0=90,2.0.0=10", "--hash-key", "x-user",
          "--pin-header", "x-deployment-id", "--pin", "v2=2.0.0");
      assertThat(r.exit()).as(r.toString()).isZero();
      JsonNode t = read(ks, "traffic").orElseThrow();
      assertThat(t.path("versions").path("2.0.0").asInt()).isEqualTo(10);
      assertThat(t.path("artifact").path("version").asText()).isEqualTo("2.0.0");
      assertThat(t.path("hashKey").asText()).isEqualTo("x-user");
      assertThat(t.path("pin").path("values").path("v2").asText()).isEqualTo("2.0.0");

      assertThat(ctl("traffic", "shop", "rh", "--weights", "1.0.0=50,2.0.0=50").exit()).isZero();
      JsonNode reweighted = read(ks, "traffic").orElseThrow();
      assertThat(reweighted.path("versions").path("2.0.0").asInt()).isEqualTo(50);
      assertThat(reweighted.path("artifact")).as("the second artifact stays").isEqualTo(t.path("artifact"));
      assertThat(reweighted.path("pin")).as("the pins stay").isEqualTo(t.path("pin"));
      assertThat(reweighted.path("hashKey").asText()).isEqualTo("x-user");

      Result wrong = ctl("traffic", "shop", "rh", "--weights", "1.1.0=50,2.0.0=50");
      assertThat(wrong.exit()).as("weights not naming the artifact's version").isEqualTo(1);
      assertThat(wrong.err()).contains("must name the version of " + KEY + "artifact (1.0.0)");
      Result third = ctl("traffic", "shop", "rh", "--weights", "1.0.0=50,3.0.0=50");
      assertThat(third.exit()).isEqualTo(1);
      assertThat(third.err()).contains("traffic rejected").contains("'artifact.version' must be one of the versions");
      assertThat(read(ks, "traffic").orElseThrow()).as("nothing written").isEqualTo(reweighted);

      assertThat(ctl("abort", "shop", "rh").exit()).isZero();
      assertThat(read(ks, "traffic")).isEmpty();
      assertThat(read(ks, "artifact").orElseThrow().path("version").asText()).isEqualTo("1.0.0");

      assertThat(ctl("traffic", "shop", "rh", v2.toString(), "--weights", "1.0.0=0,2.0.0=100").exit()).isZero();
      Result promoted = ctl("promote", "shop", "rh");
      assertThat(promoted.exit()).as(promoted.toString()).isZero();
      assertThat(read(ks, "traffic")).isEmpty();
      assertThat(read(ks, "artifact").orElseThrow().path("version").asText()).isEqualTo("2.0.0");
      assertThat(read(ks, "artifact").orElseThrow().path("sha256").asText()).isEqualTo(dev.switchboard.control.Sha256.of(v2));

      Result nothing = ctl("abort", "shop", "rh");
      assertThat(nothing.exit()).isEqualTo(1);
      assertThat(nothing.err()).contains("no traffic split").contains("no canary");
    }
  }
}
