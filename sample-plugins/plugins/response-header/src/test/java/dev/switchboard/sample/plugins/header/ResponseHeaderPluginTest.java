package dev.switchboard.sample.plugins.header;

import dev.switchboard.sample.spi.testing.FakeExchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.RequestFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResponseHeaderPluginTest {
  @Test
  void addsTheMarkerHeaderWithIdAndVersion() throws Exception {
    try (PluginHarness h = PluginHarness.start(new ResponseHeaderPlugin(), "response-header", "2.0.0", Map.of())) {
      FakeExchange ex = new FakeExchange("GET", "/", "127.0.0.1");
      assertThat(h.extension(RequestFilter.class).filter(ex)).isTrue();
      assertThat(ex.responseHeaders).containsEntry("X-Switchboard-Plugin", "response-header/2.0.0");
      assertThat(h.stop().clean()).isTrue();
    }
  }

  @Test
  void headerNameIsConfigurable() throws Exception {
    try (PluginHarness h = PluginHarness.start(new ResponseHeaderPlugin(), "response-header", "1.0.0", Map.of("header", "X-Marker"))) {
      FakeExchange ex = new FakeExchange("GET", "/", "127.0.0.1");
      h.extension(RequestFilter.class).filter(ex);
      assertThat(ex.responseHeaders).containsExactly(Map.entry("X-Marker", "response-header/1.0.0"));
    }
  }
}
