package dev.switchboard.api.runtime;

import java.util.List;

/**
 * What {@link ManagedContext#close} found.
 *
 * @param leakedThreads names of plugin threads still alive after stop and executor shutdown; they
 *     were interrupted. A name ending in {@code " (still running)"} survived the interrupt too.
 * @param problems failures while closing resources or shutting down executors
 */
public record CleanupReport(List<String> leakedThreads, List<String> problems) {
  public CleanupReport {
    leakedThreads = List.copyOf(leakedThreads);
    problems = List.copyOf(problems);
  }
}
