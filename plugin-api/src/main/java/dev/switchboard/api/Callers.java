package dev.switchboard.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.function.Predicate;

/**
 * The threads calling one {@link ExtensionPoint}: one {@link Caller} record per (platform thread,
 * point), written only by its own thread, so a call announces itself with one store instead of
 * an atomic read-modify-write per extension.
 *
 * <p>Protocol (the drain's guarantee, per record): a call stores the snapshot it is about to use
 * into its record with a volatile store, then re-reads the point's snapshot (volatile) and uses
 * it only if unchanged, else it retries; it stores null (release) when done. A swap is a volatile
 * write of the snapshot; a drain reads every record afterwards (volatile). Volatile accesses are
 * totally ordered, so for a call that uses the old snapshot its re-read came before the swap, its
 * announcement before that, and the drain (after the swap) sees the announcement or a later store
 * of the same thread: either the call is still inside, or it has finished. A call whose re-read
 * comes after the swap sees the new snapshot and retries. The record holds the whole snapshot, so
 * a drain waits only for calls whose snapshot contains one of its owner's extensions.
 *
 * <p>Lookup: a table indexed by thread id (checked against the record's thread, so a thread id
 * overridden by a {@code Thread} subclass cannot make two threads share a record), else a {@link
 * ThreadLocal} for threads whose table slot is taken.
 *
 * <p>Threads that end or never call again hold null: a drain never waits for them. Records of
 * ended threads are dropped when the next thread registers. Virtual threads (a new one per task
 * would mean a new record per call) get no record: their calls use the per-owner counters instead
 * (two atomic operations per extension, the previous scheme), see {@link ExtensionPoint}.
 */
final class Callers {
  private static final Caller[] NO_CALLERS = new Caller[0];
  private static final VarHandle ACTIVE;
  private static final MethodHandle IS_VIRTUAL;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      ACTIVE = lookup.findVarHandle(Caller.class, "active", Object[].class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    MethodHandle isVirtual;
    try {
      isVirtual = MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      isVirtual = null; // Java < 21: every thread is a platform thread
    }
    IS_VIRTUAL = isVirtual;
  }

  /** Which threads use the per-owner counters instead of a record; replaced only by tests. */
  static volatile Predicate<Thread> counted = Callers::isVirtual;

  /** One thread's record for one point. */
  static final class Caller {
    /** The snapshot the thread's current call uses, null outside a call (accessed via ACTIVE). */
    @SuppressWarnings("unused")
    private volatile Object[] active;
    private final WeakReference<Thread> thread;

    Caller(Thread thread) {
      this.thread = new WeakReference<>(thread);
    }

    /** Own thread only: the snapshot of the call this thread is inside (re-entrant calls reuse it). */
    Object[] current() {
      return (Object[]) ACTIVE.get(this);
    }

    /** Own thread only: announces {@code snapshot} (store + full fence). */
    void announce(Object[] snapshot) {
      ACTIVE.setVolatile(this, snapshot);
    }

    /** Own thread only: the call has returned (or thrown). */
    void leave() {
      ACTIVE.setRelease(this, null);
    }

    /** Any thread: the announced snapshot, or null when the thread is outside or has ended. */
    Object[] observed() {
      Object[] a = (Object[]) ACTIVE.getVolatile(this);
      if (a == null) {
        return null;
      }
      Thread t = thread.get();
      return t != null && t.isAlive() ? a : null; // an ended thread has left every call
    }

    boolean ended() {
      Thread t = thread.get();
      return t == null || !t.isAlive();
    }
  }

  /** Direct-mapped by thread id: the fast lookup; a thread whose slot is taken uses {@link #local}. */
  private static final int SLOTS = 1024;

  private final Caller[] byThread = new Caller[SLOTS]; // elements written under this, read racily
  private final ThreadLocal<Caller> local = new ThreadLocal<>();
  private volatile Caller[] all = NO_CALLERS; // copy-on-write, guarded by this for writers

  /**
   * The current thread's record, created on its first call; null for a counted (virtual) thread.
   * A racy read of the table is safe: a record's thread is a final field, and a miss (null, stale,
   * another thread's record) falls back to the thread-local lookup.
   */
  Caller current() {
    Thread t = Thread.currentThread();
    Caller c = byThread[(int) t.getId() & (SLOTS - 1)];
    if (c != null && c.thread.get() == t) {
      return c;
    }
    c = local.get();
    return c != null ? c : register(t);
  }

  private Caller register(Thread t) {
    if (counted.test(t)) {
      return null;
    }
    Caller c = new Caller(t);
    synchronized (this) {
      int slot = (int) t.getId() & (SLOTS - 1);
      Caller holder = byThread[slot];
      if (holder == null || holder.ended()) {
        byThread[slot] = c;
      }
      Caller[] old = all;
      Caller[] next = new Caller[old.length + 1];
      int n = 0;
      for (Caller x : old) {
        if (!x.ended()) {
          next[n++] = x;
        }
      }
      next[n++] = c;
      all = n == next.length ? next : java.util.Arrays.copyOf(next, n);
    }
    local.set(c);
    return c;
  }

  /** Number of threads whose current call uses a snapshot holding an extension of {@code owner}. */
  int inside(Extensions.Owner owner) {
    int n = 0;
    for (Caller c : all) {
      Object[] a = c.observed();
      if (a != null && holds(a, owner)) {
        n++;
      }
    }
    return n;
  }

  /** Number of registered records (for tests: records of ended threads are dropped). */
  int registered() {
    return all.length;
  }

  private static boolean holds(Object[] snapshot, Extensions.Owner owner) {
    for (Object s : snapshot) {
      if (((Extensions.Slot<?>) s).owner == owner) {
        return true;
      }
    }
    return false;
  }

  private static boolean isVirtual(Thread t) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (boolean) IS_VIRTUAL.invokeExact(t);
    } catch (Throwable e) {
      throw new IllegalStateException("Thread.isVirtual failed", e);
    }
  }
}
