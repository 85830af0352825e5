package dev.switchboard.api;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The active extensions of one host-defined interface {@code T}, obtained with {@link
 * Extensions#point(Class)}. The host calls them on every request:
 *
 * <pre>{@code
 * static final ExtensionPoint<RequestFilter> FILTERS = Extensions.point(RequestFilter.class);
 * ...
 * FILTERS.forEachWhile((filter, ctx) -> filter.apply(ctx), ctx);   // stop when one short-circuits
 * }</pre>
 *
 * <p>Hot path: volatile reads of an immutable snapshot array, no lock, no allocation (use the
 * two-argument forms to avoid a capturing lambda). A call announces the snapshot it uses in its
 * thread's own record for this point (one volatile store, then the snapshot is re-read; if it
 * changed meanwhile the call retries with the new one) and clears it when done, also when an
 * extension throws. So deactivation can unregister (swap the snapshot) and then wait until the
 * calls already running inside its extensions have returned, and every call sees one whole
 * snapshot: during an upgrade the old version or the new one, never neither and never both. A call
 * made from inside an extension of the same point (re-entrant, same thread) uses the snapshot of
 * the outer call (or none if the point has no extensions by then). Virtual threads count each call
 * in the in-flight counter of every extension's plugin instead (see {@code Callers}). With no
 * extensions a call reads one volatile field and returns. There is
 * deliberately no {@code iterator()}: a {@code for} loop could not announce itself.
 * Exceptions from an extension propagate to the caller.
 */
public final class ExtensionPoint<T> {
  @SuppressWarnings("rawtypes")
  private static final Extensions.Slot[] NONE = new Extensions.Slot[0];

  private final Class<T> type;
  private final Callers callers = new Callers();

  @SuppressWarnings("unchecked")
  private volatile Extensions.Slot<T>[] snapshot = NONE;

  ExtensionPoint(Class<T> type) {
    this.type = type;
  }

  public Class<T> type() {
    return type;
  }

  /**
   * Announces {@code s}, the snapshot just read, in {@code c} and re-checks it (see {@code
   * Callers}); if it changed meanwhile, the new one is announced and re-checked instead.
   */
  private Extensions.Slot<T>[] enter(Callers.Caller c, Extensions.Slot<T>[] s) {
    for (;;) {
      c.announce(s);
      Extensions.Slot<T>[] now = snapshot;
      if (now == s) {
        return s;
      }
      s = now;
    }
  }

  /**
   * Virtual threads: counts the call in the in-flight counter of every extension's plugin, then
   * re-reads the snapshot: if it changed meanwhile the counts are undone and the new snapshot is
   * used. A drain either sees this call counted or this call uses the new snapshot.
   */
  private Extensions.Slot<T>[] enterCounted() {
    for (;;) {
      Extensions.Slot<T>[] s = snapshot;
      for (Extensions.Slot<T> slot : s) {
        slot.owner.enter();
      }
      if (snapshot == s) {
        return s;
      }
      exitCounted(s);
    }
  }

  private static void exitCounted(Extensions.Slot<?>[] s) {
    for (Extensions.Slot<?> slot : s) {
      slot.owner.exit();
    }
  }

  /** Calls {@code action} with each active extension, in registration order. */
  @SuppressWarnings("unchecked")
  public void forEach(Consumer<? super T> action) {
    Extensions.Slot<T>[] s = snapshot;
    if (s.length == 0) {
      return; // nothing to call, nothing to drain
    }
    Callers.Caller c = callers.current();
    if (c == null) {
      forEachCounted(action);
      return;
    }
    Object[] prior = c.current(); // non-null: a re-entrant call inside this point's extension
    s = prior != null ? (Extensions.Slot<T>[]) prior : enter(c, s);
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension);
      }
    } finally {
      if (prior == null) {
        c.leave();
      }
    }
  }

  /** Like {@link #forEach(Consumer)} with an argument, so the action need not capture. */
  @SuppressWarnings("unchecked")
  public <A> void forEach(BiConsumer<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = snapshot;
    if (s.length == 0) {
      return;
    }
    Callers.Caller c = callers.current();
    if (c == null) {
      forEachCounted(action, argument);
      return;
    }
    Object[] prior = c.current();
    s = prior != null ? (Extensions.Slot<T>[]) prior : enter(c, s);
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension, argument);
      }
    } finally {
      if (prior == null) {
        c.leave();
      }
    }
  }

  /**
   * Calls {@code action} with each active extension until one returns false (for example a filter
   * that short-circuits the request).
   *
   * @return true if every extension was called and returned true
   */
  @SuppressWarnings("unchecked")
  public <A> boolean forEachWhile(BiPredicate<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = snapshot;
    if (s.length == 0) {
      return true;
    }
    Callers.Caller c = callers.current();
    if (c == null) {
      return forEachWhileCounted(action, argument);
    }
    Object[] prior = c.current();
    s = prior != null ? (Extensions.Slot<T>[]) prior : enter(c, s);
    try {
      for (Extensions.Slot<T> slot : s) {
        if (!action.test(slot.extension, argument)) {
          return false;
        }
      }
      return true;
    } finally {
      if (prior == null) {
        c.leave();
      }
    }
  }

  private void forEachCounted(Consumer<? super T> action) {
    Extensions.Slot<T>[] s = enterCounted();
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension);
      }
    } finally {
      exitCounted(s);
    }
  }

  private <A> void forEachCounted(BiConsumer<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = enterCounted();
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension, argument);
      }
    } finally {
      exitCounted(s);
    }
  }

  private <A> boolean forEachWhileCounted(BiPredicate<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = enterCounted();
    try {
      for (Extensions.Slot<T> slot : s) {
        if (!action.test(slot.extension, argument)) {
          return false;
        }
      }
      return true;
    } finally {
      exitCounted(s);
    }
  }

  /** Threads whose current call of this point uses an extension of {@code owner} (for the drain). */
  int callsInside(Extensions.Owner owner) {
    return callers.inside(owner);
  }

  /** Thread records held (records of ended threads are dropped when a new thread registers). */
  int callerRecords() {
    return callers.registered();
  }

  /** Number of extensions in the current snapshot. */
  public int size() {
    return snapshot.length;
  }

  public boolean isEmpty() {
    return snapshot.length == 0;
  }

  /** A copy of the current extensions (allocates; for diagnostics and tests, not the hot path). */
  public List<T> snapshot() {
    Extensions.Slot<T>[] s = snapshot;
    List<T> out = new ArrayList<>(s.length);
    for (Extensions.Slot<T> slot : s) {
      out.add(slot.extension);
    }
    return out;
  }

  /** Replaces the snapshot: removes {@code remove}'s slots and appends {@code add}; one volatile write. */
  @SuppressWarnings("unchecked")
  synchronized void swap(List<Extensions.Slot<?>> remove, List<Extensions.Slot<?>> add) {
    Extensions.Slot<T>[] old = snapshot;
    List<Extensions.Slot<T>> next = new ArrayList<>(old.length + add.size());
    for (Extensions.Slot<T> s : old) {
      if (!containsIdentity(remove, s)) {
        next.add(s);
      }
    }
    for (Extensions.Slot<?> s : add) {
      if (!containsIdentity(next, s)) {
        next.add((Extensions.Slot<T>) s);
      }
    }
    snapshot = next.isEmpty() ? NONE : next.toArray(new Extensions.Slot[0]);
  }

  private static boolean containsIdentity(List<? extends Extensions.Slot<?>> list, Extensions.Slot<?> s) {
    for (Extensions.Slot<?> x : list) {
      if (x == s) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ExtensionPoint[" + type.getName() + ", " + snapshot.length + " extensions]";
  }
}
