package dev.switchboard.store;

/** A running watch; closing it stops delivery. */
public interface Watch extends AutoCloseable {
  String prefix();

  @Override
  void close();
}
