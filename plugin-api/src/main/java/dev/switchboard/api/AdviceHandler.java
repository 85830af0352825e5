package dev.switchboard.api;

/**
 * Code a plugin runs around a host method ({@link MethodAdvice}). It runs on the host's thread, inside the
 * host's call: keep it short and never block. An exception it throws never reaches the host's caller: the
 * runtime counts it, reports it in the plugin's status and switches the advice off after a configured number
 * of failures. To make the host's call fail on purpose use {@link AdviceCall#throwInstead} (opt-in).
 */
@FunctionalInterface
public interface AdviceHandler {
  void handle(AdviceCall call) throws Exception;
}
