package dev.switchboard.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * BENCHMARKS.md item 4, design study: the in-flight schemes an extension point could use to make drains
 * possible, each around the same direct calls of {@code n} implementations, so their cost is
 * compared with the plain direct call in the same run (no extension point involved):
 *
 * <ul>
 *   <li>{@code perExtensionLongAdder}: one {@link LongAdder} increment + decrement per extension
 *       (the extension point's scheme until 2026-11-25, still used for virtual threads);
 *   <li>{@code perSnapshotLongAdder}: one increment + decrement per call on a counter of the
 *       snapshot, with the re-check of the snapshot;
 *   <li>{@code fullFenceOnly}: the floor of any announce-then-recheck scheme without an
 *       asymmetric (membarrier-like) fence, which Java does not offer: one full fence per call;
 *   <li>{@code threadRecord}: a {@link ThreadLocal}
 *       record per thread, one volatile store of the snapshot + re-check, one release store of null;
 *   <li>{@code threadTableRecord}: the same record found in a table indexed by thread id (what the
 *       extension point does first);
 *   <li>{@code threadRecordNoLookup}: the same without the {@code ThreadLocal} lookup (the record
 *       held in a {@code @State(Thread)}), to split the cost between lookup and fence;
 *   <li>{@code threadRecordVersionNoLookup}: the record holds the snapshot's version (a long)
 *       instead of a reference, so the store has no GC write barrier: the core of what the
 *       extension point does since 2026-11-25 (it adds the lookup through a table by thread id).
 * </ul>
 *
 * Run with {@code -t 2} too: shared counters (per snapshot) bounce a cache line between threads,
 * per-thread records do not.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class DispatchSchemesBench {
  public interface Handler {
    int handle(int x);
  }

  static final class AddOne implements Handler {
    private final int k;

    AddOne(int k) {
      this.k = k;
    }

    @Override
    public int handle(int x) {
      return x + k;
    }
  }

  /** A snapshot with its own in-flight counter (per-snapshot scheme). */
  static final class Snapshot {
    final Handler[] handlers;
    final LongAdder inFlight = new LongAdder();

    Snapshot(Handler[] handlers) {
      this.handlers = handlers;
    }
  }

  /** A per-thread record (thread-record scheme). */
  public static final class Record {
    volatile Object active;
    volatile long version;
    final java.lang.ref.WeakReference<Thread> thread = new java.lang.ref.WeakReference<>(Thread.currentThread());
  }

  static final VarHandle ACTIVE;
  static final VarHandle VERSION;

  static {
    try {
      ACTIVE = MethodHandles.lookup().findVarHandle(Record.class, "active", Object.class);
      VERSION = MethodHandles.lookup().findVarHandle(Record.class, "version", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  @State(Scope.Thread)
  public static class Acc {
    int v = 17;
    int sum;
    final Record record = new Record();
  }

  @Param({"0", "1", "5"})
  public int extensions;

  private Handler[] direct;
  private LongAdder[] counters;
  private volatile Handler[] current;
  private volatile Snapshot snapshot;
  private volatile Versioned versioned;

  /** A snapshot with a version number (announced instead of the array: no reference store). */
  static final class Versioned {
    final Handler[] handlers;
    final long version;

    Versioned(Handler[] handlers, long version) {
      this.handlers = handlers;
      this.version = version;
    }
  }
  private final ThreadLocal<Record> records = ThreadLocal.withInitial(Record::new);
  private final Record[] table = new Record[1024];

  @Setup(Level.Trial)
  public void setUp() {
    direct = new Handler[extensions];
    counters = new LongAdder[extensions];
    for (int i = 0; i < extensions; i++) {
      direct[i] = new AddOne(i + 1);
      counters[i] = new LongAdder();
    }
    current = direct.clone();
    snapshot = new Snapshot(direct.clone());
    versioned = new Versioned(direct.clone(), 1);
  }

  @Benchmark
  public int direct(Acc a) {
    for (Handler h : direct) {
      a.sum += h.handle(a.v);
    }
    return a.sum;
  }

  @Benchmark
  public int perExtensionLongAdder(Acc a) {
    Handler[] hs = current;
    LongAdder[] c = counters;
    for (LongAdder x : c) {
      x.increment();
    }
    try {
      for (Handler h : hs) {
        a.sum += h.handle(a.v);
      }
    } finally {
      for (LongAdder x : c) {
        x.decrement();
      }
    }
    return a.sum;
  }

  @Benchmark
  public int perSnapshotLongAdder(Acc a) {
    Snapshot s;
    for (;;) {
      s = snapshot;
      s.inFlight.increment();
      if (snapshot == s) {
        break;
      }
      s.inFlight.decrement();
    }
    try {
      for (Handler h : s.handlers) {
        a.sum += h.handle(a.v);
      }
    } finally {
      s.inFlight.decrement();
    }
    return a.sum;
  }

  @Benchmark
  public int fullFenceOnly(Acc a) {
    Handler[] hs = current;
    VarHandle.fullFence();
    for (Handler h : hs) {
      a.sum += h.handle(a.v);
    }
    return a.sum;
  }

  @Benchmark
  public int threadRecord(Acc a) {
    return viaRecord(records.get(), a);
  }

  /** The record found in a table indexed by thread id, checked against the thread (weak reference). */
  @Benchmark
  public int threadTableRecord(Acc a) {
    Thread t = Thread.currentThread();
    int i = (int) t.getId() & 1023;
    Record r = table[i];
    if (r == null || r.thread.get() != t) {
      r = records.get();
      synchronized (this) {
        table[i] = r;
      }
    }
    return viaRecord(r, a);
  }

  @Benchmark
  public int threadRecordNoLookup(Acc a) {
    return viaRecord(a.record, a);
  }

  /**
   * As {@code threadRecordNoLookup} but the record holds the snapshot's version (a long) instead of
   * a reference: no GC write barrier (G1's post-write barrier on a reference store into an old
   * object includes a StoreLoad fence and card work).
   */
  @Benchmark
  public int threadRecordVersionNoLookup(Acc a) {
    Record r = a.record;
    Versioned v;
    for (;;) {
      v = versioned;
      if (v.handlers.length == 0) {
        break;
      }
      VERSION.setVolatile(r, v.version);
      if (versioned == v) {
        break;
      }
    }
    try {
      for (Handler h : v.handlers) {
        a.sum += h.handle(a.v);
      }
    } finally {
      VERSION.setRelease(r, 0L);
    }
    return a.sum;
  }

  private int viaRecord(Record r, Acc a) {
    Handler[] hs;
    for (;;) {
      hs = current;
      if (hs.length == 0) {
        break;
      }
      ACTIVE.setVolatile(r, hs);
      if (current == hs) {
        break;
      }
    }
    try {
      for (Handler h : hs) {
        a.sum += h.handle(a.v);
      }
    } finally {
      ACTIVE.setRelease(r, null);
    }
    return a.sum;
  }
}
