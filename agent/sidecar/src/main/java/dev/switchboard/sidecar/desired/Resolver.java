package dev.switchboard.sidecar.desired;

import java.util.ArrayList;
import java.util.List;

/**
 * Resolution on a node exactly as docs/reference.md §1: a per-node override wins; otherwise the plugin is
 * desired when {@code enabled} is true and the node is inside {@code rollout} (absent = every
 * node). The artifact is the canary's for nodes inside the canary, else {@code artifact}; a {@code traffic} key adds
 * a second version live beside it with calls shared.
 */
public final class Resolver {
  private Resolver() {}

  public static Resolution resolve(PluginSpec spec, String root, String node) {
    String service = spec.service();
    String plugin = spec.plugin();
    Boolean override = spec.overrides().get(node);
    boolean desired;
    if (override != null) {
      desired = override;
    } else {
      desired =
          Boolean.TRUE.equals(spec.enabled())
              && (spec.rollout() == null || spec.rollout().contains(service, plugin, node, Membership.ROLLOUT_SALT));
    }
    boolean inCanary =
        spec.canary() != null && spec.canary().selection().contains(service, plugin, node, Membership.CANARY_SALT);
    ArtifactRef artifact = inCanary ? spec.canary().artifact() : spec.artifact();

    List<String> problems = new ArrayList<>();
    String overrideKey = DesiredKeys.overrideKey(root, service, node, plugin);
    for (KeyError e : spec.errors()) {
      if (!e.key().contains("/nodes/") || e.key().equals(overrideKey)) {
        problems.add(e + " (last valid value kept)");
      }
    }
    if (desired && artifact == null) {
      String key = inCanary
          ? DesiredKeys.pluginKey(root, service, plugin, DesiredKeys.CANARY)
          : DesiredKeys.pluginKey(root, service, plugin, DesiredKeys.ARTIFACT);
      problems.add(key + ": desired but no valid artifact");
    }
    Traffic traffic = traffic(spec, root, artifact, problems);
    String config = spec.configJson() == null ? "{}" : spec.configJson();
    return new Resolution(plugin, desired, artifact, config, inCanary, problems.isEmpty() ? null : String.join("; ", problems),
        desired ? traffic : null);
  }

  /**
   * The split in force beside {@code artifact}: none without a {@code traffic} key or an artifact, none when the key's
   * second artifact is {@code artifact} itself (a promotion in progress); a key whose versions do not name {@code
   * artifact}'s version is a problem (the plugin runs {@code artifact} alone).
   */
  private static Traffic traffic(PluginSpec spec, String root, ArtifactRef artifact, List<String> problems) {
    Traffic t = spec.traffic();
    if (t == null || artifact == null || t.artifact().sha256().equals(artifact.sha256())) return null;
    String key = DesiredKeys.pluginKey(root, spec.service(), spec.plugin(), DesiredKeys.TRAFFIC);
    if (artifact.version() == null || artifact.version().equals(t.secondVersion()) || !t.weights().containsKey(artifact.version())) {
      problems.add(key + ": the versions " + t.weights().keySet() + " must name the running artifact's version "
          + artifact.versionText() + " and another one (" + artifact.versionText() + " runs alone)");
      return null;
    }
    return t;
  }
}
