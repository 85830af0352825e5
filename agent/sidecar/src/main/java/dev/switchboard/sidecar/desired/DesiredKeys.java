package dev.switchboard.sidecar.desired;

/** Key paths of docs/reference.md §1. {@code root} has no trailing slash ({@code /switchboard}). */
public final class DesiredKeys {
  public static final String ENABLED = "enabled";
  public static final String ARTIFACT = "artifact";
  public static final String CONFIG = "config";
  public static final String ROLLOUT = "rollout";
  public static final String CANARY = "canary";
  public static final String TRAFFIC = "traffic";

  private DesiredKeys() {}

  /** Normalizes a configured root: leading slash, no trailing slash. */
  public static String normalizeRoot(String root) {
    String r = root.strip();
    if (!r.startsWith("/")) r = "/" + r;
    while (r.length() > 1 && r.endsWith("/")) r = r.substring(0, r.length() - 1);
    if (r.equals("/")) throw new IllegalArgumentException("root must not be '/': " + root);
    return r;
  }

  public static String servicePrefix(String root, String service) {
    return root + "/services/" + service + "/";
  }

  public static String pluginKey(String root, String service, String plugin, String leaf) {
    return servicePrefix(root, service) + "plugins/" + plugin + "/" + leaf;
  }

  public static String overrideKey(String root, String service, String node, String plugin) {
    return servicePrefix(root, service) + "nodes/" + node + "/plugins/" + plugin + "/" + ENABLED;
  }

  public static String statusPrefix(String root) {
    return root + "/status/";
  }

  public static String agentStatusKey(String root, String service, String node) {
    return root + "/status/" + service + "/" + node + "/agent";
  }

  public static String pluginStatusKey(String root, String service, String node, String plugin) {
    return root + "/status/" + service + "/" + node + "/plugins/" + plugin;
  }
}
