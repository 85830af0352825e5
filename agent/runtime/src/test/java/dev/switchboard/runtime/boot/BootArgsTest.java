package dev.switchboard.runtime.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.control.server.AgentArgs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootArgsTest {
  @Test
  void decodesWhatTheClientEncodes() {
    String raw = AgentArgs.encode(Path.of("/tmp/dir with space&semi;colon=eq"), List.of("com.example.spi", "org.x"));
    Map<String, String> m = BootArgs.parse(raw);
    assertThat(m).containsEntry("controlDir", "/tmp/dir with space&semi;colon=eq").containsEntry("exports", "com.example.spi,org.x");
  }

  @Test
  void emptyArgsAreEmpty() {
    assertThat(BootArgs.parse(null)).isEmpty();
    assertThat(BootArgs.parse("")).isEmpty();
  }

  @Test
  void refusesUnknownRepeatedMalformedAndOversizedArgs() {
    assertThatThrownBy(() -> BootArgs.parse("colour=blue")).hasMessageContaining("unknown agent arg 'colour'");
    assertThatThrownBy(() -> BootArgs.parse("controlDir=/a&controlDir=/b")).hasMessageContaining("given twice");
    assertThatThrownBy(() -> BootArgs.parse("controlDir")).hasMessageContaining("not key=value");
    assertThatThrownBy(() -> BootArgs.parse("controlDir=" + "x".repeat(9000))).hasMessageContaining("longer than");
  }

  @Test
  void clientRefusesExportsThatAreNotPackageNames() {
    assertThatThrownBy(() -> AgentArgs.encode(Path.of("/tmp"), List.of("com.example;rm")))
        .hasMessageContaining("not a Java package name");
  }
}
