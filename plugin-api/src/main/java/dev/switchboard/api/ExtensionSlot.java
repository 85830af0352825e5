package dev.switchboard.api;

/** One registered extension of an {@link Extensions.Owner}: what an {@link ExtensionPoint}'s snapshot holds. */
final class ExtensionSlot<T> implements Registration {
  final Class<T> type;
  final T extension;
  final Extensions.Owner owner;

  ExtensionSlot(Class<T> type, T extension, Extensions.Owner owner) {
    this.type = type;
    this.extension = extension;
    this.owner = owner;
  }

  @Override
  public Class<?> type() {
    return type;
  }

  @Override
  public Object extension() {
    return extension;
  }

  @Override
  public void close() {
    owner.remove(this);
  }

  @Override
  public String toString() {
    return type.getName() + " <- " + extension.getClass().getName() + " (" + owner.label() + ")";
  }
}
