package dev.switchboard.runtime.advice;

import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.AdviceHandler;
import dev.switchboard.api.PluginException;
import dev.switchboard.dispatch.Dispatch;

/**
 * One advised call: runs the chain's before handlers in chain order, and at exit the after-return or on-throw
 * handlers in reverse chain order (the first advice in the chain is the outermost). A handler that throws is
 * counted against its advice and skipped; the host's call goes on as if it had not run.
 */
final class AdvisedCall implements Dispatch.Call, AdviceCall {
  private enum Phase { BEFORE, AFTER, THROW }

  private final AdvisedSite site;
  private final AdvisedSite.Chain chain;
  private final Class<?> type;
  private final Object self;
  private final Object[] args;
  private AdviceEntry current;
  private Phase phase;
  private Object returned;
  private Throwable thrown;
  private boolean replaced;

  AdvisedCall(AdvisedSite site, AdvisedSite.Chain chain, Class<?> type, Object self, Object[] args) {
    this.site = site;
    this.chain = chain;
    this.type = type;
    this.self = self;
    this.args = args;
  }

  void before() throws Throwable {
    phase = Phase.BEFORE;
    for (AdviceEntry e : chain.entries) {
      if (e.advice.before() != null && !e.off()) {
        run(e, e.advice.before());
        if (thrown != null) throw thrown;
      }
    }
    current = null;
  }

  @Override
  public Object exit(Object returnedValue, Throwable thrownValue) throws Throwable {
    try {
      returned = returnedValue;
      thrown = thrownValue;
      AdviceEntry[] entries = chain.entries;
      for (int i = entries.length - 1; i >= 0; i--) {
        AdviceEntry e = entries[i];
        phase = thrown == null ? Phase.AFTER : Phase.THROW;
        AdviceHandler h = phase == Phase.AFTER ? e.advice.afterReturn() : e.advice.onThrow();
        if (h != null && !e.off()) run(e, h);
      }
      current = null;
      if (!replaced) return Dispatch.SAME;
      if (thrown != null) throw thrown;
      return returned;
    } finally {
      chain.inFlight.decrement();
    }
  }

  private void run(AdviceEntry e, AdviceHandler h) {
    current = e;
    Object r = returned;
    Throwable t = thrown;
    boolean rep = replaced;
    try {
      h.handle(this);
    } catch (Throwable failure) {
      returned = r; // a failed handler changes nothing
      thrown = t;
      replaced = rep;
      site.engine().handlerFailed(e, phase.name().toLowerCase(java.util.Locale.ROOT), site.info, failure);
    }
  }

  private PluginException refused(String what) {
    return new PluginException(PluginException.Code.ADVICE_REFUSED, what + " (advice " + current.advice.target() + ")");
  }

  @Override
  public String typeName() {
    return site.info.className();
  }

  @Override
  public String methodName() {
    return site.info.methodName();
  }

  @Override
  public String descriptor() {
    return site.info.descriptor();
  }

  @Override
  public Object self() {
    return self;
  }

  @Override
  public int argumentCount() {
    return args.length;
  }

  @Override
  public Object argument(int index) {
    return args[index];
  }

  @Override
  public Object returned() {
    return returned;
  }

  @Override
  public Throwable thrown() {
    return thrown;
  }

  @Override
  public void returnValue(Object value) {
    if (current == null) throw new IllegalStateException("the call is over");
    if (!current.advice.mayChangeResult()) throw refused("returnValue needs mayChangeResult() in the declaration");
    if (phase == Phase.BEFORE) throw refused("returnValue is for afterReturn and onThrow handlers");
    String problem = ReturnTypes.problem(site.info.returnType(), type, value);
    if (problem != null) throw refused(problem);
    returned = value;
    thrown = null;
    replaced = true;
  }

  @Override
  public void throwInstead(Throwable error) {
    if (current == null) throw new IllegalStateException("the call is over");
    if (!current.advice.mayThrow()) throw refused("throwInstead needs mayThrow() in the declaration");
    if (error == null) throw refused("throwInstead(null)");
    thrown = error;
    replaced = true;
  }
}
