package dev.switchboard.control;

import java.util.Objects;

/**
 * Asks the runtime to make {@code pluginId} run the given jar. If another version (or sha256) of
 * the plugin is active, the runtime upgrades: starts the new one beside it, swaps, drains and
 * unloads the old. If the same sha256 is active, only the config is applied (reconfigure).
 *
 * @param pluginId plugin id (must equal the descriptor's {@code id})
 * @param jarPath absolute path of the jar, readable by the host process
 * @param sha256 expected sha256 of the jar (64 lowercase hex); verified again by the runtime
 * @param configJson JSON object text, or {@code "{}"}
 */
public record ActivateRequest(String pluginId, String jarPath, String sha256, String configJson) {
  public ActivateRequest {
    Objects.requireNonNull(pluginId, "pluginId == null");
    Objects.requireNonNull(jarPath, "jarPath == null");
    Objects.requireNonNull(sha256, "sha256 == null");
    configJson = configJson == null ? "{}" : configJson;
  }
}
