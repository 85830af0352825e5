package dev.switchboard.runtime.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RuntimeEntryTest {
  @Test
  void exportsJoinAgentArgsAndHostDeclarationWithoutDuplicates() {
    assertThat(RuntimeEntry.exports(" a.b , c.d ", "c.d,e.f,,")).containsExactly("a.b", "c.d", "e.f");
    assertThat(RuntimeEntry.exports(null, null)).isEmpty();
  }

  @Test
  void controlDirMustBeAbsoluteAndDefaultsToTmpSwitchboard() {
    assertThat(RuntimeEntry.controlDir(Map.of("controlDir", "/x/../y"))).isEqualTo(Path.of("/y"));
    assertThat(RuntimeEntry.controlDir(Map.of())).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"), "switchboard"));
    assertThatThrownBy(() -> RuntimeEntry.controlDir(Map.of("controlDir", "relative/dir"))).hasMessageContaining("not an absolute path");
  }
}
