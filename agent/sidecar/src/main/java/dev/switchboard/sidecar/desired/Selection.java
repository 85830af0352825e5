package dev.switchboard.sidecar.desired;

import java.util.List;
import java.util.Set;

/**
 * Which nodes a rollout or canary covers: a percent (0..100) or an explicit node list.
 *
 * @param percent percent, or null when {@code nodes} is used
 * @param nodes node names, or null when {@code percent} is used
 */
public record Selection(Integer percent, Set<String> nodes) {
  public Selection {
    if ((percent == null) == (nodes == null)) {
      throw new IllegalArgumentException("exactly one of percent, nodes: " + percent + ", " + nodes);
    }
    if (percent != null && (percent < 0 || percent > 100)) {
      throw new IllegalArgumentException("percent outside 0..100: " + percent);
    }
    nodes = nodes == null ? null : Set.copyOf(nodes);
  }

  public static Selection percent(int percent) {
    return new Selection(percent, null);
  }

  public static Selection nodes(List<String> nodes) {
    return new Selection(null, Set.copyOf(nodes));
  }

  public boolean contains(String service, String plugin, String node, String salt) {
    if (nodes != null) return nodes.contains(node);
    return Membership.inside(service, plugin, node, salt, percent);
  }
}
