package dev.switchboard.runtime.plugin;

import static dev.switchboard.runtime.plugin.TestPlugins.activate;
import static dev.switchboard.runtime.plugin.TestPlugins.greeter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.Extensions;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.runtime.plugin.testspi.Greeter;
import dev.switchboard.runtime.plugin.testspi.Probe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every refusal happens before plugin code runs and names what and why. */
class PluginRefusalTest {
  @TempDir Path dir;
  private PluginManager manager;

  @BeforeEach
  void setUp() {
    Probe.reset();
    manager = PluginManager.builder().config(TestPlugins.settings().maxEntries(200).maxTotalBytes(8L << 20).build()).build();
  }

  @AfterEach
  void tearDown() {
    manager.close();
    assertThat(Probe.EVENTS).as("no plugin code ran").isEmpty();
    assertThat(Extensions.point(Greeter.class).isEmpty()).isTrue();
  }

  private String refuse(String id, Path jar) throws Exception {
    PluginStatus s = activate(manager, id, jar);
    assertThat(s.state()).as(s.toString()).isEqualTo(PluginState.FAILED);
    assertThat(manager.status(id)).contains(s);
    return s.error();
  }

  @Test
  void wrongSha256IsRefused() throws Exception {
    Path jar = greeter(dir, "sha", "1.0.0").build();
    String wrong = "0".repeat(64);
    PluginStatus s = manager.activate(new ActivateRequest("sha", jar.toString(), wrong, "{}")).get(30, TimeUnit.SECONDS);
    assertThat(s.state()).isEqualTo(PluginState.FAILED);
    assertThat(s.error()).isEqualTo("sha256: mismatch: expected " + wrong + ", jar " + jar + " has " + PluginJarBuilder.sha256(jar));
  }

  @Test
  void malformedRequestsAreRefused() throws Exception {
    Path jar = greeter(dir, "req", "1.0.0").build();
    PluginStatus badId = manager.activate(new ActivateRequest("Bad/Id", jar.toString(), PluginJarBuilder.sha256(jar), "{}")).get();
    assertThat(badId.error()).isEqualTo("request: plugin id 'Bad/Id' does not match [a-z0-9][a-z0-9._-]{0,62}");
    PluginStatus badSha = manager.activate(new ActivateRequest("req", jar.toString(), "abc", "{}")).get();
    assertThat(badSha.error()).isEqualTo("sha256: expected 64 hex digits, got 'abc'");
    PluginStatus missing = activate(manager, "req", jar, "{}");
    assertThat(missing.state()).isEqualTo(PluginState.ACTIVE);
    manager.deactivate("req").get();
    Probe.reset();
  }

  @Test
  void missingJarIsRefused() throws Exception {
    Path gone = dir.resolve("gone.jar");
    PluginStatus s = manager.activate(new ActivateRequest("gone", gone.toString(), "a".repeat(64), "{}")).get();
    assertThat(s.error()).isEqualTo("archive: jar not found: " + gone);
  }

  @Test
  void apiRangeExcludingTheRuntimeIsRefused() throws Exception {
    Path jar = greeter(dir, "wrong-api", "1.0.0").api("[2.0,3.0)").build();
    assertThat(refuse("wrong-api", jar)).isEqualTo("descriptor: api range [2.0,3.0) excludes runtime API 1.1");
  }

  @Test
  void classFilesForANewerJavaAreRefused() throws Exception {
    Path jar = greeter(dir, "newer-java", "1.0.0").patchMajor("demo.GreeterPlugin", 70).build();
    assertThat(refuse("newer-java", jar)).isEqualTo("class demo/GreeterPlugin.class needs Java 26 (major 70), host is Java "
        + Runtime.version().feature());
  }

  @Test
  void malformedDescriptorIsRefused() throws Exception {
    Path jar = greeter(dir, "malformed", "1.0.0").descriptor("{\"id\": \"malformed\", \"version\": ").build();
    assertThat(refuse("malformed", jar)).startsWith("descriptor: plugin.json is not valid JSON: ");
  }

  @Test
  void aDescriptorWithAByteOrderMarkIsAccepted() throws Exception {
    PluginJarBuilder b = greeter(dir, "bom", "1.0.0");
    Path jar = b.descriptor("\uFEFF" + b.descriptorText()).build();
    PluginStatus s = activate(manager, "bom", jar);
    assertThat(s.state()).as(s.toString()).isEqualTo(PluginState.ACTIVE);
    manager.deactivate("bom").get();
    Probe.reset();
  }

  @Test
  void missingDescriptorIsRefused() throws Exception {
    Path jar = greeter(dir, "no-descriptor", "1.0.0").noDescriptor().build();
    assertThat(refuse("no-descriptor", jar)).isEqualTo("descriptor: plugin.json missing at the root of the jar");
  }

  @Test
  void descriptorFieldsAreValidated() throws Exception {
    assertThat(refuse("d1", greeter(dir, "d1", "1.0.0")
        .descriptor("{\"id\":\"d1\",\"api\":\"[1.0,2.0)\",\"entry\":\"demo.GreeterPlugin\"}").build()))
        .isEqualTo("descriptor: version missing");
    assertThat(refuse("d2", greeter(dir, "d2", "1.0.0")
        .descriptor("{\"id\":\"d2\",\"version\":\"1\",\"api\":\"[1.0,2.0)\"}").build()))
        .isEqualTo("descriptor: entry missing");
    assertThat(refuse("d3", greeter(dir, "d3", "1.0.0").api("1.0-2.0").build()))
        .isEqualTo("descriptor: api: bad version range '1.0-2.0': bad version '1.0-2.0'");
    assertThat(refuse("d4", greeter(dir, "other-id", "1.0.0").build()))
        .isEqualTo("descriptor: id 'other-id' does not match the requested plugin 'd4'");
    assertThat(refuse("d5", greeter(dir, "d5", "1.0.0")
        .descriptor("{\"id\":\"d5\",\"version\":\"1\",\"api\":\"[1.0,2.0)\",\"entry\":\"demo.GreeterPlugin\",\"extra\":1}").build()))
        .startsWith("descriptor: unknown field 'extra'");
    assertThat(refuse("d6", greeter(dir, "d6", "1.0.0").schema("{\"$ref\":\"http://example.com/s.json\"}").build()))
        .isEqualTo("descriptor: configSchema.$ref 'http://example.com/s.json' is not local (only '#...' references are allowed)");
  }

  @Test
  void entryThatIsNotAPluginIsRefusedWithoutInitialisingIt() throws Exception {
    Path jar = PluginJarBuilder.plugin(dir, "not-a-plugin").entry("demo.NotAPlugin").source("demo.NotAPlugin", """
        package demo;
        public class NotAPlugin {
          static { dev.switchboard.runtime.plugin.testspi.Probe.event("static init ran"); }
        }
        """).build();
    assertThat(refuse("not-a-plugin", jar)).isEqualTo("entry: demo.NotAPlugin does not implement dev.switchboard.api.Plugin");
    Path missing = greeter(dir, "missing-entry", "1.0.0").entry("demo.Nope").build();
    assertThat(refuse("missing-entry", missing)).isEqualTo("entry: class demo.Nope not found in the jar");
  }

  @Test
  void configViolatingTheSchemaIsRefused() throws Exception {
    Path jar = greeter(dir, "schema", "1.0.0")
        .schema("{\"type\":\"object\",\"properties\":{\"greeting\":{\"type\":\"string\",\"maxLength\":5}},\"additionalProperties\":false}")
        .build();
    PluginStatus s = activate(manager, "schema", jar, "{\"greeting\":\"far too long\"}");
    assertThat(s.state()).isEqualTo(PluginState.FAILED);
    assertThat(s.error()).startsWith("config: does not match configSchema: ").contains("greeting");
    PluginStatus s2 = activate(manager, "schema", jar, "[1,2]");
    assertThat(s2.error()).isEqualTo("config: not a JSON object");
    PluginStatus s3 = activate(manager, "schema", jar, "{\"greeting\": ");
    assertThat(s3.error()).startsWith("config: not valid JSON");
  }

  @Test
  void tooManyEntriesAreRefused() throws Exception {
    Path jar = greeter(dir, "many", "1.0.0").bomb(300, 1).build();
    assertThat(refuse("many", jar)).isEqualTo("archive: more than 200 entries (limit 200)");
  }

  @Test
  void hugeUncompressedSizeIsRefusedWhileStreaming() throws Exception {
    Path jar = greeter(dir, "bomb", "1.0.0").bomb(10, 1 << 20).build(); // 10 MiB of zeros, ~10 KiB on disk
    assertThat(jar.toFile().length()).isLessThan(200_000);
    assertThat(refuse("bomb", jar)).startsWith("archive: uncompressed size exceeds limit 8388608 bytes (at entry bomb/");
  }

  @Test
  void aHighlyCompressedEntryIsRefused() throws Exception {
    PluginManager strict = PluginManager.builder().config(TestPlugins.settings().build()).build();
    try {
      Path jar = greeter(dir, "ratio", "1.0.0").bomb(1, 4 << 20).build();
      PluginStatus s = activate(strict, "ratio", jar);
      assertThat(s.error()).startsWith("archive: entry bomb/0.bin inflates ").contains("> limit 100)");
    } finally {
      strict.close();
    }
  }

  @Test
  void garbageIsNotAJar() throws Exception {
    Path jar = dir.resolve("garbage.jar");
    java.nio.file.Files.write(jar, "not a zip at all".getBytes(StandardCharsets.UTF_8));
    assertThat(refuse("garbage", jar)).isEqualTo("archive: not a jar (no entries)");
  }
}
