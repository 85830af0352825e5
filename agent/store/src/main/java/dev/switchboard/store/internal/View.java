package dev.switchboard.store.internal;

import dev.switchboard.store.Change;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What one watch has delivered to its listener: key → value and version. Used to diff a fresh full
 * read against it after a reconnect or a compaction, deletes included. Not thread-safe: it lives on
 * the watch's delivery thread.
 */
public final class View {
  /** One delivered key. {@code order} is a store-wide ordering token (etcd mod_revision, ZooKeeper mzxid). */
  public record Item(byte[] value, long version, long order, boolean ephemeral) {}

  private final Map<String, Item> items = new HashMap<>();

  public Item get(String key) {
    return items.get(key);
  }

  public int size() {
    return items.size();
  }

  public Set<String> keys() {
    return items.keySet();
  }

  /** Records a put; returns the change to deliver, or null when the listener already has it. */
  public Change put(String key, Item item) {
    Item old = items.put(key, item);
    if (old != null && old.version == item.version && old.order == item.order && Arrays.equals(old.value, item.value)) {
      return null; // same write (a delete + re-create with the same value has a new order)
    }
    return new Change(key, item.value, item.version, item.ephemeral, item.order);
  }

  /** Records a delete; returns the change to deliver, or null when the key was not delivered. */
  public Change delete(String key, long version) {
    Item old = items.remove(key);
    return old == null ? null : new Change(key, null, version, old.ephemeral);
  }

  /**
   * Replaces the view by a full read: returns puts for new/changed keys and deletes for keys gone,
   * sorted by key. Keys in {@code keep} (skipped in this read, e.g. now oversized) keep their old
   * value and are not deleted.
   */
  public List<Change> resync(Map<String, Item> fresh, Set<String> keep, long deleteVersion) {
    List<Change> out = new ArrayList<>();
    Map<String, Item> sorted = new TreeMap<>(fresh);
    for (Map.Entry<String, Item> e : sorted.entrySet()) {
      Change c = put(e.getKey(), e.getValue());
      if (c != null) {
        out.add(c);
      }
    }
    List<String> gone = new ArrayList<>();
    for (String k : items.keySet()) {
      if (!fresh.containsKey(k) && !keep.contains(k)) {
        gone.add(k);
      }
    }
    gone.sort(null);
    for (String k : gone) {
      out.add(delete(k, deleteVersion));
    }
    return out;
  }
}
