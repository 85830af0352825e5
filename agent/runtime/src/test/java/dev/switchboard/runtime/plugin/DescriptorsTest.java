package dev.switchboard.runtime.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.PluginConfig;
import org.junit.jupiter.api.Test;

class DescriptorsTest {
  @Test
  void canonicalConfigIgnoresKeyOrderAndWhitespace() {
    assertThat(Descriptors.canonical("{\"b\": {\"y\":1,\"x\":2}, \"a\": [1, 2]}"))
        .isEqualTo(Descriptors.canonical("{\"a\":[1,2],\"b\":{\"x\":2,\"y\":1}}"));
    assertThat(Descriptors.canonical("")).isEqualTo("{}");
    assertThat(Descriptors.canonical("{\"a\":1}")).isNotEqualTo(Descriptors.canonical("{\"a\":2}"));
  }

  @Test
  void configBecomesAPluginConfigView() {
    PluginConfig c = Descriptors.config("{\"qps\": 2.5, \"burst\": 3, \"on\": true, \"tags\": [\"a\"], \"n\": null}", null);
    assertThat(c.number("qps", 0)).isEqualTo(2.5);
    assertThat(c.longValue("burst", 0)).isEqualTo(3);
    assertThat(c.bool("on", false)).isTrue();
    assertThat(c.list("tags")).containsExactly("a");
    assertThat(c.has("n")).isTrue();
  }

  @Test
  void duplicateKeysAndTrailingGarbageAreRefused() {
    assertThatThrownBy(() -> Descriptors.config("{\"a\":1,\"a\":2}", null))
        .isInstanceOf(PluginRefusedException.class).hasMessageStartingWith("config: not valid JSON: Duplicate field 'a'");
    assertThatThrownBy(() -> Descriptors.config("{} {}", null))
        .hasMessageStartingWith("config: not valid JSON");
  }
}
