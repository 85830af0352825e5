package dev.switchboard.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The states of the plugins in this JVM as the runtime last reported them, readable by the host
 * (for example a health or actuator endpoint) without any access to the runtime itself. The runtime
 * publishes every state change here; hosts only read. Empty until a runtime is attached.
 */
public final class PluginStates {
  private static final Map<String, State> STATES = new TreeMap<>(); // guarded by STATES

  private PluginStates() {}

  /**
   * One plugin's last reported state.
   *
   * @param pluginId plugin id
   * @param state {@code LOADING}, {@code STARTING}, {@code ACTIVE}, {@code STOPPING}, {@code INACTIVE} or {@code FAILED}
   * @param version the running (or last) version, or null
   * @param error the last failure, or null
   * @param since when the state was entered (ISO-8601), or null
   */
  public record State(String pluginId, String state, String version, String error, String since) {
    public State {
      Objects.requireNonNull(pluginId, "pluginId == null");
      Objects.requireNonNull(state, "state == null");
    }
  }

  /** Runtime side: records a plugin's new state. */
  public static void publish(State s) {
    Objects.requireNonNull(s, "state == null");
    synchronized (STATES) {
      STATES.put(s.pluginId(), s);
    }
  }

  /** Every plugin's last state, by plugin id. */
  public static List<State> all() {
    synchronized (STATES) {
      return List.copyOf(new ArrayList<>(STATES.values()));
    }
  }
}
