package dev.switchboard.sample.plugins.advice;

import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.AdviceHandler;

/**
 * A handler named in {@code plugin.json} (the {@code advice-declared} sample): before the sample host's request
 * handler, puts {@code X-Advice: declared-in-plugin.json}. The runtime creates it with its no-argument constructor.
 */
public final class DeclaredHeaderHandler implements AdviceHandler {
  @Override
  public void handle(AdviceCall call) throws ReflectiveOperationException {
    AdviceHeaderPlugin.mark(call, "X-Advice", "declared-in-plugin.json");
  }
}
