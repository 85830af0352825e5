package dev.switchboard.sample.plugins.advice;

import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginContext;

/** The entry of the {@code advice-declared} sample: all its behaviour is the advice its {@code plugin.json} declares. */
public final class NoCodePlugin implements Plugin {
  @Override
  public void start(PluginContext ctx) {
    ctx.logger().log(System.Logger.Level.INFO, "running with the advice declared in plugin.json only");
  }
}
