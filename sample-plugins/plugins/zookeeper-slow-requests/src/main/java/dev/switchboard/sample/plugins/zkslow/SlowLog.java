package dev.switchboard.sample.plugins.zkslow;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** The most recent slow requests (at most {@code keep}, oldest dropped first) and the counts, as JSON. Thread-safe. */
final class SlowLog {
  /** One recorded request; {@code path} is null for an operation without one. */
  record Slow(String op, String path, String session, long millis, String at) {
    Slow {
      if (op == null) throw new IllegalArgumentException("op == null");
    }

    String json() {
      return "{\"op\":\"" + escape(op) + "\",\"path\":" + (path == null ? "null" : "\"" + escape(path) + "\"") + ",\"session\":\""
          + escape(session) + "\",\"millis\":" + millis + ",\"at\":\"" + escape(at) + "\"}";
    }
  }

  private final Deque<Slow> slow = new ArrayDeque<>(); // guarded by itself
  private final AtomicLong timed = new AtomicLong();
  private final AtomicLong recorded = new AtomicLong();
  private int keep; // guarded by slow

  SlowLog(int keep) {
    resize(keep);
  }

  /** Keeps at most {@code keep} records from now on (dropping the oldest beyond it). */
  void resize(int keep) {
    if (keep < 1) throw new IllegalArgumentException("keep must be at least 1: " + keep);
    synchronized (slow) {
      this.keep = keep;
      while (slow.size() > keep) slow.removeFirst();
    }
  }

  /** One more request timed (recorded or not). */
  void timed() {
    timed.incrementAndGet();
  }

  void record(Slow s) {
    recorded.incrementAndGet();
    synchronized (slow) {
      slow.addLast(s);
      if (slow.size() > keep) slow.removeFirst();
    }
  }

  List<Slow> snapshot() {
    synchronized (slow) {
      return List.copyOf(slow);
    }
  }

  /** {@code {"plugin":..,"thresholdMillis":..,"keep":..,"timed":..,"recorded":..,"slow":[..]}}, oldest record first. */
  String json(String plugin, double thresholdMillis) {
    List<String> items = new ArrayList<>();
    int k;
    synchronized (slow) {
      k = keep;
      for (Slow s : slow) items.add(s.json());
    }
    return "{\"plugin\":\"" + escape(plugin) + "\",\"thresholdMillis\":" + thresholdMillis + ",\"keep\":" + k + ",\"timed\":"
        + timed.get() + ",\"recorded\":" + recorded.get() + ",\"slow\":[" + String.join(",", items) + "]}";
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      if (ch == '"' || ch == '\\') {
        b.append('\\').append(ch);
      } else if (ch < 0x20) {
        b.append(String.format("\\u%04x", (int) ch));
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }
}
