package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.ControlException;
import dev.switchboard.control.PluginState;
import dev.switchboard.sidecar.artifact.ArtifactException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every value the {@code reason} label of {@code switchboard_reconcile_failures_total} can take: the metrics register
 * each at 0 for a plugin as soon as the plugin is known, so the first failure shows in {@code rate()}/{@code increase()}.
 *
 * <ul>
 *   <li>{@code fetch_<code>}: the artifact cache failed ({@link ArtifactException.Code});</li>
 *   <li>{@code control_<code>}: the control channel failed ({@link ControlException.Code});</li>
 *   <li>{@code runtime_<state>}: the runtime answered with another state than the one asked for ({@link PluginState});</li>
 *   <li>{@code runtime_refused}: the runtime refused the activation for good (restart policy);</li>
 *   <li>{@code error}: anything else.</li>
 * </ul>
 */
public final class FailureReasons {
  private static final List<String> ALL = build();

  private FailureReasons() {}

  private static List<String> build() {
    List<String> all = new ArrayList<>();
    for (ArtifactException.Code c : ArtifactException.Code.values()) all.add(of("fetch_", c.name()));
    for (ControlException.Code c : ControlException.Code.values()) all.add(of("control_", c.name()));
    for (PluginState s : PluginState.values()) all.add(of("runtime_", s.name()));
    all.add("runtime_refused");
    all.add("error");
    return List.copyOf(all);
  }

  private static String of(String prefix, String name) {
    return prefix + name.toLowerCase(Locale.ROOT);
  }

  /** All reasons, in a stable order. */
  public static List<String> all() {
    return ALL;
  }

  /** The reason for a failed fetch or control operation. */
  static String of(Throwable t) {
    if (t instanceof ArtifactException a) return of("fetch_", a.code().name());
    if (t instanceof ControlException c) return of("control_", c.code().name());
    return "error";
  }

  /** The reason when the runtime answered {@code state} instead of the state asked for. */
  static String runtime(PluginState state) {
    return of("runtime_", state.name());
  }
}
