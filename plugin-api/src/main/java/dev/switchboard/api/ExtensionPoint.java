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
 * <p>Hot path: volatile reads of an immutable snapshot, no lock, no allocation (use the
 * two-argument forms to avoid a capturing lambda). A call announces the version of the snapshot it
 * uses in its thread's own record for this point (one volatile store of a number, then the
 * snapshot is re-read; if it changed meanwhile the call retries with the new one) and clears it
 * when done, also when an extension throws. So deactivation can unregister (swap the snapshot) and
 * then wait until the calls already running inside its extensions have returned, and every call
 * sees one whole snapshot: during an upgrade the old version or the new one, never neither and
 * never both. A re-entrant call (made from inside an extension of the same point, same thread)
 * sees the current snapshot too. Virtual threads count each call in the in-flight counter of every
 * extension's plugin instead (see {@code Callers}). With no extensions a call reads one volatile
 * field and returns. There is deliberately no {@code iterator()}: a {@code for} loop could not
 * announce itself. Exceptions from an extension propagate to the caller.
 */
public final class ExtensionPoint<T> {
  @SuppressWarnings("rawtypes")
  private static final ExtensionSlot[] NONE = new ExtensionSlot[0];

  /**
   * An immutable snapshot of the extensions with its version (unique within the point, from 1), and the
   * traffic routes of plugins running two instances (null when none; then {@code routeOf} is null too).
   */
  static final class Snapshot<T> {
    final ExtensionSlot<T>[] slots;
    final long version;
    final Route[] routes;
    /** Per slot: the index of its owner's route in {@code routes}, or -1. */
    final int[] routeOf;

    Snapshot(ExtensionSlot<T>[] slots, long version, Route[] routes, int[] routeOf) {
      this.slots = slots;
      this.version = version;
      this.routes = routes;
      this.routeOf = routeOf;
    }
  }

  private final Class<T> type;
  private final Callers callers = new Callers();
  private long versions = 1; // guarded by this

  @SuppressWarnings("unchecked")
  private volatile Snapshot<T> snapshot = new Snapshot<>(NONE, 1, null, null);

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
  private Snapshot<T> enter(Callers.Caller c, Snapshot<T> s) {
    for (;;) {
      c.announce(s.version);
      Snapshot<T> now = snapshot;
      if (now == s) {
        return s;
      }
      s = now;
    }
  }

  /**
   * A re-entrant call: uses the current snapshot; if it is newer than the versions the enclosing
   * calls announced, announces it as the record's {@code upTo} and re-checks it.
   */
  private Snapshot<T> enterAgain(Callers.Caller c) {
    for (;;) {
      Snapshot<T> s = snapshot;
      if (s.version <= Math.max(c.outer(), c.upTo())) {
        return s; // the same snapshot as an enclosing call: already announced
      }
      c.announceUpTo(s.version);
      if (snapshot == s) {
        return s;
      }
    }
  }

  /**
   * Virtual threads: counts the call in the in-flight counter of every extension's plugin, then
   * re-reads the snapshot: if it changed meanwhile the counts are undone and the new snapshot is
   * used. A drain either sees this call counted or this call uses the new snapshot.
   */
  private Snapshot<T> enterCounted() {
    for (;;) {
      Snapshot<T> s = snapshot;
      for (ExtensionSlot<T> slot : s.slots) {
        slot.owner.enter();
      }
      if (snapshot == s) {
        return s;
      }
      exitCounted(s.slots);
    }
  }

  private static void exitCounted(ExtensionSlot<?>[] s) {
    for (ExtensionSlot<?> slot : s) {
      slot.owner.exit();
    }
  }

  /** Calls {@code action} with each active extension, in registration order. */
  public void forEach(Consumer<? super T> action) {
    forEach(ExtensionPoint::accept, action);
  }

  private static <T> void accept(T extension, Consumer<? super T> action) {
    action.accept(extension);
  }

  /** Like {@link #forEach(Consumer)} with an argument, so the action need not capture. */
  public <A> void forEach(BiConsumer<? super T, ? super A> action, A argument) {
    forEach(action, argument, null);
  }

  /**
   * Like {@link #forEach(BiConsumer, Object)}; where a plugin runs two instances with a traffic split, {@code key}
   * (the call's attributes, e.g. its request headers) decides which instance's extensions are called.
   */
  public <A> void forEach(BiConsumer<? super T, ? super A> action, A argument, RoutingKey key) {
    Snapshot<T> s = snapshot;
    if (s.slots.length == 0) {
      return; // nothing to call, nothing to drain
    }
    Callers.Caller c = callers.current();
    if (c == null || c.outer() != 0) {
      forEachSlow(c, action, argument, key);
      return;
    }
    try {
      s = enter(c, s);
    } catch (Throwable t) { // e.g. a StackOverflowError after the announcement: never leave it set
      c.leave();
      throw t;
    }
    try {
      if (s.routes != null) {
        Routed.callAll(s, action, argument, key);
        return;
      }
      for (ExtensionSlot<T> slot : s.slots) {
        action.accept(slot.extension, argument);
      }
    } finally {
      c.leave();
    }
  }

  /**
   * Calls {@code action} with each active extension until one returns false (for example a filter
   * that short-circuits the request).
   *
   * @return true if every extension was called and returned true
   */
  public <A> boolean forEachWhile(BiPredicate<? super T, ? super A> action, A argument) {
    return forEachWhile(action, argument, null);
  }

  /**
   * Like {@link #forEachWhile(BiPredicate, Object)}; where a plugin runs two instances with a traffic split,
   * {@code key} decides which instance's extensions are called.
   */
  public <A> boolean forEachWhile(BiPredicate<? super T, ? super A> action, A argument, RoutingKey key) {
    Snapshot<T> s = snapshot;
    if (s.slots.length == 0) {
      return true;
    }
    Callers.Caller c = callers.current();
    if (c == null || c.outer() != 0) {
      return forEachWhileSlow(c, action, argument, key);
    }
    try {
      s = enter(c, s);
    } catch (Throwable t) { // e.g. a StackOverflowError after the announcement: never leave it set
      c.leave();
      throw t;
    }
    try {
      if (s.routes != null) {
        return Routed.callWhile(s, action, argument, key);
      }
      for (ExtensionSlot<T> slot : s.slots) {
        if (!action.test(slot.extension, argument)) {
          return false;
        }
      }
      return true;
    } finally {
      c.leave();
    }
  }

  /** A counted thread ({@code c == null}) or a re-entrant call. */
  private <A> void forEachSlow(Callers.Caller c, BiConsumer<? super T, ? super A> action, A argument, RoutingKey key) {
    if (c == null) {
      Snapshot<T> s = enterCounted();
      try {
        Routed.callAll(s, action, argument, key);
      } finally {
        exitCounted(s.slots);
      }
      return;
    }
    long enclosing = c.upTo();
    Snapshot<T> s = enterAgain(c);
    try {
      Routed.callAll(s, action, argument, key);
    } finally {
      if (c.upTo() != enclosing) {
        c.restoreUpTo(enclosing);
      }
    }
  }

  private <A> boolean forEachWhileSlow(Callers.Caller c, BiPredicate<? super T, ? super A> action, A argument, RoutingKey key) {
    if (c == null) {
      Snapshot<T> s = enterCounted();
      try {
        return Routed.callWhile(s, action, argument, key);
      } finally {
        exitCounted(s.slots);
      }
    }
    long enclosing = c.upTo();
    Snapshot<T> s = enterAgain(c);
    try {
      return Routed.callWhile(s, action, argument, key);
    } finally {
      if (c.upTo() != enclosing) {
        c.restoreUpTo(enclosing);
      }
    }
  }

  /** Threads inside a call of this point that may use a snapshot version in [lo, hi] (for the drain). */
  int callsInside(long lo, long hi) {
    return callers.inside(lo, hi);
  }

  /** Thread records held (records of ended threads are dropped when a new thread registers). */
  int callerRecords() {
    return callers.registered();
  }

  /** Number of extensions in the current snapshot. */
  public int size() {
    return snapshot.slots.length;
  }

  public boolean isEmpty() {
    return snapshot.slots.length == 0;
  }

  /** A copy of the current extensions (allocates; for diagnostics and tests, not the hot path). */
  public List<T> snapshot() {
    ExtensionSlot<T>[] s = snapshot.slots;
    List<T> out = new ArrayList<>(s.length);
    for (ExtensionSlot<T> slot : s) {
      out.add(slot.extension);
    }
    return out;
  }

  /**
   * Replaces the snapshot: removes {@code remove}'s slots and appends {@code add}; one volatile
   * write. Before it, every owner with a slot in the new snapshot learns the new version (so a
   * drain knows which versions held its extensions).
   */
  @SuppressWarnings("unchecked")
  synchronized void swap(List<ExtensionSlot<?>> remove, List<ExtensionSlot<?>> add) {
    ExtensionSlot<T>[] old = snapshot.slots;
    List<ExtensionSlot<T>> next = new ArrayList<>(old.length + add.size());
    for (ExtensionSlot<T> s : old) {
      if (!containsIdentity(remove, s)) {
        next.add(s);
      }
    }
    for (ExtensionSlot<?> s : add) {
      if (!containsIdentity(next, s)) {
        next.add((ExtensionSlot<T>) s);
      }
    }
    long version = ++versions;
    Extensions.Owner last = null;
    for (ExtensionSlot<T> s : next) {
      if (s.owner != last) {
        s.owner.liveIn(this, version);
        last = s.owner;
      }
    }
    ExtensionSlot<T>[] slots = next.isEmpty() ? NONE : next.toArray(new ExtensionSlot[0]);
    List<Route> routes = new ArrayList<>(0);
    int[] routeOf = new int[slots.length];
    for (int i = 0; i < slots.length; i++) {
      Route r = slots[i].owner.route();
      if (r == null) {
        routeOf[i] = -1;
        continue;
      }
      int at = routes.indexOf(r);
      if (at < 0) {
        at = routes.size();
        routes.add(r);
      }
      routeOf[i] = at;
    }
    snapshot = routes.isEmpty() ? new Snapshot<>(slots, version, null, null)
        : new Snapshot<>(slots, version, routes.toArray(new Route[0]), routeOf);
  }

  /** The routes of the current snapshot (for tests). */
  List<Route> routes() {
    Route[] r = snapshot.routes;
    return r == null ? List.of() : List.of(r);
  }

  private static boolean containsIdentity(List<? extends ExtensionSlot<?>> list, ExtensionSlot<?> s) {
    for (ExtensionSlot<?> x : list) {
      if (x == s) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "ExtensionPoint[" + type.getName() + ", " + snapshot.slots.length + " extensions]";
  }
}
