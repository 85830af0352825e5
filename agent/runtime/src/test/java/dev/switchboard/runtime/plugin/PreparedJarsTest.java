package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.ActivateRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Re-activations reuse the verified, parsed jar by sha256; the cache is bounded and never keeps refusals. */
class PreparedJarsTest {
  @TempDir Path dir;

  private static ActivateRequest req(String id, Path jar) throws Exception {
    String sha = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(jar)));
    return new ActivateRequest(id, jar.toString(), sha, "{}");
  }

  @Test
  void aJarActivatedAgainIsNotReadOrParsedAgainAndAnotherIdIsStillRefused() throws Exception {
    PluginManagerConfig settings = TestPlugins.settings().build();
    PreparedJars cache = new PreparedJars(8, 16L << 20);
    Path jar = TestPlugins.greeter(dir, "cached", "1.0.0").build();
    ActivateRequest r = req("cached", jar);
    PreparedJars.Prepared first = cache.get(r, settings);
    Files.delete(jar); // the verified image stands for this sha256 whatever the file holds now
    assertThat(cache.get(r, settings)).isSameAs(first);
    assertThat(cache.size()).isEqualTo(1);
    assertThat(cache.bytes()).isEqualTo(first.jar().totalBytes());
    ActivateRequest other = new ActivateRequest("other", r.jarPath(), r.sha256(), "{}");
    assertThatThrownBy(() -> cache.get(other, settings)).isInstanceOf(PluginRefusedException.class)
        .hasMessageContaining("id 'cached' does not match the requested plugin 'other'");
  }

  @Test
  void refusedJarsAreNotKeptAndTheBoundEvictsTheLeastRecentlyUsed() throws Exception {
    PluginManagerConfig settings = TestPlugins.settings().build();
    PreparedJars cache = new PreparedJars(2, 16L << 20);
    ActivateRequest a = req("a", TestPlugins.greeter(dir, "a", "1.0.0").build());
    ActivateRequest b = req("b", TestPlugins.greeter(dir, "b", "1.0.0").build());
    ActivateRequest c = req("c", TestPlugins.greeter(dir, "c", "1.0.0").build());
    ActivateRequest wrongId = new ActivateRequest("x", a.jarPath(), a.sha256(), "{}");
    assertThatThrownBy(() -> cache.get(wrongId, settings)).isInstanceOf(PluginRefusedException.class);
    assertThat(cache.size()).isZero();
    cache.get(a, settings);
    cache.get(b, settings);
    cache.get(a, settings); // a used last: b is the eldest
    cache.get(c, settings);
    assertThat(cache.size()).isEqualTo(2);
    Files.delete(Path.of(b.jarPath()));
    assertThatThrownBy(() -> cache.get(b, settings)).hasMessageContaining("jar not found");
    Files.delete(Path.of(a.jarPath()));
    assertThat(cache.get(a, settings).parsed().descriptor().id()).isEqualTo("a");
  }
  @Test
  void theSameConfigTextIsValidatedOnceAndAnotherTextIsValidatedAgainAndRefusalsAreNotKept() throws Exception {
    PluginManagerConfig settings = TestPlugins.settings().build();
    PreparedJars cache = new PreparedJars(8, 16L << 20);
    Path jar = TestPlugins.greeter(dir, "conf", "1.0.0")
        .schema("{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\",\"minimum\":1}}}").build();
    PreparedJars.Prepared p = cache.get(req("conf", jar), settings);
    PreparedJars.ValidConfig one = p.config("{\"n\": 2}");
    assertThat(one.config().longValue("n", 0)).isEqualTo(2);
    assertThat(one.canonical()).isEqualTo("{\"n\":2}");
    assertThat(p.config("{\"n\": 2}")).isSameAs(one); // same text, same schema: validated once
    assertThat(cache.get(req("conf", jar), settings).config("{\"n\": 2}")).isSameAs(one);
    assertThatThrownBy(() -> p.config("{\"n\": 0}")).isInstanceOf(PluginRefusedException.class)
        .hasMessageContaining("does not match configSchema");
    assertThat(p.config("{\"n\": 2}")).isSameAs(one); // a refused text replaces nothing
    assertThatThrownBy(() -> p.config("{\"n\": 0}")).isInstanceOf(PluginRefusedException.class); // and is checked again
    PreparedJars.ValidConfig three = p.config("{\"n\":3}");
    assertThat(three).isNotSameAs(one);
    assertThat(three.config().longValue("n", 0)).isEqualTo(3);
    assertThat(p.config("{\"n\": 2}")).isNotSameAs(one).isEqualTo(one); // only the last text is kept
  }
}
