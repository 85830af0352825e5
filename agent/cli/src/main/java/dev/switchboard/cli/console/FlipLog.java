package dev.switchboard.cli.console;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The flips of the last minutes, found by comparing successive views of the fleet: a flag (a desired-state key)
 * that changed value, and a plugin on a node whose state or version changed (or whose status appeared or went
 * away). The first view is the baseline and records nothing. Changes that happen between two views are seen as
 * one (ACTIVE → STOPPING → INACTIVE within one view interval shows as ACTIVE → INACTIVE). Keeps at most
 * {@code max} flips no older than {@code window}. Not thread-safe: one feed thread owns it.
 */
final class FlipLog {
  /** How a value that is not there reads in a flip. */
  static final String ABSENT = "(none)";
  private static final int MAX_VALUE_CHARS = 80;

  /**
   * One flip.
   *
   * @param kind {@code flag} (a desired-state key; {@code node} is null unless it is a per-node override) or
   *     {@code state} (a plugin on a node)
   * @param what the key's leaf for a flag ({@code enabled}, {@code rollout}, ...), {@code state} or {@code version}
   */
  record Flip(Instant at, String kind, String service, String node, String plugin, String what, String from, String to) {
    Flip {
      Objects.requireNonNull(at, "at == null");
      Objects.requireNonNull(kind, "kind == null");
    }
  }

  /** What the log compares of one plugin on one node. */
  record PluginState(String state, String version) {}

  private final Duration window;
  private final int max;
  private final Deque<Flip> flips = new ArrayDeque<>();
  private Map<String, PluginState> lastStatus;
  private Map<String, String> lastFlags;

  FlipLog(Duration window, int max) {
    if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be > 0: " + window);
    if (max < 1) throw new IllegalArgumentException("max must be >= 1: " + max);
    this.window = window;
    this.max = max;
  }

  /**
   * Compares a view with the previous one and records what flipped.
   *
   * @param status plugin state by {@code service/node/plugin}
   * @param flags desired-state value by key relative to {@code <root>/services/}
   */
  void observe(Instant now, Map<String, PluginState> status, Map<String, String> flags) {
    if (lastStatus != null) {
      // flags first: a flag and the state changes it caused, seen in one view, list the states as newer
      for (String k : union(lastFlags.keySet(), flags.keySet())) {
        String was = lastFlags.get(k);
        String is = flags.get(k);
        if (Objects.equals(was, is)) continue;
        add(flagFlip(now, k, orAbsent(was), orAbsent(is)));
      }
      for (String k : union(lastStatus.keySet(), status.keySet())) {
        PluginState was = lastStatus.get(k);
        PluginState is = status.get(k);
        if (Objects.equals(was, is)) continue;
        String[] p = k.split("/", 3);
        if (was == null || is == null || !was.state().equals(is.state())) {
          add(new Flip(now, "state", p[0], p[1], p[2], "state", was == null ? ABSENT : was.state(), is == null ? ABSENT : is.state()));
        } else {
          add(new Flip(now, "state", p[0], p[1], p[2], "version", orAbsent(was.version()), orAbsent(is.version())));
        }
      }
    }
    lastStatus = Map.copyOf(status);
    lastFlags = Map.copyOf(flags);
    prune(now);
  }

  /** {@code <service>/plugins/<plugin>/<leaf>} or {@code <service>/nodes/<node>/plugins/<plugin>/<leaf>}. */
  private static Flip flagFlip(Instant now, String key, String from, String to) {
    String[] p = key.split("/");
    if (p.length == 4 && p[1].equals("plugins")) return new Flip(now, "flag", p[0], null, p[2], p[3], from, to);
    if (p.length == 6 && p[1].equals("nodes") && p[3].equals("plugins")) return new Flip(now, "flag", p[0], p[2], p[4], p[5], from, to);
    return new Flip(now, "flag", p[0], null, null, key, from, to);
  }

  private static String orAbsent(String v) {
    if (v == null) return ABSENT;
    String s = v.strip();
    return s.length() > MAX_VALUE_CHARS ? s.substring(0, MAX_VALUE_CHARS - 1) + "…" : s;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return new java.util.TreeSet<>(all);
  }

  private void add(Flip f) {
    flips.addFirst(f);
    while (flips.size() > max) flips.removeLast();
  }

  /** Drops flips older than the window; true when something was dropped. */
  boolean prune(Instant now) {
    Instant oldest = now.minus(window);
    boolean dropped = false;
    while (!flips.isEmpty() && flips.peekLast().at().isBefore(oldest)) {
      flips.removeLast();
      dropped = true;
    }
    return dropped;
  }

  /** Newest first. */
  List<Flip> recent() {
    return new ArrayList<>(flips);
  }

  Duration window() {
    return window;
  }
}
