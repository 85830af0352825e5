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
 * two-argument forms to avoid a capturing lambda). A call is counted in the in-flight counter of
 * each extension's plugin for its whole duration (also when an extension throws), so deactivation
 * can unregister (swap the snapshot) and then wait until the calls already running have returned;
 * every call sees one whole snapshot (see {@code enter}). There is deliberately no {@code iterator()}: a {@code for} loop could not count.
 * Exceptions from an extension propagate to the caller.
 */
public final class ExtensionPoint<T> {
  @SuppressWarnings("rawtypes")
  private static final Extensions.Slot[] NONE = new Extensions.Slot[0];

  private final Class<T> type;

  @SuppressWarnings("unchecked")
  private volatile Extensions.Slot<T>[] snapshot = NONE;

  ExtensionPoint(Class<T> type) {
    this.type = type;
  }

  public Class<T> type() {
    return type;
  }

  /**
   * Reads a consistent snapshot and counts the call in the in-flight counter of every extension's
   * plugin. The counters are incremented before the snapshot is read again: if it changed meanwhile
   * the counts are undone and the new snapshot is used. So a deactivation that swaps the snapshot
   * and then waits for its counter to reach zero either sees this call counted or this call uses
   * the new snapshot (never a plugin after its drain), and every call uses exactly one whole
   * snapshot (during an upgrade: the old version or the new one, never neither).
   */
  private Extensions.Slot<T>[] enter() {
    for (;;) {
      Extensions.Slot<T>[] s = snapshot;
      for (Extensions.Slot<T> slot : s) {
        slot.owner.enter();
      }
      if (snapshot == s) {
        return s;
      }
      exit(s);
    }
  }

  private static void exit(Extensions.Slot<?>[] s) {
    for (Extensions.Slot<?> slot : s) {
      slot.owner.exit();
    }
  }

  /** Calls {@code action} with each active extension, in registration order. */
  public void forEach(Consumer<? super T> action) {
    Extensions.Slot<T>[] s = enter();
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension);
      }
    } finally {
      exit(s);
    }
  }

  /** Like {@link #forEach(Consumer)} with an argument, so the action need not capture. */
  public <A> void forEach(BiConsumer<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = enter();
    try {
      for (Extensions.Slot<T> slot : s) {
        action.accept(slot.extension, argument);
      }
    } finally {
      exit(s);
    }
  }

  /**
   * Calls {@code action} with each active extension until one returns false (for example a filter
   * that short-circuits the request).
   *
   * @return true if every extension was called and returned true
   */
  public <A> boolean forEachWhile(BiPredicate<? super T, ? super A> action, A argument) {
    Extensions.Slot<T>[] s = enter();
    try {
      for (Extensions.Slot<T> slot : s) {
        if (!action.test(slot.extension, argument)) {
          return false;
        }
      }
      return true;
    } finally {
      exit(s);
    }
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
