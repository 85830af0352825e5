package dev.switchboard.api;

/** The versions of one point's snapshots that held an owner's extensions: from first to last. */
final class OwnerSpan {
  final ExtensionPoint<?> point;
  final long first;
  long last; // guarded by the owner

  OwnerSpan(ExtensionPoint<?> point, long version) {
    this.point = point;
    this.first = version;
    this.last = version;
  }
}
