package dev.switchboard.sidecar.desired;

import java.util.Objects;

/** A store value that was refused: the key and why. */
public record KeyError(String key, String reason) {
  public KeyError {
    Objects.requireNonNull(key, "key == null");
    Objects.requireNonNull(reason, "reason == null");
  }

  @Override
  public String toString() {
    return key + ": " + reason;
  }
}
