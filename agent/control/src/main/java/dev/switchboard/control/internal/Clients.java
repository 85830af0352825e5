package dev.switchboard.control.internal;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.RuntimeClient;

/** Factory for the default {@link RuntimeClient}; replaced by the real client in the runtime work. */
public final class Clients {
  private Clients() {}

  public static RuntimeClient create(RuntimeClient.Builder builder) {
    return pid -> {
      throw new ControlException(ControlException.Code.ATTACH_UNAVAILABLE, "runtime client not built yet");
    };
  }
}
