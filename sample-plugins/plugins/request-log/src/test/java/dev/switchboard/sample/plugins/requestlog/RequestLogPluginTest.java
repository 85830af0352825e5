package dev.switchboard.sample.plugins.requestlog;

import dev.switchboard.sample.spi.testing.FakeExchange;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.RequestFilter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestLogPluginTest {
  @Test
  void countsRequestsByStatusClassAndServesTheCounters() throws Exception {
    try (PluginHarness h = PluginHarness.start(new RequestLogPlugin(), Map.of("log", false))) {
      RequestFilter f = h.extension(RequestFilter.class);
      FakeExchange ok = new FakeExchange("GET", "/", "c");
      assertThat(f.filter(ok)).isTrue();
      f.completed(ok);
      FakeExchange denied = new FakeExchange("GET", "/x", "c");
      denied.status = 401;
      f.completed(denied);
      FakeExchange stats = new FakeExchange("GET", "/_switchboard/request-log", "c");
      assertThat(f.filter(stats)).isFalse();
      assertThat(stats.status).isEqualTo(200);
      assertThat(stats.body).isEqualTo("{\"total\":2,\"1xx\":0,\"2xx\":1,\"3xx\":0,\"4xx\":1,\"5xx\":0}\n");
      assertThat(h.stop().clean()).isTrue();
    }
  }

  @Test
  void accessLinesAreJsonWithEscapedValues() {
    FakeExchange ex = new FakeExchange("GET", "/a\"b\n", "127.0.0.1");
    String line = RequestLogPlugin.accessLine(ex);
    assertThat(line).startsWith("{\"ts\":\"").endsWith(
        "\"method\":\"GET\",\"path\":\"/a\\\"b\\n\",\"status\":200,\"client\":\"127.0.0.1\",\"micros\":1234}");
  }
}
