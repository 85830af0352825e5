package dev.switchboard.sidecar.reconcile;

import dev.switchboard.sidecar.desired.ArtifactRef;

/**
 * Decides on the {@link Reconciler}'s loop thread, before the fetch, whether an artifact may be loaded for a plugin
 * (signatures); throws to refuse, with a message that is the plugin's error.
 */
public interface ArtifactGate {
  ArtifactGate OPEN = (plugin, artifact) -> {};

  void admit(String plugin, ArtifactRef artifact);
}
