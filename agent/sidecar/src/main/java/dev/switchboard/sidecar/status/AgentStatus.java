package dev.switchboard.sidecar.status;

import java.util.Map;

/**
 * The agent's status key value (docs/reference.md §1): {@code {"agentVersion", "runtimeVersion", "hostPid",
 * "hostJava", "attached", "stores", "since"}}.
 *
 * @param hostPid pid of the attached host, or null
 * @param stores store name to {@code connected}/{@code connecting}/{@code disconnected}/{@code closed}
 */
public record AgentStatus(
    String agentVersion,
    String runtimeVersion,
    Long hostPid,
    String hostJava,
    boolean attached,
    Map<String, String> stores,
    String since) {
  public AgentStatus {
    stores = Map.copyOf(stores);
  }
}
