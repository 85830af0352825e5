package dev.switchboard.cli.dev;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * Files that changed and have not settled yet. A file settles once its size and modification time stayed
 * the same for the quiet period (a writer that keeps appending keeps it pending); a file that disappeared is
 * reported as gone. Not thread-safe: the development loop's one thread uses it.
 */
public final class Settle {
  /** Size and modification time of a file (nanoseconds of the file system's clock are enough). */
  public record Stat(long size, long modifiedNanos) {}

  /** What {@link #poll} found. */
  public record Outcome(List<String> settled, List<String> gone) {}

  private static final class Pending {
    Stat last;
    long sameSince;

    Pending(Stat last, long sameSince) {
      this.last = last;
      this.sameSince = sameSince;
    }
  }

  private final long quietNanos;
  private final Map<String, Pending> pending = new LinkedHashMap<>();

  public Settle(Duration quiet) {
    Objects.requireNonNull(quiet, "quiet == null");
    if (quiet.isNegative()) throw new IllegalArgumentException("quiet < 0: " + quiet);
    this.quietNanos = quiet.toNanos();
  }

  /** {@code name} changed (an event, or the first scan): it is pending until it settles again. */
  public void touch(String name, long nowNanos) {
    Pending p = pending.get(name);
    if (p == null) {
      pending.put(name, new Pending(null, nowNanos));
    } else {
      p.sameSince = nowNanos;
    }
  }

  public boolean isPending(String name) {
    return pending.containsKey(name);
  }

  public int size() {
    return pending.size();
  }

  /**
   * Checks every pending file with {@code stat} (empty when the file does not exist); returns the files
   * that settled (removed from the pending set) and those that are gone.
   */
  public Outcome poll(long nowNanos, Function<String, Optional<Stat>> stat) {
    List<String> settled = new ArrayList<>();
    List<String> gone = new ArrayList<>();
    for (Iterator<Map.Entry<String, Pending>> it = pending.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Pending> e = it.next();
      Optional<Stat> now = stat.apply(e.getKey());
      Pending p = e.getValue();
      if (now.isEmpty()) {
        it.remove();
        gone.add(e.getKey());
      } else if (!now.get().equals(p.last)) {
        p.last = now.get();
        p.sameSince = nowNanos;
      } else if (nowNanos - p.sameSince >= quietNanos) {
        it.remove();
        settled.add(e.getKey());
      }
    }
    return new Outcome(settled, gone);
  }
}
