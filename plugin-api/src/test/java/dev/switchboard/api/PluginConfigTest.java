package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PluginConfigTest {
  @Test
  void typedGettersReadValuesAndDefaults() {
    PluginConfig c = PluginConfig.of(Map.of("qps", 5, "burst", new BigDecimal("2.5"), "key", "s3cret", "on", true,
        "list", List.of(1, "a"), "nested", Map.of("x", 1L)));
    assertThat(c.longValue("qps", 0)).isEqualTo(5L);
    assertThat(c.number("burst", 0)).isEqualTo(2.5);
    assertThat(c.number("qps", 0)).isEqualTo(5.0);
    assertThat(c.string("key", null)).isEqualTo("s3cret");
    assertThat(c.bool("on", false)).isTrue();
    assertThat(c.list("list")).containsExactly(1L, "a");
    assertThat(c.object("nested").longValue("x", 0)).isEqualTo(1L);
    assertThat(c.string("absent", "dflt")).isEqualTo("dflt");
    assertThat(c.has("qps")).isTrue();
    assertThat(PluginConfig.empty().asMap()).isEmpty();
  }

  @Test
  void configIsDeeplyImmutable() {
    PluginConfig c = PluginConfig.of(Map.of("list", List.of(1), "nested", Map.of("x", 1)));
    assertThatThrownBy(() -> c.asMap().put("y", 1)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.list("list").add(2)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.object("nested").asMap().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void wrongTypesAreNamed() {
    PluginConfig c = PluginConfig.of(Map.of("qps", "fast"));
    assertThatThrownBy(() -> c.number("qps", 1)).hasMessage("BAD_CONFIG: config 'qps' is not a number: fast (String)");
    assertThatThrownBy(() -> PluginConfig.of(Map.of("o", new Object())))
        .hasMessage("BAD_CONFIG: unsupported value type at 'o': java.lang.Object");
  }
}
