package dev.switchboard.runtime.advice;

import dev.switchboard.dispatch.Dispatch;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * One woven method as the dispatcher sees it: the chain of advice active on it, replaced as a whole (one volatile
 * write) when plugins come, go or are upgraded, so a call runs either the old chain or the new one, never a mix.
 * A call counts itself in flight on the chain it entered with until it exits, which is what deactivation drains.
 */
final class AdvisedSite implements Dispatch.Site {
  final int id;
  final SiteInfo info;
  private final AdviceEngine engine;
  private volatile Chain chain;
  private long generation = -1; // guarded by this

  /** An immutable chain of advice and the calls in flight that entered with it. */
  static final class Chain {
    final AdviceEntry[] entries;
    final LongAdder inFlight = new LongAdder();

    Chain(List<AdviceEntry> entries) {
      this.entries = entries.toArray(new AdviceEntry[0]);
    }

    boolean contains(PluginAdvice owner) {
      for (AdviceEntry e : entries) {
        if (e.owner == owner) return true;
      }
      return false;
    }

    boolean sameEntries(List<AdviceEntry> other) {
      if (other.size() != entries.length) return false;
      for (int i = 0; i < entries.length; i++) {
        if (entries[i] != other.get(i)) return false;
      }
      return true;
    }
  }

  AdvisedSite(int id, SiteInfo info, AdviceEngine engine) {
    this.id = id;
    this.info = info;
    this.engine = engine;
    this.chain = new Chain(List.of());
  }

  Chain chain() {
    return chain;
  }

  /**
   * Installs the chain computed from the live advice of {@code generation}, unless a newer one is installed;
   * returns the chain it replaced when it did (the caller drains it), else null.
   */
  synchronized Chain update(List<AdviceEntry> entries, long generation) {
    if (generation <= this.generation) return null; // a newer live set was installed already
    this.generation = generation;
    Chain old = chain;
    if (old.sameEntries(entries)) return null;
    chain = new Chain(entries);
    return old;
  }

  @Override
  public Object enter(Class<?> type, Object self, Object[] args) throws Throwable {
    Chain c;
    while (true) {
      c = chain;
      if (c.entries.length == 0) return null;
      c.inFlight.increment();
      if (c == chain) break;
      c.inFlight.decrement(); // replaced meanwhile: take the new one, so drains of the old one never miss a call
    }
    AdvisedCall call = new AdvisedCall(this, c, type, self, args);
    try {
      call.before();
    } catch (Throwable deliberate) { // an opt-in throwInstead: the method does not run, exit never comes
      c.inFlight.decrement();
      throw deliberate;
    }
    return call;
  }

  AdviceEngine engine() {
    return engine;
  }
}
