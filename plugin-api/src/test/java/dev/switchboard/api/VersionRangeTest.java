package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class VersionRangeTest {
  @Test
  void apiVersionsParseAndCompare() {
    assertThat(ApiVersion.parse("1.0")).isEqualTo(ApiVersion.of(1, 0));
    assertThat(ApiVersion.parse("2")).isEqualTo(ApiVersion.of(2, 0));
    assertThat(ApiVersion.parse(" 1.10.3 ")).isEqualTo(ApiVersion.of(1, 10));
    assertThat(ApiVersion.of(1, 10)).isGreaterThan(ApiVersion.of(1, 9));
    assertThat(ApiVersion.CURRENT.toString()).isEqualTo("1.1");
    assertThatThrownBy(() -> ApiVersion.parse("1.x")).isInstanceOf(PluginException.class)
        .hasMessage("BAD_VERSION: not a version (major.minor): '1.x'");
    assertThatThrownBy(() -> ApiVersion.of(-1, 0)).hasMessage("BAD_VERSION: major < 0: -1");
  }

  @Test
  void halfOpenRangeIncludesLowExcludesHigh() {
    VersionRange r = VersionRange.parse("[1.0,2.0)");
    assertThat(r.includes(ApiVersion.of(1, 0))).isTrue();
    assertThat(r.includes(ApiVersion.of(1, 9))).isTrue();
    assertThat(r.includes(ApiVersion.of(2, 0))).isFalse();
    assertThat(r.includes(ApiVersion.of(0, 9))).isFalse();
    assertThat(r.toString()).isEqualTo("[1.0,2.0)");
  }

  @Test
  void otherRangeForms() {
    assertThat(VersionRange.parse("(1.0,2.0]").includes(ApiVersion.of(1, 0))).isFalse();
    assertThat(VersionRange.parse("(1.0,2.0]").includes(ApiVersion.of(2, 0))).isTrue();
    assertThat(VersionRange.parse("[1.0,)").includes(ApiVersion.of(99, 0))).isTrue();
    assertThat(VersionRange.parse("1.0").includes(ApiVersion.of(1, 5))).isTrue();
    assertThat(VersionRange.parse("1.0").includes(ApiVersion.of(0, 5))).isFalse();
    assertThat(VersionRange.parse("[1.0,1.0]").includes(ApiVersion.of(1, 0))).isTrue();
    assertThat(VersionRange.parse("[2.0,3.0)").includes(ApiVersion.CURRENT)).isFalse();
  }

  @Test
  void malformedRangesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> VersionRange.parse("[1.0,2.0"))
        .hasMessage("BAD_VERSION: bad version range '[1.0,2.0': must end with ']' or ')'");
    assertThatThrownBy(() -> VersionRange.parse("[2.0,1.0)"))
        .hasMessage("BAD_VERSION: bad version range '[2.0,1.0)': empty range");
    assertThatThrownBy(() -> VersionRange.parse("[1.0,2.0,3.0)"))
        .hasMessage("BAD_VERSION: bad version range '[1.0,2.0,3.0)': needs exactly one ',' between bounds");
    assertThatThrownBy(() -> VersionRange.parse("[,2.0)"))
        .hasMessage("BAD_VERSION: bad version range '[,2.0)': lower bound missing");
    assertThatThrownBy(() -> VersionRange.parse("[1.0,]"))
        .hasMessage("BAD_VERSION: bad version range '[1.0,]': unbounded range must end with ')'");
    assertThatThrownBy(() -> VersionRange.parse(""))
        .hasMessage("BAD_VERSION: bad version range '': empty");
    assertThatThrownBy(() -> VersionRange.parse("[a,b)"))
        .hasMessage("BAD_VERSION: bad version range '[a,b)': bad version 'a'");
  }
}
