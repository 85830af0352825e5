package dev.switchboard.runtime.control;

import dev.switchboard.runtime.plugin.PluginManagerConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The host's own choice of unload-check policy, from system properties of the host JVM (set with
 * {@code -D} on the host's command line, read once when the plugin manager is built):
 *
 * <ul>
 *   <li>{@value #GC_DELAY}: {@code off} (never force a collection) or a duration such as {@code
 *       10s} (quiet period before one explicit collection for a loader still pending);
 *   <li>{@value #GC_INTERVAL}: least time between two explicit collections, e.g. {@code 60s};
 *   <li>{@value #WAIT}: how long {@code deactivate} waits for the outcome ({@code 0}: never);
 *   <li>{@value #TIMEOUT}: after how long a loader still reachable after an explicit collection is
 *       named {@code leaked}.
 * </ul>
 *
 * Durations: a whole number with {@code ms}, {@code s} or {@code m}, or {@code 0}. A value that
 * does not parse is reported (property, value, why) and the default is kept.
 */
final class UnloadSettings {
  static final String GC_DELAY = "switchboard.unload.gcDelay";
  static final String GC_INTERVAL = "switchboard.unload.gcInterval";
  static final String WAIT = "switchboard.unload.wait";
  static final String TIMEOUT = "switchboard.unload.timeout";
  private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m)?");

  private UnloadSettings() {}

  /** Applies the properties found by {@code props} to {@code b}; returns the problems (empty when none). */
  static List<String> apply(PluginManagerConfig.Builder b, UnaryOperator<String> props) {
    List<String> problems = new ArrayList<>();
    String delay = props.apply(GC_DELAY);
    if (delay != null) {
      if (delay.trim().equalsIgnoreCase("off")) {
        b.unloadGcDelay(null);
      } else {
        Duration d = parse(GC_DELAY, delay, problems);
        if (d != null) b.unloadGcDelay(d);
      }
    }
    Duration interval = parse(GC_INTERVAL, props.apply(GC_INTERVAL), problems);
    if (interval != null) b.unloadGcInterval(interval);
    Duration wait = parse(WAIT, props.apply(WAIT), problems);
    if (wait != null) b.collectWait(wait);
    Duration timeout = parse(TIMEOUT, props.apply(TIMEOUT), problems);
    if (timeout != null) {
      if (timeout.isZero()) problems.add(TIMEOUT + "=" + props.apply(TIMEOUT) + ": must be > 0 (default kept)");
      else b.collectTimeout(timeout);
    }
    return problems;
  }

  /** Null when absent or invalid (then a problem naming property and value is added). */
  static Duration parse(String property, String raw, List<String> problems) {
    if (raw == null) return null;
    Matcher m = DURATION.matcher(raw.trim());
    if (!m.matches()) {
      problems.add(property + "='" + raw + "': not a duration like 500ms, 10s, 2m or 0 (default kept)");
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2);
    if (unit == null) {
      if (n != 0) {
        problems.add(property + "='" + raw + "': a duration needs a unit (ms, s, m) (default kept)");
        return null;
      }
      return Duration.ZERO;
    }
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      default -> Duration.ofMinutes(n);
    };
  }
}
