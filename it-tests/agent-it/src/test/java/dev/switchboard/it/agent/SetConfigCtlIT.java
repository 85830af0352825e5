package dev.switchboard.it.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.testkit.EtcdCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard ctl set-config} checks a config against the configSchema of the plugin's artifact before writing it. */
class SetConfigCtlIT {
  @RegisterExtension static final EtcdCluster ETCD = EtcdCluster.single();

  @TempDir Path tmp;

  record Result(int exit, String output) {}

  Result ctl(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(Proc.java("-jar", Dist.cli().toString(), "ctl"));
    cmd.addAll(List.of(args));
    cmd.add("--etcd");
    cmd.add(ETCD.endpoints());
    Path out = Files.createTempFile(tmp, "ctl-", ".txt");
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("ctl " + String.join(" ", args) + " exited").isTrue();
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
  }

  @Test
  void aConfigTheArtifactsSchemaRefusesIsNotWrittenUnlessTheCheckIsSkipped() throws Exception {
    String svc = "shop";
    String configKey = Stores.pluginKey(svc, "response-header", "config");
    try (KeySpace ks = KeySpaces.etcd(EtcdOptions.builder(ETCD.endpoints()).build())) {
      Result noArtifact = ctl("set-config", svc, "response-header", "{\"header\":\"X-Before\"}");
      assertThat(noArtifact.exit()).as(noArtifact.output()).isZero();
      assertThat(noArtifact.output()).contains("is not set; the config is not checked");

      Result set = ctl("set-artifact", svc, "response-header", Dist.plugin("response-header", "1.0.0").toString());
      assertThat(set.exit()).as(set.output()).isZero();

      Result refused = ctl("set-config", svc, "response-header", "{\"headr\":5}");
      assertThat(refused.exit()).as(refused.output()).isEqualTo(1);
      assertThat(refused.output()).contains("config refused by the configSchema of")
          .contains("headr").contains("--no-schema-check");
      assertThat(Stores.json(ks, configKey).orElseThrow().toString()).as("the earlier config stays")
          .isEqualTo("{\"header\":\"X-Before\"}");

      Result good = ctl("set-config", svc, "response-header", "{\"header\":\"X-Good\"}");
      assertThat(good.exit()).as(good.output()).isZero();
      assertThat(Stores.json(ks, configKey).orElseThrow().toString()).isEqualTo("{\"header\":\"X-Good\"}");

      Result canary = ctl("canary", svc, "response-header", Dist.plugin("response-header", "2.0.0").toString(), "--percent", "10");
      assertThat(canary.exit()).as(canary.output()).isZero();
      Result refusedWithCanary = ctl("set-config", svc, "response-header", "{\"header\":\"bad header\"}");
      assertThat(refusedWithCanary.exit()).as(refusedWithCanary.output()).isEqualTo(1);

      Result skipped = ctl("set-config", svc, "response-header", "{\"headr\":5}", "--no-schema-check");
      assertThat(skipped.exit()).as(skipped.output()).isZero();
      assertThat(Stores.json(ks, configKey).orElseThrow().toString()).isEqualTo("{\"headr\":5}");
    }
  }
}
