package dev.switchboard.api;

import dev.switchboard.api.runtime.ExtensionOwners;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * The JVM-wide extension registry. It lives in the class loader that holds the plugin API (the
 * host's), so the host, the runtime and every plugin see the same points.
 *
 * <p>Host side: {@link #point(Class)}. Runtime side: an {@link Owner} per loaded plugin collects its
 * registrations, publishes them (replacing a previous version's in one snapshot swap per point),
 * unregisters them and drains calls in flight.
 */
public final class Extensions {
  // A ClassValue keeps the point on the Class object itself, so a point for an interface defined
  // by a plugin does not pin that plugin's class loader.
  private static final ClassValue<ExtensionPoint<?>> POINTS = new ClassValue<>() {
    @Override
    protected ExtensionPoint<?> computeValue(Class<?> type) {
      HostPackages.announcePoint(type);
      return new ExtensionPoint<>(type);
    }
  };

  /**
   * Serialises membership changes (register, remove, publish, unregisterAll) together with their
   * snapshot swaps, so a registration racing its owner's close is either refused or removed by the
   * close: it can never become live after {@code unregisterAll()} or {@code publish(previous)}
   * returned. Rare operations; calls never take it. Lock order: this, then a point, then an owner.
   */
  private static final Object MEMBERSHIP = new Object();

  static {
    ExtensionOwners.install(new OwnerAccess());
  }

  private Extensions() {}

  /**
   * The extension point of {@code type} (created on first use; the same object afterwards). The
   * first call also announces {@code type}'s package to the runtime ({@link HostPackages}): plugins
   * see it through {@code type}'s class loader without any host export setting.
   */
  @SuppressWarnings("unchecked")
  public static <T> ExtensionPoint<T> point(Class<T> type) {
    Objects.requireNonNull(type, "type == null");
    return (ExtensionPoint<T>) POINTS.get(type);
  }

  /**
   * The registrations of one loaded plugin (one per plugin instance; an upgrade has two). Before
   * {@link #publish(Owner)} registrations are staged (invisible to the host); afterwards they go
   * live at once. An opaque handle here: the runtime and {@link dev.switchboard.api.testing.PluginHarness}
   * drive it through {@link ExtensionOwners}, which plugins do not use.
   */
  public static final class Owner {
    private final String label;
    /** Calls of virtual threads only (other threads announce themselves in their point's records). */
    private final LongAdder inFlight = new LongAdder();
    private final List<ExtensionSlot<?>> slots = new ArrayList<>(); // guarded by this
    /** Per point: the versions of its snapshots that held one of this owner's extensions; guarded by this. */
    private final List<OwnerSpan> spans = new ArrayList<>();
    private boolean published; // guarded by this
    private boolean closed; // guarded by this
    /** The traffic split this owner shares with another instance of its plugin; written under MEMBERSHIP. */
    private volatile Route route;
    /** Calls a route sent to this owner. */
    private final LongAdder routed = new LongAdder();

    Owner(String label) {
      this.label = Objects.requireNonNull(label, "label == null");
    }

    public String label() {
      return label;
    }

    void enter() {
      inFlight.increment();
    }

    Route route() {
      return route;
    }

    void countRouted() {
      routed.increment();
    }

    long routedCalls() {
      return routed.sum();
    }

    /** The types this owner has registrations for (the points a route change must rebuild). */
    private synchronized List<Class<?>> types() {
      List<Class<?>> out = new ArrayList<>();
      for (ExtensionSlot<?> s : slots) {
        if (!out.contains(s.type)) out.add(s.type);
      }
      return out;
    }

    void exit() {
      inFlight.decrement();
    }

    /** Registers {@code extension}: staged before {@link #publish}, live after. */
    <T> Registration register(Class<T> type, T extension) {
      Objects.requireNonNull(type, "type == null");
      Objects.requireNonNull(extension, "extension == null");
      if (!type.isInstance(extension)) {
        throw new IllegalArgumentException(
            "extension " + extension.getClass().getName() + " does not implement " + type.getName());
      }
      ExtensionSlot<T> slot = new ExtensionSlot<>(type, extension, this);
      synchronized (MEMBERSHIP) {
        boolean goLive;
        synchronized (this) {
          if (closed) {
            throw new PluginException(PluginException.Code.CLOSED, "registrations of " + label + " are closed");
          }
          slots.add(slot);
          goLive = published;
        }
        if (goLive) {
          point(type).swap(List.of(), List.of(slot));
        }
      }
      return slot;
    }

    void remove(ExtensionSlot<?> slot) {
      synchronized (MEMBERSHIP) {
        boolean wasLive;
        synchronized (this) {
          if (!slots.remove(slot)) {
            return;
          }
          wasLive = published;
        }
        if (wasLive) {
          point(slot.type).swap(List.of(slot), List.of());
        }
      }
    }

    /**
     * Makes this owner's staged registrations visible and removes every registration of {@code
     * previous} (may be null), with one snapshot swap per extension point: no call sees neither.
     * Afterwards {@code previous} is closed; drain it with {@link #awaitDrained}.
     */
    void publish(Owner previous) {
      synchronized (MEMBERSHIP) {
        publishLocked(previous);
      }
    }

    /**
     * Publishes this owner beside {@code primary} (already live) with calls shared by {@code split}: each
     * point holding either one's extensions gets one new snapshot with the route, so no call sees both.
     */
    void publishBeside(Owner primary, dev.switchboard.api.runtime.TrafficSplit split) {
      synchronized (MEMBERSHIP) {
        Route r = new Route(primary, this, split);
        primary.route = r;
        this.route = r;
        publishSlots(null);
        rebuild(primary);
      }
    }

    /** A new split between the two owners of this owner's route (this one is either of them). */
    void reroute(dev.switchboard.api.runtime.TrafficSplit split) {
      synchronized (MEMBERSHIP) {
        Route old = route;
        if (old == null) {
          throw new IllegalStateException(label + " shares no traffic with another instance");
        }
        Route r = new Route(old.primary, old.secondary, split);
        old.primary.route = r;
        old.secondary.route = r;
        rebuild(old.primary);
        rebuild(old.secondary);
      }
    }

    private static void rebuild(Owner o) {
      for (Class<?> type : o.types()) {
        point(type).swap(List.of(), List.of());
      }
    }

    private void publishLocked(Owner previous) {
      route = null; // this owner serves alone from now on
      publishSlots(previous);
    }

    private void publishSlots(Owner previous) {
      Map<Class<?>, List<ExtensionSlot<?>>> add = new LinkedHashMap<>();
      synchronized (this) {
        if (closed) {
          throw new PluginException(PluginException.Code.CLOSED, "registrations of " + label + " are closed");
        }
        published = true;
        for (ExtensionSlot<?> s : slots) {
          add.computeIfAbsent(s.type, t -> new ArrayList<>()).add(s);
        }
      }
      Map<Class<?>, List<ExtensionSlot<?>>> remove = previous == null ? Map.of() : previous.closeAndGroup();
      for (Map.Entry<Class<?>, List<ExtensionSlot<?>>> e : add.entrySet()) {
        point(e.getKey()).swap(remove.getOrDefault(e.getKey(), List.of()), e.getValue());
      }
      for (Map.Entry<Class<?>, List<ExtensionSlot<?>>> e : remove.entrySet()) {
        if (!add.containsKey(e.getKey())) {
          point(e.getKey()).swap(e.getValue(), List.of());
        }
      }
    }

    /** Called by {@code point}'s swap (under its lock): snapshot {@code version} holds an extension of this owner. */
    synchronized void liveIn(ExtensionPoint<?> point, long version) {
      for (OwnerSpan s : spans) {
        if (s.point == point) {
          s.last = version;
          return;
        }
      }
      spans.add(new OwnerSpan(point, version));
    }

    private Map<Class<?>, List<ExtensionSlot<?>>> closeAndGroup() {
      Map<Class<?>, List<ExtensionSlot<?>>> groups = new LinkedHashMap<>();
      synchronized (this) {
        closed = true;
        if (published) {
          for (ExtensionSlot<?> s : slots) {
            groups.computeIfAbsent(s.type, t -> new ArrayList<>()).add(s);
          }
        }
        slots.clear();
      }
      return groups;
    }

    /** Removes every registration (new calls stop reaching them) and refuses new ones. Idempotent. */
    void unregisterAll() {
      synchronized (MEMBERSHIP) {
        for (Map.Entry<Class<?>, List<ExtensionSlot<?>>> e : closeAndGroup().entrySet()) {
          point(e.getKey()).swap(e.getValue(), List.of());
        }
      }
    }

    /**
     * Calls currently running inside this owner's extensions: threads inside a call whose snapshot
     * holds one of them (a re-entrant call of the same point counts once) plus counted calls of
     * virtual threads.
     */
    long inFlight() {
      ExtensionPoint<?>[] points;
      long[] ranges;
      synchronized (this) {
        points = new ExtensionPoint<?>[spans.size()];
        ranges = new long[2 * spans.size()];
        for (int i = 0; i < points.length; i++) {
          OwnerSpan s = spans.get(i);
          points[i] = s.point;
          ranges[2 * i] = s.first;
          ranges[2 * i + 1] = s.last;
        }
      }
      long n = inFlight.sum();
      for (int i = 0; i < points.length; i++) {
        n += points[i].callsInside(ranges[2 * i], ranges[2 * i + 1]);
      }
      return n;
    }

    /**
     * Waits until no call is running inside this owner's extensions (call after {@link
     * #unregisterAll} or after another owner's {@link #publish}).
     *
     * @return true when drained, false on timeout
     */
    boolean awaitDrained(Duration timeout) throws InterruptedException {
      long deadline = System.nanoTime() + timeout.toNanos();
      long sleepMicros = 50;
      while (inFlight() != 0) {
        if (System.nanoTime() - deadline >= 0) {
          return false;
        }
        TimeUnit.MICROSECONDS.sleep(sleepMicros);
        sleepMicros = Math.min(sleepMicros * 2, 10_000);
      }
      return true;
    }

    /** The current registrations (staged or live). */
    synchronized List<Registration> registrations() {
      return List.copyOf(slots);
    }

    synchronized boolean isPublished() {
      return published;
    }

    @Override
    public String toString() {
      return "Owner[" + label + "]";
    }
  }

  /** The owner operations, handed to {@link ExtensionOwners} (the runtime's package) once. */
  private static final class OwnerAccess implements ExtensionOwners.Access {
    @Override
    public Owner create(String label) {
      return new Owner(label);
    }

    @Override
    public <T> Registration register(Owner owner, Class<T> type, T extension) {
      return owner.register(type, extension);
    }

    @Override
    public void publish(Owner owner, Owner previous) {
      owner.publish(previous);
    }

    @Override
    public void unregisterAll(Owner owner) {
      owner.unregisterAll();
    }

    @Override
    public long inFlight(Owner owner) {
      return owner.inFlight();
    }

    @Override
    public boolean awaitDrained(Owner owner, Duration timeout) throws InterruptedException {
      return owner.awaitDrained(timeout);
    }

    @Override
    public List<Registration> registrations(Owner owner) {
      return owner.registrations();
    }

    @Override
    public void publishBeside(Owner secondary, Owner primary, dev.switchboard.api.runtime.TrafficSplit split) {
      secondary.publishBeside(primary, split);
    }

    @Override
    public void reroute(Owner owner, dev.switchboard.api.runtime.TrafficSplit split) {
      owner.reroute(split);
    }

    @Override
    public long routedCalls(Owner owner) {
      return owner.routedCalls();
    }
  }
}
