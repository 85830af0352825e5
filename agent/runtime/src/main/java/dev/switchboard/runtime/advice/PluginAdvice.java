package dev.switchboard.runtime.advice;

import dev.switchboard.api.MethodAdvice;
import dev.switchboard.api.Registration;
import dev.switchboard.api.runtime.AdviceSink;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The method advice of one plugin instance: staged while its {@code start} runs, live once published (replacing
 * the previous instance's advice), removed at stop. What went wrong with it (handler failures, advice switched
 * off, classes the JVM would not retransform) is summed up by {@link #summary()} for the plugin's status.
 */
public final class PluginAdvice implements AdviceSink {
  final String pluginId;
  final String label;
  private final AdviceEngine engine;
  private final AtomicLong seq = new AtomicLong();
  private final List<AdviceEntry> entries = new ArrayList<>(); // guarded by this
  private final Map<String, String> notWoven = new LinkedHashMap<>(); // class name -> reason; guarded by this
  private final List<String> switchedOff = new ArrayList<>(); // guarded by this
  private final List<AdvisedSite.Chain> retired = new ArrayList<>(); // chains that held this advice; guarded by this
  private boolean published; // guarded by this
  private boolean removed; // guarded by this

  PluginAdvice(AdviceEngine engine, String pluginId, String label) {
    this.engine = engine;
    this.pluginId = pluginId;
    this.label = label;
  }

  @Override
  public Registration advise(MethodAdvice advice) {
    engine.validate(advice);
    AdviceEntry e = new AdviceEntry(this, advice, seq.incrementAndGet());
    boolean live;
    synchronized (this) {
      if (removed) {
        throw new dev.switchboard.api.PluginException(dev.switchboard.api.PluginException.Code.CLOSED,
            "the advice of " + label + " was removed");
      }
      entries.add(e);
      live = published;
    }
    if (live) engine.addLive(e);
    return new Registration() {
      @Override
      public Class<?> type() {
        return MethodAdvice.class;
      }

      @Override
      public Object extension() {
        return advice;
      }

      @Override
      public void close() {
        boolean wasLive;
        synchronized (PluginAdvice.this) {
          if (!entries.remove(e)) return;
          wasLive = published && !removed;
        }
        if (wasLive) engine.removeLive(List.of(e));
      }
    };
  }

  synchronized List<AdviceEntry> entries() {
    return List.copyOf(entries);
  }

  synchronized void published() {
    published = true;
  }

  /** Marks the advice removed; returns what was live. */
  synchronized List<AdviceEntry> remove() {
    if (removed) return List.of();
    removed = true;
    return List.copyOf(entries);
  }

  synchronized void retired(AdvisedSite.Chain chain) {
    retired.add(chain);
  }

  /** Waits until no call that entered with this advice is still running; null, or what is still in flight. */
  String awaitDrained(java.time.Duration timeout) {
    List<AdvisedSite.Chain> chains;
    synchronized (this) {
      chains = List.copyOf(retired);
      retired.clear();
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long inFlight = 0;
      for (AdvisedSite.Chain c : chains) inFlight += c.inFlight.sum();
      if (inFlight == 0) return null;
      if (System.nanoTime() - deadline > 0) {
        return "drain: " + inFlight + " advised calls still in flight after " + timeout.toMillis() + " ms";
      }
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "drain: interrupted";
      }
    }
  }

  synchronized void notWoven(String className, String reason) {
    notWoven.putIfAbsent(className, reason);
  }

  synchronized void switchedOff(AdviceEntry e) {
    switchedOff.add(e.advice.target() + " after " + e.failures() + " handler failures");
  }

  /** Handler failures so far, over every advice of this instance. */
  long failures() {
    long n = 0;
    for (AdviceEntry e : entries()) n += e.failures();
    return n;
  }

  /** Null when nothing went wrong; else one line for the plugin's status. */
  public String summary() {
    List<String> parts = new ArrayList<>();
    String last = null;
    long failures = 0;
    for (AdviceEntry e : entries()) {
      failures += e.failures();
      if (e.lastFailure() != null) last = e.lastFailure();
    }
    synchronized (this) {
      if (failures > 0) parts.add(failures + " handler failure" + (failures == 1 ? "" : "s") + " (last: " + last + ")");
      if (!switchedOff.isEmpty()) parts.add("switched off: " + String.join(", ", switchedOff));
      if (!notWoven.isEmpty()) {
        List<String> n = new ArrayList<>();
        notWoven.forEach((c, r) -> n.add(c + " (" + r + ")"));
        parts.add("not woven: " + String.join(", ", n));
      }
    }
    return parts.isEmpty() ? null : "advice: " + String.join("; ", parts);
  }
}
