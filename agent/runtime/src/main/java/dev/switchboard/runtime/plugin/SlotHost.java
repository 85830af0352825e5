package dev.switchboard.runtime.plugin;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.UnloadOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/** What {@link PluginUpgrades} and {@link TrafficShifts} use of the {@link PluginManagerImpl} that owns the slots. */
interface SlotHost {
  /** False once the manager is closing. */
  boolean open();

  /** Runs {@code op} after the slot's earlier operations. */
  CompletableFuture<PluginStatus> submit(PluginSlot slot, Supplier<PluginStatus> op);

  /** Reads, verifies and validates a jar (no plugin code runs). */
  PluginInstance load(ActivateRequest jar) throws PluginRefusedException;

  /** Stores {@code s} as the slot's status and tells the listeners. */
  PluginStatus emit(PluginSlot slot, PluginStatus s);

  /** The unload outcome within the manager's collect wait, else {@code pending}. */
  UnloadOutcome await(CompletableFuture<UnloadOutcome> unload);

  /** When the first answer was {@code pending}, pushes the final outcome as an event later ({@code gen} -1: log only). */
  void resolveLater(PluginSlot slot, long gen, CompletableFuture<UnloadOutcome> unload, UnloadOutcome reported);
}
