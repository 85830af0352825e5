package dev.switchboard.cli.fleet;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Which status rows an operator asked for: a service, a plugin, a set of states and a node pattern ({@code *} any
 * characters, {@code ?} one). Null (or empty) parts match everything. Immutable.
 */
public final class FleetFilter {
  /** Plugin states as published in the status keys. */
  public static final List<String> STATES = List.of("INACTIVE", "FETCHING", "LOADING", "STARTING", "ACTIVE", "STOPPING", "FAILED");

  private static final FleetFilter ALL = new FleetFilter(null, null, Set.of(), null);

  private final String service;
  private final String plugin;
  private final Set<String> states;
  private final Pattern node;
  private final String nodeGlob;

  private FleetFilter(String service, String plugin, Set<String> states, String nodeGlob) {
    this.service = service;
    this.plugin = plugin;
    this.states = Set.copyOf(states);
    this.nodeGlob = nodeGlob;
    this.node = nodeGlob == null ? null : glob(nodeGlob);
  }

  public static FleetFilter all() {
    return ALL;
  }

  /**
   * @param states state names in any case; each must be one of {@link #STATES}
   * @throws IllegalArgumentException naming the value when a state is unknown or the node pattern is empty
   */
  public static FleetFilter of(String service, String plugin, List<String> states, String nodeGlob) {
    Set<String> s = new TreeSet<>();
    if (states != null) {
      for (String raw : states) {
        String st = raw.strip().toUpperCase(Locale.ROOT);
        if (!STATES.contains(st)) {
          throw new IllegalArgumentException("--state: unknown state '" + raw + "' (one of " + String.join(", ", STATES) + ")");
        }
        s.add(st);
      }
    }
    if (nodeGlob != null && nodeGlob.isBlank()) throw new IllegalArgumentException("--node: empty pattern");
    return new FleetFilter(blankToNull(service), blankToNull(plugin), s, nodeGlob);
  }

  private static String blankToNull(String v) {
    return v == null || v.isBlank() ? null : v;
  }

  /** Whether a node of a service is shown at all (service and node pattern). */
  public boolean node(String serviceName, String nodeName) {
    return (service == null || service.equals(serviceName)) && (node == null || node.matcher(nodeName).matches());
  }

  /** Whether one plugin's status row on a shown node is shown (plugin and state). */
  public boolean plugin(String pluginName, String state) {
    return (plugin == null || plugin.equals(pluginName)) && (states.isEmpty() || states.contains(state));
  }

  /** True when only the service and node pattern narrow the rows (nodes without plugin rows stay visible). */
  public boolean narrowsPlugins() {
    return plugin != null || !states.isEmpty();
  }

  /** The service when one is asked for (the status prefix to read), else null. */
  public String service() {
    return service;
  }

  static Pattern glob(String g) {
    StringBuilder b = new StringBuilder();
    for (char c : g.toCharArray()) {
      if (c == '*') b.append(".*");
      else if (c == '?') b.append('.');
      else b.append(Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(b.toString());
  }

  @Override
  public String toString() {
    return "FleetFilter[service=" + service + ", plugin=" + plugin + ", states=" + states + ", node=" + nodeGlob + "]";
  }
}
