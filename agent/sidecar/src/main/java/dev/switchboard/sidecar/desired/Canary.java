package dev.switchboard.sidecar.desired;

import java.util.Objects;

/** Another artifact for the nodes inside {@code selection}. */
public record Canary(ArtifactRef artifact, Selection selection) {
  public Canary {
    Objects.requireNonNull(artifact, "artifact == null");
    Objects.requireNonNull(selection, "selection == null");
  }
}
