package dev.switchboard.sample.plugins.auth;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Answers {@code 401} unless the request carries the configured key in header {@code header}
 * (default {@code X-Api-Key}); paths in {@code exemptPaths} pass without a key. Config: {@code
 * {"key": "s3cret", "header": "X-Api-Key", "exemptPaths": ["/health"]}}; live-reconfigurable (for
 * example to rotate the key).
 */
public final class ApiKeyAuthPlugin implements Plugin, Reconfigurable, RequestFilter {
  /** Immutable settings, swapped as a whole on reconfigure. */
  record Settings(byte[] key, String header, Set<String> exempt) {
    static Settings of(PluginConfig c) {
      String key = c.string("key", "");
      if (key.isEmpty()) {
        throw new IllegalArgumentException("config 'key' is required");
      }
      Set<String> exempt = new HashSet<>();
      for (Object p : c.list("exemptPaths")) {
        exempt.add(String.valueOf(p));
      }
      return new Settings(key.getBytes(StandardCharsets.UTF_8), c.string("header", "X-Api-Key"), Set.copyOf(exempt));
    }
  }

  private volatile Settings settings;

  @Override
  public void start(PluginContext ctx) {
    settings = Settings.of(ctx.config());
    ctx.register(RequestFilter.class, this);
  }

  @Override
  public void reconfigure(PluginConfig config) {
    settings = Settings.of(config);
  }

  @Override
  public boolean filter(Exchange ex) {
    Settings s = settings;
    if (s.exempt().contains(ex.path())) {
      return true;
    }
    String given = ex.requestHeader(s.header());
    if (given != null && MessageDigest.isEqual(s.key(), given.getBytes(StandardCharsets.UTF_8))) {
      return true;
    }
    ex.setResponseHeader("WWW-Authenticate", "ApiKey header=\"" + s.header() + "\"");
    ex.respond(401, given == null ? "missing API key (header " + s.header() + ")\n" : "invalid API key\n");
    return false;
  }

  List<String> exemptPaths() {
    return List.copyOf(settings.exempt());
  }
}
