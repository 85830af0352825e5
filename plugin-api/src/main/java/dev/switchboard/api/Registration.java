package dev.switchboard.api;

/** An extension registered through {@link PluginContext#register}; closing it unregisters it. */
public interface Registration extends AutoCloseable {
  Class<?> type();

  Object extension();

  /** Unregisters the extension (new calls stop reaching it). Idempotent. */
  @Override
  void close();
}
