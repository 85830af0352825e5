package dev.switchboard.sample.plugins.auth;

import dev.switchboard.sample.spi.testing.FakeExchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.api.testing.PluginHarness;
import dev.switchboard.sample.spi.RequestFilter;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiKeyAuthPluginTest {
  @Test
  void requestsWithoutTheKeyGet401AndWithItPass() throws Exception {
    try (PluginHarness h = PluginHarness.start(new ApiKeyAuthPlugin(), Map.of("key", "s3cret", "exemptPaths", List.of("/health")))) {
      RequestFilter f = h.extension(RequestFilter.class);
      FakeExchange none = new FakeExchange("GET", "/", "c");
      assertThat(f.filter(none)).isFalse();
      assertThat(none.status).isEqualTo(401);
      assertThat(none.body).isEqualTo("missing API key (header X-Api-Key)\n");
      assertThat(none.responseHeaders).containsEntry("WWW-Authenticate", "ApiKey header=\"X-Api-Key\"");

      FakeExchange wrong = new FakeExchange("GET", "/", "c").header("x-api-key", "guess");
      assertThat(f.filter(wrong)).isFalse();
      assertThat(wrong.status).isEqualTo(401);
      assertThat(wrong.body).isEqualTo("invalid API key\n");

      FakeExchange right = new FakeExchange("GET", "/", "c").header("X-Api-Key", "s3cret");
      assertThat(f.filter(right)).isTrue();
      assertThat(right.status).isEqualTo(200);

      FakeExchange exempt = new FakeExchange("GET", "/health", "c");
      assertThat(f.filter(exempt)).isTrue();
    }
  }

  @Test
  void theKeyRotatesLiveAndAnEmptyKeyIsRefused() throws Exception {
    try (PluginHarness h = PluginHarness.start(new ApiKeyAuthPlugin(), Map.of("key", "old"))) {
      RequestFilter f = h.extension(RequestFilter.class);
      h.reconfigure(Map.of("key", "new", "header", "Authorization"));
      assertThat(f.filter(new FakeExchange("GET", "/", "c").header("Authorization", "new"))).isTrue();
      assertThat(f.filter(new FakeExchange("GET", "/", "c").header("Authorization", "old"))).isFalse();
      assertThatThrownBy(() -> h.reconfigure(Map.of("key", ""))).hasMessage("config 'key' is required");
      assertThat(f.filter(new FakeExchange("GET", "/", "c").header("Authorization", "new"))).as("old config kept").isTrue();
    }
  }
}
