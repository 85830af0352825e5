package dev.switchboard.sidecar.status;

import java.util.Map;

/**
 * The agent's status key value (docs/reference.md §1): {@code {"agentVersion", "runtimeVersion", "hostPid",
 * "hostJava", "attached", "stores", "since"}}, plus {@code "missingExports"} when the runtime could
 * not find some of the host packages asked for as exports.
 *
 * @param hostPid pid of the attached host, or null
 * @param stores store name to {@code connected}/{@code connecting}/{@code disconnected}/{@code closed}
 * @param missingExports exports ({@code host.exports}) no class loader of the host defines, by name
 */
public record AgentStatus(
    String agentVersion,
    String runtimeVersion,
    Long hostPid,
    String hostJava,
    boolean attached,
    Map<String, String> stores,
    String since,
    java.util.List<String> missingExports) {
  public AgentStatus {
    stores = Map.copyOf(stores);
    missingExports = java.util.List.copyOf(missingExports);
  }

  public AgentStatus(String agentVersion, String runtimeVersion, Long hostPid, String hostJava, boolean attached,
      Map<String, String> stores, String since) {
    this(agentVersion, runtimeVersion, hostPid, hostJava, attached, stores, since, java.util.List.of());
  }
}
