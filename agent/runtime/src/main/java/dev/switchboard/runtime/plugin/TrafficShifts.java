package dev.switchboard.runtime.plugin;

import dev.switchboard.api.runtime.TrafficSplit;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.TrafficRequest;
import dev.switchboard.control.UnloadOutcome;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The traffic operations of a {@link PluginManagerImpl} (see {@link PluginManager#traffic}): a second version
 * started beside the active instance with calls shared, rerouted, promoted or aborted. Runs inside the slot's
 * operation chain like every other operation on a plugin.
 */
final class TrafficShifts {
  private static final System.Logger LOG = dev.switchboard.control.server.Logs.get("switchboard.runtime.plugins");

  private final SlotHost m;
  private final PluginUpgrades upgrades;
  private final Map<String, PluginSlot> slots;
  private final UnloadWatcher watcher;

  TrafficShifts(SlotHost m, PluginUpgrades upgrades, Map<String, PluginSlot> slots, UnloadWatcher watcher) {
    this.m = m;
    this.upgrades = upgrades;
    this.slots = slots;
    this.watcher = watcher;
  }

  CompletableFuture<PluginStatus> traffic(TrafficRequest req) {
    PluginSlot slot = slots.get(req.pluginId());
    if (slot == null || !m.open()) {
      return CompletableFuture.completedFuture(PluginSlot.failed(req.pluginId(), null, null,
          "traffic: " + req.pluginId() + " is not active (activate its first version before sharing calls)"));
    }
    return m.submit(slot, () -> doTraffic(slot, req));
  }

  private PluginStatus doTraffic(PluginSlot slot, TrafficRequest req) {
    PluginInstance cur = slot.active;
    if (cur == null) {
      return PluginSlot.failed(slot.id, null, null,
          "traffic: " + slot.id + " is not active (activate its first version before sharing calls)");
    }
    TrafficSplits.Live live = slot.traffic;
    if (req.action() != TrafficRequest.Action.SPLIT) {
      if (live == null) {
        return PluginSlot.failed(slot.id, cur.version, cur.sha256, "traffic " + req.action().name().toLowerCase(Locale.ROOT)
            + ": " + slot.id + " runs one version only (" + cur.version + ")");
      }
      slot.traffic = null;
      if (req.action() == TrafficRequest.Action.PROMOTE) {
        live.secondary().takeOver(cur);
        slot.active = live.secondary();
        return upgrades.retire(slot, cur, live.secondary());
      }
      cur.takeOver(live.secondary());
      return upgrades.retire(slot, live.secondary(), cur);
    }
    if (live != null && live.secondary().sha256.equalsIgnoreCase(req.jar().sha256())) {
      try {
        live.secondary().reroute(TrafficSplits.split(req, cur.version, live.secondary().version));
      } catch (IllegalArgumentException e) {
        return PluginSlot.failed(slot.id, cur.version, cur.sha256, "traffic: " + e.getMessage());
      }
      slot.traffic = new TrafficSplits.Live(cur, live.secondary(), req);
      return m.emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, null, slot.keepUnload(), slot.keepLeaked()));
    }
    endSplit(slot); // another second version: the one beside the active instance goes first
    return startBeside(slot, cur, req);
  }

  private PluginStatus startBeside(PluginSlot slot, PluginInstance cur, TrafficRequest req) {
    String what = "traffic to " + req.jar().sha256().substring(0, 12);
    PluginInstance next;
    try {
      next = m.load(req.jar());
    } catch (PluginRefusedException e) {
      return upgrades.refusedWhileActive(slot, cur, null, req.jar().sha256(), what, e.getMessage(), e.permanent());
    }
    TrafficSplit split;
    try {
      split = TrafficSplits.split(req, cur.version, next.version);
    } catch (IllegalArgumentException e) {
      next.discard();
      return PluginSlot.failed(slot.id, next.version, next.sha256, "traffic: " + e.getMessage())
          .withRefusal(new Refusal(true, true));
    }
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      m.resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      return upgrades.refusedWhileActive(slot, cur, next.version, next.sha256, "traffic to " + next.version, failedStart.failure(), false);
    }
    next.publishBeside(cur, split);
    slot.traffic = new TrafficSplits.Live(cur, next, req);
    return m.emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, null, slot.keepUnload(), slot.keepLeaked()));
  }

  /** Ends a split before another operation: the instance beside the active one is removed, drained and unloaded. */
  void endSplit(PluginSlot slot) {
    TrafficSplits.Live live = slot.traffic;
    if (live == null) {
      return;
    }
    slot.traffic = null;
    live.primary().takeOver(live.secondary());
    PluginInstance.Teardown t = live.secondary().stop(watcher);
    LOG.log(System.Logger.Level.INFO, "traffic split of " + slot.id + " ended: " + live.secondary().version + " removed"
        + (t.failure() == null ? "" : " (" + t.failure() + ")"));
    m.resolveLater(slot, -1, t.unload(), UnloadOutcome.PENDING);
  }

  /** See {@link PluginManager#trafficFigures()}. */
  Map<String, Object> figures() {
    Map<String, Object> out = new TreeMap<>();
    for (PluginSlot s : slots.values()) {
      TrafficSplits.Live live = s.traffic;
      if (live != null) {
        out.put(s.id, TrafficSplits.figures(live));
      }
    }
    return out;
  }
}
