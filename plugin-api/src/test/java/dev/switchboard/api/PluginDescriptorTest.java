package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PluginDescriptorTest {
  private static final VersionRange API = VersionRange.parse("[1.0,2.0)");

  @Test
  void validDescriptorKeepsItsValues() {
    PluginDescriptor d = new PluginDescriptor("rate-limit", "1.2.0", API, "com.example.RateLimit", "desc", "{}");
    assertThat(d.id()).isEqualTo("rate-limit");
    assertThat(d.api().includes(ApiVersion.CURRENT)).isTrue();
  }

  @Test
  void idsFollowTheNameRule() {
    assertThat(PluginDescriptor.isValidId("a")).isTrue();
    assertThat(PluginDescriptor.isValidId("rate-limit_2.x")).isTrue();
    assertThat(PluginDescriptor.isValidId("a".repeat(63))).isTrue();
    assertThat(PluginDescriptor.isValidId("a".repeat(64))).isFalse();
    assertThat(PluginDescriptor.isValidId("-a")).isFalse();
    assertThat(PluginDescriptor.isValidId("A")).isFalse();
    assertThat(PluginDescriptor.isValidId("a/b")).isFalse();
    assertThat(PluginDescriptor.isValidId(null)).isFalse();
    assertThatThrownBy(() -> new PluginDescriptor("Bad", "1", API, "x.Y", null, null))
        .hasMessage("BAD_DESCRIPTOR: id 'Bad' does not match [a-z0-9][a-z0-9._-]{0,62}");
  }

  @Test
  void missingOrInvalidFieldsAreNamed() {
    assertThatThrownBy(() -> new PluginDescriptor("a", " ", API, "x.Y", null, null))
        .hasMessage("BAD_DESCRIPTOR: version missing");
    assertThatThrownBy(() -> new PluginDescriptor("a", "1", null, "x.Y", null, null))
        .hasMessage("BAD_DESCRIPTOR: api range missing");
    assertThatThrownBy(() -> new PluginDescriptor("a", "1", API, null, null, null))
        .hasMessage("BAD_DESCRIPTOR: entry missing");
    assertThatThrownBy(() -> new PluginDescriptor("a", "1", API, "x..Y", null, null))
        .hasMessage("BAD_DESCRIPTOR: entry 'x..Y' is not a class name");
  }
}
