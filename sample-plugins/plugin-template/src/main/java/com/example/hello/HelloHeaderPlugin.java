package com.example.hello;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginConfig;
import dev.switchboard.api.PluginContext;
import dev.switchboard.api.Reconfigurable;
import dev.switchboard.sample.spi.Exchange;
import dev.switchboard.sample.spi.RequestFilter;

/**
 * Adds {@code <header>: <greeting>} to every response of the sample host. Config (validated
 * against {@code configSchema} in plugin.json before it reaches here): {@code header} (default
 * {@code X-Hello}), {@code greeting} (default {@code hello from <id>/<version>}).
 *
 * <p>Rules a plugin lives by: register extensions through the context (never keep static
 * references to host objects), create threads only through the context, keep {@link #start} and
 * {@link #stop} short, and leave nothing behind after stop.
 */
public final class HelloHeaderPlugin implements Plugin, Reconfigurable {
  private volatile Greeting greeting;
  private String defaultGreeting;

  @Override
  public void start(PluginContext ctx) {
    defaultGreeting = "hello from " + ctx.pluginId() + "/" + ctx.version();
    greeting = Greeting.from(ctx.config(), defaultGreeting);
    ctx.register(RequestFilter.class, this::filter);
    ctx.logger().log(System.Logger.Level.INFO, "hello-header: adding " + greeting.header());
  }

  /** A new config while running: swap it in (no restart). */
  @Override
  public void reconfigure(PluginConfig config) {
    greeting = Greeting.from(config, defaultGreeting);
  }

  private boolean filter(Exchange exchange) {
    Greeting g = greeting;
    exchange.setResponseHeader(g.header(), g.text());
    return true;
  }

  /** The header name and value, read from the config. */
  record Greeting(String header, String text) {
    static Greeting from(PluginConfig config, String defaultText) {
      return new Greeting(config.string("header", "X-Hello"), config.string("greeting", defaultText));
    }
  }
}
