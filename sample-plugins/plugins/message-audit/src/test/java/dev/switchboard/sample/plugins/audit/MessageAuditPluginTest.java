package dev.switchboard.sample.plugins.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.MessageHandler;
import dev.switchboard.sample.spi.testing.FakeMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageAuditPluginTest {
  @TempDir Path dir;

  @Test
  void appendsOneLinePerMessageWithTheVersionAndClosesTheFileOnStop() throws Exception {
    Path log = dir.resolve("audit.log");
    Files.writeString(log, "earlier line\n");
    try (PluginHarness h = PluginHarness.start(new MessageAuditPlugin(), "message-audit", "1.0.0", Map.of("file", log.toString()))) {
      MessageHandler handler = h.extension(MessageHandler.class);
      assertThat(handler.topics()).containsExactlyInAnyOrder("payments", "orders");
      handler.handle(new FakeMessage("payments", 7, "{}").header("id", "m-1"));
      handler.handle(new FakeMessage("orders", 8, "{}"));
      assertThat(Files.readAllLines(log)).containsExactly("earlier line", "m-1 payments-0@7 message-audit/1.0.0",
          "orders-0@8 orders-0@8 message-audit/1.0.0");
      assertThat(h.stop().clean()).isTrue();
    }
  }

  @Test
  void topicsComeFromTheConfigAndAnEmptyListIsRefused() throws Exception {
    try (PluginHarness h = PluginHarness.start(new MessageAuditPlugin(), Map.of("topics", List.of("refunds")))) {
      assertThat(h.extension(MessageHandler.class).topics()).isEqualTo(Set.of("refunds"));
    }
    assertThatThrownBy(() -> PluginHarness.start(new MessageAuditPlugin(), Map.of("topics", List.of())))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("topics is empty: name at least one topic");
  }
}
