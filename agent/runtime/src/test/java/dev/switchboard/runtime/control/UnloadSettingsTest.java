package dev.switchboard.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.runtime.plugin.PluginManagerConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UnloadSettingsTest {
  @Test
  void hostPropertiesChooseThePolicy() {
    PluginManagerConfig.Builder b = PluginManagerConfig.builder();
    Map<String, String> p = Map.of(UnloadSettings.GC_DELAY, "off", UnloadSettings.GC_INTERVAL, "2m",
        UnloadSettings.WAIT, "500ms", UnloadSettings.TIMEOUT, "45s");
    assertThat(UnloadSettings.apply(b, p::get)).isEmpty();
    PluginManagerConfig c = b.build();
    assertThat(c.unloadGcDelay()).isNull();
    assertThat(c.unloadGcInterval()).isEqualTo(Duration.ofMinutes(2));
    assertThat(c.collectWait()).isEqualTo(Duration.ofMillis(500));
    assertThat(c.collectTimeout()).isEqualTo(Duration.ofSeconds(45));
  }

  @Test
  void noPropertiesKeepTheDefaults() {
    PluginManagerConfig.Builder b = PluginManagerConfig.builder();
    assertThat(UnloadSettings.apply(b, k -> null)).isEmpty();
    PluginManagerConfig c = b.build();
    assertThat(c.unloadGcDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.unloadGcInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.collectWait()).isZero();
  }

  @Test
  void badValuesAreNamedAndTheDefaultsKept() {
    PluginManagerConfig.Builder b = PluginManagerConfig.builder();
    Map<String, String> p = Map.of(UnloadSettings.GC_DELAY, "soon", UnloadSettings.GC_INTERVAL, "10",
        UnloadSettings.TIMEOUT, "0");
    List<String> problems = UnloadSettings.apply(b, p::get);
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).contains("switchboard.unload.gcDelay='soon'").contains("not a duration");
    assertThat(problems.get(1)).contains("switchboard.unload.gcInterval='10'").contains("needs a unit");
    assertThat(problems.get(2)).contains("switchboard.unload.timeout=0").contains("> 0");
    PluginManagerConfig c = b.build();
    assertThat(c.unloadGcDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.unloadGcInterval()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.collectTimeout()).isEqualTo(Duration.ofSeconds(30));
  }
}
