package dev.switchboard.api;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.VarHandle;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.function.Predicate;

/**
 * The threads calling one {@link ExtensionPoint}: one {@link Caller} record per (platform thread,
 * point), written only by its own thread, so a call announces itself with one store + fence
 * instead of an atomic read-modify-write per extension.
 *
 * <p>Protocol (the drain's guarantee, per record): a call stores the version of the snapshot it is
 * about to use into its record with a volatile store, then re-reads the point's snapshot
 * (volatile) and uses it only if unchanged, else it retries; it stores 0 (release) when done. A
 * swap is a volatile write of the snapshot; a drain reads every record afterwards (volatile).
 * Volatile accesses are totally ordered, so for a call that uses the old snapshot its re-read came
 * before the swap, its announcement before that, and the drain (after the swap) sees the
 * announcement or a later store of the same thread: either the call is still inside, or it has
 * finished. A call whose re-read comes after the swap sees the new snapshot and retries. Versions
 * are numbers, not references: a reference store into a long-lived record would add the GC's
 * write barrier to every call (with G1 a second fence and card-table work).
 *
 * <p>Each owner knows the versions of this point that held one of its extensions (from its first
 * to its last, see {@code Extensions.Owner}), so a drain waits only for calls whose version is in
 * that range. A re-entrant call (from inside an extension of the same point, same thread) that
 * finds a newer snapshot than the outer call's announces it as the record's {@code upTo}; the
 * thread then may use any version from {@code outer} to {@code upTo}.
 *
 * <p>Lookup: a table indexed by thread id (checked against the record's thread, so an id returned
 * by an overriding {@code Thread} subclass cannot make two threads share a record), else a {@link
 * ThreadLocal} for threads whose table slot is taken.
 *
 * <p>Threads that end or never call again hold 0: a drain never waits for them; a drain also
 * ignores records of ended threads. Records of ended threads are dropped when the next thread
 * registers. Virtual threads (a new one per task would mean a new record per call) get no record:
 * their calls use the per-owner counters instead (two atomic operations per extension, the
 * previous scheme), see {@link ExtensionPoint}.
 */
final class Callers {
  private static final Caller[] NO_CALLERS = new Caller[0];
  private static final VarHandle OUTER;
  private static final VarHandle UP_TO;
  private static final MethodHandle IS_VIRTUAL;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OUTER = lookup.findVarHandle(Caller.class, "outer", long.class);
      UP_TO = lookup.findVarHandle(Caller.class, "upTo", long.class);
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

  /**
   * One thread's record for one point; the weak reference to its thread is the record itself (one
   * load less on every lookup than a separate reference object; never pins an ended thread).
   */
  static final class Caller extends WeakReference<Thread> {
    /** Version of the snapshot of the outermost call in progress, 0 outside (accessed via OUTER). */
    @SuppressWarnings("unused")
    private volatile long outer;
    /** Newest version a re-entrant call uses, 0 if none (accessed via UP_TO). */
    @SuppressWarnings("unused")
    private volatile long upTo;

    Caller(Thread thread) {
      super(thread);
    }

    /** Own thread only: the outer call's version, 0 when this thread is not inside a call. */
    long outer() {
      return (long) OUTER.get(this);
    }

    /** Own thread only: announces {@code version} for the outermost call (store + full fence). */
    void announce(long version) {
      OUTER.setVolatile(this, version);
    }

    /** Own thread only: the outermost call has returned (or thrown). */
    void leave() {
      OUTER.setRelease(this, 0L);
    }

    /** Own thread only: the newest version announced by re-entrant calls (0: none). */
    long upTo() {
      return (long) UP_TO.get(this);
    }

    /** Own thread only: a re-entrant call announces a newer {@code version} (store + full fence). */
    void announceUpTo(long version) {
      UP_TO.setVolatile(this, version);
    }

    /** Own thread only: a re-entrant call has returned; restores what the enclosing call announced. */
    void restoreUpTo(long version) {
      UP_TO.setRelease(this, version);
    }

    /** Any thread: whether this thread is inside a call that may use a version in [lo, hi]. */
    boolean inside(long lo, long hi) {
      long from = (long) OUTER.getVolatile(this);
      if (from == 0 || from > hi) {
        return false;
      }
      long to = Math.max(from, (long) UP_TO.getVolatile(this));
      return to >= lo && !ended(); // an ended thread has left every call
    }

    boolean ended() {
      Thread t = get();
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
   * A racy read of the table is safe: a record's thread is set in its constructor and never
   * changes (until the thread is collected), and a miss (null, stale, another thread's record)
   * falls back to the thread-local lookup.
   */
  Caller current() {
    Thread t = Thread.currentThread();
    Caller c = byThread[(int) t.getId() & (SLOTS - 1)];
    if (c != null && c.get() == t) {
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
      all = n == next.length ? next : Arrays.copyOf(next, n);
    }
    local.set(c);
    return c;
  }

  /** Number of threads inside a call that may use a snapshot version in [lo, hi]. */
  int inside(long lo, long hi) {
    int n = 0;
    for (Caller c : all) {
      if (c.inside(lo, hi)) {
        n++;
      }
    }
    return n;
  }

  /** Number of registered records (for tests: records of ended threads are dropped). */
  int registered() {
    return all.length;
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
