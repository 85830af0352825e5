package dev.switchboard.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what a watch delivers, and the view it implies. For tests. */
public final class Recorder implements WatchListener {
  public final List<Change> changes = new CopyOnWriteArrayList<>();
  public final List<String> skipped = new CopyOnWriteArrayList<>();
  public final List<StoreState> states = new CopyOnWriteArrayList<>();
  public final List<String> threads = new CopyOnWriteArrayList<>();
  public volatile int synced;

  @Override
  public void onChanges(List<Change> cs) {
    threads.add(Thread.currentThread().getName());
    changes.addAll(cs);
  }

  @Override
  public void onSynced() {
    synced++;
  }

  @Override
  public void onSkipped(String key, String reason) {
    skipped.add(key + ": " + reason);
  }

  @Override
  public void onState(StoreState state) {
    states.add(state);
  }

  /** key → value as the listener must see the store now. */
  public Map<String, String> view() {
    Map<String, String> v = new TreeMap<>();
    for (Change c : new ArrayList<>(changes)) {
      if (c.deleted()) {
        v.remove(c.key());
      } else {
        v.put(c.key(), c.valueUtf8());
      }
    }
    return v;
  }

  public static byte[] b(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }
}
