package dev.switchboard.control;

/**
 * The activation state of one plugin in one host (docs/reference.md §1).
 *
 * <pre>
 * INACTIVE → FETCHING → LOADING → STARTING → ACTIVE → STOPPING → INACTIVE
 *                 \          \          \                  \
 *                  └──────────┴──────────┴──→ FAILED ←──────┘
 * </pre>
 *
 * {@code FETCHING} happens in the sidecar (download and verify); the runtime reports the rest.
 * {@code FAILED} carries an error text; a later activation leaves it.
 */
public enum PluginState {
  INACTIVE,
  FETCHING,
  LOADING,
  STARTING,
  ACTIVE,
  STOPPING,
  FAILED
}
