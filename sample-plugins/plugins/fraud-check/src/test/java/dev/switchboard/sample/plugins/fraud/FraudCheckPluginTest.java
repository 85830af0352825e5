package dev.switchboard.sample.plugins.fraud;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.MessageHandler;
import dev.switchboard.sample.spi.testing.FakeMessage;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FraudCheckPluginTest {
  @TempDir Path dir;

  @Test
  void paymentsAboveTheLimitAreFlaggedAndBadAmountsInvalid() throws Exception {
    Path log = dir.resolve("fraud.log");
    try (PluginHarness h = PluginHarness.start(new FraudCheckPlugin(), "fraud-check", "1.0.0",
        Map.of("file", log.toString(), "limit", 500))) {
      MessageHandler handler = h.extension(MessageHandler.class);
      assertThat(handler.topics()).containsExactly("payments");
      handler.handle(new FakeMessage("payments", 1, "").header("id", "a").header("amount", "499.99"));
      handler.handle(new FakeMessage("payments", 2, "").header("id", "b").header("amount", "500.01"));
      handler.handle(new FakeMessage("payments", 3, "").header("id", "c").header("amount", "lots"));
      handler.handle(new FakeMessage("payments", 4, "").header("id", "d"));
      assertThat(Files.readAllLines(log)).containsExactly("a OK amount=499.99 fraud-check/1.0.0",
          "b FLAGGED amount=500.01 fraud-check/1.0.0", "c INVALID amount=lots fraud-check/1.0.0",
          "d INVALID amount=null fraud-check/1.0.0");
      assertThat(h.stop().clean()).isTrue();
    }
  }

  @Test
  void theLimitItselfIsNotAboveTheLimit() {
    assertThat(FraudCheckPlugin.verdict("10000", BigDecimal.valueOf(10_000))).isEqualTo("OK");
    assertThat(FraudCheckPlugin.verdict(" 10000.5 ", BigDecimal.valueOf(10_000))).isEqualTo("FLAGGED");
    assertThat(FraudCheckPlugin.verdict("1e9", BigDecimal.valueOf(10_000))).isEqualTo("FLAGGED");
  }
}
