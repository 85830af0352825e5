package dev.switchboard.sidecar.testing;

import dev.switchboard.store.Change;
import dev.switchboard.store.Entry;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.Watch;
import dev.switchboard.store.WatchListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An in-memory key space for pure-logic tests (real stores are exercised in the ITs). */
public final class FakeKeySpace implements KeySpace {
  private final String name;
  private final Map<String, byte[]> data = new TreeMap<>();
  public final Map<String, byte[]> live = new TreeMap<>();
  private final List<Consumer<StoreState>> stateListeners = new CopyOnWriteArrayList<>();
  private final List<WatchListener> watchers = new CopyOnWriteArrayList<>();
  private volatile StoreState state = StoreState.CONNECTING;
  private long version;

  public FakeKeySpace(String name) {
    this.name = name;
  }

  @Override public String storeName() { return name; }
  @Override public String endpoints() { return "fake"; }
  @Override public StoreState state() { return state; }
  @Override public void addStateListener(Consumer<StoreState> l) { stateListeners.add(l); }

  /** Connects and delivers the snapshot to every watcher, then onSynced. */
  public synchronized void connect() {
    state = StoreState.CONNECTED;
    for (WatchListener w : watchers) {
      w.onState(StoreState.CONNECTED);
      List<Change> snap = new ArrayList<>();
      data.forEach((k, v) -> snap.add(Change.put(k, v, version)));
      if (!snap.isEmpty()) w.onChanges(snap);
      w.onSynced();
    }
    stateListeners.forEach(l -> l.accept(StoreState.CONNECTED));
  }

  public synchronized void disconnect() {
    state = StoreState.DISCONNECTED;
    for (WatchListener w : watchers) w.onState(StoreState.DISCONNECTED);
    stateListeners.forEach(l -> l.accept(StoreState.DISCONNECTED));
  }

  /** Writes as an operator would; delivered only while connected. */
  public synchronized void write(String key, String value) {
    version++;
    if (value == null) data.remove(key);
    else data.put(key, value.getBytes(StandardCharsets.UTF_8));
    if (state != StoreState.CONNECTED) return;
    Change c = value == null ? Change.delete(key, version) : Change.put(key, value.getBytes(StandardCharsets.UTF_8), version);
    for (WatchListener w : watchers) w.onChanges(List.of(c));
  }

  /** What a real adapter reports for a key it cannot represent (a '..' segment, an oversized value). */
  public synchronized void skip(String key, String reason) {
    for (WatchListener w : watchers) w.onSkipped(key, reason);
  }

  public synchronized String liveValue(String key) {
    byte[] v = live.get(key);
    return v == null ? null : new String(v, StandardCharsets.UTF_8);
  }

  @Override public synchronized CompletableFuture<Optional<Entry>> get(String key) {
    byte[] v = data.get(key);
    return CompletableFuture.completedFuture(v == null ? Optional.empty() : Optional.of(new Entry(key, v, version)));
  }

  @Override public synchronized CompletableFuture<List<Entry>> list(String prefix) {
    List<Entry> out = new ArrayList<>();
    data.forEach((k, v) -> { if (k.startsWith(prefix)) out.add(new Entry(k, v, version)); });
    return CompletableFuture.completedFuture(out);
  }

  @Override public CompletableFuture<Entry> put(String key, byte[] value) {
    write(key, new String(value, StandardCharsets.UTF_8));
    return CompletableFuture.completedFuture(new Entry(key, value, version));
  }

  @Override public CompletableFuture<Boolean> putIfVersion(String key, byte[] value, long expectedVersion) {
    throw new UnsupportedOperationException();
  }

  @Override public CompletableFuture<Boolean> delete(String key) {
    boolean had = data.containsKey(key);
    write(key, null);
    return CompletableFuture.completedFuture(had);
  }

  @Override public CompletableFuture<Boolean> deleteIfVersion(String key, long expectedVersion) {
    throw new UnsupportedOperationException();
  }

  private int liveWritesToFail;

  /** The next {@code n} live writes fail (as a store's timeout or error would) while the store stays connected. */
  public synchronized void failNextLiveWrites(int n) {
    liveWritesToFail = n;
  }

  @Override public synchronized CompletableFuture<Void> putLive(String key, byte[] value) {
    if (liveWritesToFail > 0) {
      liveWritesToFail--;
      return CompletableFuture.failedFuture(new java.util.concurrent.TimeoutException("injected: live write of " + key + " timed out"));
    }
    live.put(key, value.clone());
    return CompletableFuture.completedFuture(null);
  }

  @Override public synchronized CompletableFuture<Void> deleteLive(String key) {
    live.remove(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override public synchronized Watch watch(String prefix, WatchListener listener) {
    WatchListener filtered = new WatchListener() {
      @Override public void onChanges(List<Change> changes) {
        List<Change> mine = changes.stream().filter(c -> c.key().startsWith(prefix + "/")).toList();
        if (!mine.isEmpty()) listener.onChanges(mine);
      }
      @Override public void onSynced() { listener.onSynced(); }
      @Override public void onState(StoreState s) { listener.onState(s); }
      @Override public void onSkipped(String key, String reason) { if (key.startsWith(prefix + "/")) listener.onSkipped(key, reason); }
    };
    watchers.add(filtered);
    if (state == StoreState.CONNECTED) {
      List<Change> snap = new ArrayList<>();
      data.forEach((k, v) -> snap.add(Change.put(k, v, version)));
      filtered.onChanges(snap.isEmpty() ? List.of() : snap);
      filtered.onSynced();
    }
    return new Watch() {
      @Override public String prefix() { return prefix; }
      @Override public void close() { watchers.remove(filtered); }
    };
  }

  @Override public void close() {
    state = StoreState.CLOSED;
  }
}
