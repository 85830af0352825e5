package dev.switchboard.api.runtime;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Registration;

/** Where a {@link ManagedContext} sends the method advice its plugin declares: the runtime's weaver. */
public interface AdviceSink {
  /** Validates and stages (before publish) or activates {@code advice}; see {@code PluginContext.advise}. */
  Registration advise(MethodAdvice advice);
}
