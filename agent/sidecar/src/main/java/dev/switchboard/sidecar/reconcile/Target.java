package dev.switchboard.sidecar.reconcile;

import dev.switchboard.sidecar.desired.Resolution;

/** A desired state for one plugin as observed at {@code observedNanos}, numbered by {@code generation}. */
record Target(Resolution resolution, boolean inStore, long generation, long observedNanos) {
  boolean sameDesire(Resolution r, boolean in) {
    return resolution.equals(r) && inStore == in;
  }
}
