package dev.switchboard.runtime.plugin;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.PluginException;
import dev.switchboard.api.Registration;
import dev.switchboard.api.runtime.AdviceSink;
import dev.switchboard.runtime.advice.AdviceEngine;
import dev.switchboard.runtime.advice.PluginAdvice;

/**
 * One plugin instance's context's {@link AdviceSink}: nothing until the plugin declares its first advice, then
 * the runtime's {@link AdviceEngine} (installed at that moment if no plugin needed it before) and the instance's
 * {@link PluginAdvice}, to which every declaration goes.
 */
final class AdviceSlot implements AdviceSink {
  private final AdviceSupport support;
  private final String pluginId;
  private final String label;
  private PluginAdvice advice; // guarded by this
  private boolean published; // guarded by this
  private boolean closed; // guarded by this

  AdviceSlot(AdviceSupport support, String pluginId, String label) {
    this.support = support;
    this.pluginId = pluginId;
    this.label = label;
  }

  @Override
  public Registration advise(MethodAdvice a) {
    PluginAdvice pa;
    synchronized (this) {
      if (closed) throw new PluginException(PluginException.Code.CLOSED, "the advice of " + label + " was removed: " + a.target());
      if (advice == null) {
        AdviceEngine engine = support.require(label + " on " + a.target());
        advice = engine.create(pluginId, label);
        if (published) engine.publish(advice, null); // declared after start: live at once, like later registrations
      }
      pa = advice;
    }
    return pa.advise(a); // validation and weaving run outside this lock
  }

  /** Null while the plugin declared no advice. */
  synchronized PluginAdvice advice() {
    return advice;
  }

  /**
   * The instance goes live: returns its advice to publish, created empty when {@code replacing} (the previous
   * instance's advice must be swapped out at this moment), or null when there is nothing to publish.
   */
  synchronized PluginAdvice publishing(boolean replacing) {
    published = true;
    if (advice == null && replacing) advice = support.require(label + " replacing the previous instance's advice").create(pluginId, label);
    return advice;
  }

  /** Later declarations are refused; returns the advice to remove (null if none was declared). */
  synchronized PluginAdvice close() {
    closed = true;
    PluginAdvice a = advice;
    advice = null;
    return a;
  }
}
