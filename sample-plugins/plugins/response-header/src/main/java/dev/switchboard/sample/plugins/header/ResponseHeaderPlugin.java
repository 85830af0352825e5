package dev.switchboard.sample.plugins.header;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;

/**
 * Adds {@code X-Switchboard-Plugin: <id>/<version>} (header name configurable with {@code
 * header}) to every response: the visible marker that a plugin version is live.
 */
public final class ResponseHeaderPlugin implements Plugin {
  @Override
  public void start(PluginContext ctx) {
    String name = ctx.config().string("header", "X-Switchboard-Plugin");
    String value = ctx.pluginId() + "/" + ctx.version();
    ctx.register(RequestFilter.class, new Marker(name, value));
    ctx.logger().log(System.Logger.Level.INFO, "response-header: adding " + name + ": " + value);
  }

  /** The filter: sets one header and passes the request on. */
  static final class Marker implements RequestFilter {
    private final String name;
    private final String value;

    Marker(String name, String value) {
      this.name = name;
      this.value = value;
    }

    @Override
    public boolean filter(Exchange exchange) {
      exchange.setResponseHeader(name, value);
      return true;
    }
  }
}
