package dev.switchboard.runtime.plugin;

import dev.switchboard.api.PluginConfig;
import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.UnloadOutcome;
import java.util.ArrayList;
import java.util.List;

/**
 * Replacing an active instance of a {@link PluginManagerImpl}'s plugin: upgrade (side by side or stop-first),
 * restart, live reconfigure, and retiring the instance that was replaced. Runs inside the slot's operation chain.
 */
final class PluginUpgrades {
  private final SlotHost host;
  private final UnloadWatcher watcher;

  PluginUpgrades(SlotHost host, UnloadWatcher watcher) {
    this.host = host;
    this.watcher = watcher;
  }

  /**
   * Upgrade or restart. Side-by-side (the default): start {@code req} beside {@code cur}, swap, then drain and
   * unload {@code cur}; a refused start leaves {@code cur} serving. Stop-first (the new jar's descriptor says
   * {@code "restart": "stop-first"}): drain and stop {@code cur}, then start {@code req} — nothing serves in
   * between, and a refused start leaves the plugin FAILED. Refusals before any plugin code runs (descriptor,
   * config, classes) leave {@code cur} serving under both policies.
   */
  PluginStatus replace(PluginSlot slot, PluginInstance cur, ActivateRequest req, String what) {
    PluginInstance next;
    try {
      next = host.load(req);
    } catch (PluginRefusedException e) {
      return refusedWhileActive(slot, cur, null, req.sha256(), what, e.getMessage(), e.permanent());
    }
    String attempt = !what.startsWith("upgrade") ? what
        : "upgrade to " + next.version + (cur.version.equals(next.version) ? " (" + next.sha256.substring(0, 12) + ")" : "");
    if (next.stopFirst) {
      return stopFirst(slot, cur, next, attempt);
    }
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      host.resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      return refusedWhileActive(slot, cur, next.version, next.sha256, attempt, failedStart.failure(), false);
    }
    next.publish(cur); // one snapshot swap per extension point: every call sees the old or the new
    slot.active = next;
    host.emit(slot, slot.status(PluginState.ACTIVE, next.version, next.sha256, null, slot.keepUnload(), List.of()));
    return retire(slot, cur, next);
  }

  private PluginStatus stopFirst(PluginSlot slot, PluginInstance cur, PluginInstance next, String attempt) {
    host.emit(slot, slot.status(PluginState.STOPPING, cur.version, cur.sha256, null, slot.keepUnload(), List.of()));
    PluginInstance.Teardown old = cur.stop(watcher);
    slot.active = null;
    long gen = ++slot.unloadGeneration;
    UnloadOutcome unload = host.await(old.unload());
    host.resolveLater(slot, gen, old.unload(), unload);
    String previous = previousNotes(cur, old);
    host.emit(slot, slot.status(PluginState.STARTING, next.version, next.sha256, null, unload, old.leakedThreads()));
    PluginInstance.Teardown failedStart = next.start(watcher);
    if (failedStart != null) {
      host.resolveLater(slot, -1, failedStart.unload(), UnloadOutcome.PENDING);
      String error = attempt + " failed: " + failedStart.failure() + " (stop-first: the previous " + cur.version
          + " was stopped before; nothing serves)" + (previous == null ? "" : "; " + previous);
      return host.emit(slot, slot.status(PluginState.FAILED, next.version, next.sha256, error, unload, old.leakedThreads())
          .withRefusal(new Refusal(false, false)));
    }
    next.publish(null);
    slot.active = next;
    return host.emit(slot, slot.status(PluginState.ACTIVE, next.version, next.sha256, previous, slot.keepUnload(),
        old.leakedThreads()));
  }

  /** Drains, stops and unloads {@code cur} after {@code next} took over. */
  PluginStatus retire(PluginSlot slot, PluginInstance cur, PluginInstance next) {
    PluginInstance.Teardown old = cur.stop(watcher);
    long gen = ++slot.unloadGeneration;
    UnloadOutcome unload = host.await(old.unload());
    PluginStatus s = host.emit(slot, slot.status(PluginState.ACTIVE, next.version, next.sha256, previousNotes(cur, old),
        unload, old.leakedThreads()));
    host.resolveLater(slot, gen, old.unload(), unload);
    return s;
  }

  private static String previousNotes(PluginInstance cur, PluginInstance.Teardown old) {
    List<String> notes = new ArrayList<>(old.problems());
    if (old.failure() != null) {
      notes.add(0, old.failure());
    }
    return notes.isEmpty() ? null : "previous " + cur.version + ": " + String.join("; ", notes);
  }

  PluginStatus reconfigure(PluginSlot slot, PluginInstance cur, ActivateRequest req, String canonical) {
    PluginConfig cfg;
    try {
      cfg = Descriptors.config(req.configJson(), cur.schema());
    } catch (PluginRefusedException e) {
      return configRejected(slot, cur, e.getMessage(), e.permanent());
    }
    if (!cur.reconfigurable()) {
      return replace(slot, cur, req, "restart with new config");
    }
    String failure = cur.reconfigure(cfg, canonical);
    if (failure != null) {
      return configRejected(slot, cur, failure, false);
    }
    return host.emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, null, slot.keepUnload(), slot.keepLeaked()));
  }

  private PluginStatus configRejected(PluginSlot slot, PluginInstance cur, String reason, boolean permanent) {
    host.emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, "config rejected: " + reason, slot.keepUnload(),
        slot.keepLeaked()));
    return PluginSlot.failed(slot.id, cur.version, cur.sha256, reason).withRefusal(new Refusal(permanent, true));
  }

  /** The answer is FAILED (the request was not carried out); the plugin's status stays ACTIVE with the reason. */
  PluginStatus refusedWhileActive(PluginSlot slot, PluginInstance cur, String version, String sha, String what,
      String reason, boolean permanent) {
    host.emit(slot, slot.status(PluginState.ACTIVE, cur.version, cur.sha256, what + " failed: " + reason, slot.keepUnload(),
        slot.keepLeaked()));
    return PluginSlot.failed(slot.id, version, sha, reason).withRefusal(new Refusal(permanent, true));
  }
}
