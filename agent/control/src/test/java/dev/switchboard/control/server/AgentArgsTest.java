package dev.switchboard.control.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class AgentArgsTest {
  @Test
  void exportsMayNameAPackageWithItsSubPackages() {
    String args = AgentArgs.encode(Path.of("/tmp/sb"), List.of("com.example.spi", "org.eclipse.jetty.*"));
    assertThat(URLDecoder.decode(args, StandardCharsets.UTF_8)).endsWith("exports=com.example.spi,org.eclipse.jetty.*");
  }

  @Test
  void anExportThatIsNoPackageIsRefusedByName() {
    assertThatThrownBy(() -> AgentArgs.encode(Path.of("/tmp/sb"), List.of("com.*.spi")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'com.*.spi'");
  }
}
