package dev.switchboard.sidecar.reconcile;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.TrafficRequest;
import dev.switchboard.sidecar.desired.Resolution;
import dev.switchboard.sidecar.desired.Traffic;
import java.nio.file.Path;
import java.util.Map;

/**
 * The reconciler's decisions for two versions live (pure functions of the slot's desired and actual state).
 *
 * <pre>
 *   desired (runnable)               runtime runs                         operation
 *   artifact A, no traffic           A + second A' (split)                ABORT
 *   artifact B, no traffic           A + second B                         PROMOTE (B alone)
 *   artifact A (config C)            other than A with C                  ACTIVATE (ends a split first)
 *   artifact A + traffic T           A with C, no split or another split  SPLIT (T)
 *   artifact A + traffic T           A with C + the split T               nothing
 * </pre>
 */
final class TrafficSteps {
  private TrafficSteps() {}

  /** {@code r}'s traffic, or null when it has none or names {@code r}'s artifact as its second version (a promotion). */
  static Traffic effective(Resolution r) {
    Traffic t = r.traffic();
    return t == null || r.artifact() == null || t.artifact().sha256().equals(r.artifact().sha256()) ? null : t;
  }

  /** What ends or keeps a split before the one-version decision; null: decide as for one version. */
  static Reconciler.Op finish(Resolution r, LiveSplit split, PluginStatus actual) {
    if (split == null || effective(r) != null) return null;
    if (split.secondSha256().equals(r.artifact().sha256())) return Reconciler.Op.PROMOTE;
    if (actual != null && actual.state() == PluginState.ACTIVE && r.artifact().sha256().equals(actual.sha256())) {
      return Reconciler.Op.ABORT;
    }
    return null;
  }

  /** With the first version as desired: SPLIT when the runtime's split differs from {@code r}'s traffic. */
  static Reconciler.Op split(Resolution r, LiveSplit split) {
    Traffic t = effective(r);
    if (t == null) return split == null ? Reconciler.Op.NONE : Reconciler.Op.ACTIVATE;
    return LiveSplit.of(t).equals(split) ? Reconciler.Op.NONE : Reconciler.Op.SPLIT;
  }

  static TrafficRequest request(String plugin, Reconciler.Op op, Resolution r, Path secondJar) {
    return switch (op) {
      case SPLIT -> {
        Traffic t = r.traffic();
        ActivateRequest second = new ActivateRequest(plugin, secondJar.toAbsolutePath().toString(), t.artifact().sha256(), r.configJson());
        yield new TrafficRequest(plugin, TrafficRequest.Action.SPLIT, second, t.weights(), t.hashKey(), t.pinHeader(), t.pins());
      }
      case PROMOTE -> TrafficRequest.finish(plugin, TrafficRequest.Action.PROMOTE);
      case ABORT -> TrafficRequest.finish(plugin, TrafficRequest.Action.ABORT);
      default -> throw new IllegalArgumentException("not a traffic operation: " + op);
    };
  }

  /**
   * The split after the runtime answered {@code op} ({@code ok}: as asked): an activation or deactivation ends a split
   * in the runtime whatever its outcome; a refused split of another second jar ended the previous one first.
   */
  static LiveSplit after(Reconciler.Op op, boolean ok, LiveSplit before, Resolution r) {
    return switch (op) {
      case SPLIT -> ok ? LiveSplit.of(r.traffic())
          : before != null && before.secondSha256().equals(r.traffic().artifact().sha256()) ? before : null;
      case NONE -> before;
      default -> null;
    };
  }

  /** The runtime's splits by plugin from its {@code stats} ({@code traffic} entry), given each plugin's status. */
  static LiveSplit readopted(Map<String, Object> stats, PluginStatus status) {
    if (stats == null || !(stats.get("traffic") instanceof Map<?, ?> traffic)) return null;
    return LiveSplit.fromFigures(traffic.get(status.pluginId()), status.sha256());
  }
}
