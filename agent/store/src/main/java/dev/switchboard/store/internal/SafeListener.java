package dev.switchboard.store.internal;

import dev.switchboard.store.Change;
import dev.switchboard.store.StoreState;
import dev.switchboard.store.WatchListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Calls a user's {@link WatchListener}, logging (never propagating) what it throws. */
public final class SafeListener {
  private static final Logger LOG = LoggerFactory.getLogger(SafeListener.class);
  private final String what;
  private final WatchListener l;

  public SafeListener(String what, WatchListener l) {
    this.what = what;
    this.l = l;
  }

  public void changes(List<Change> changes) {
    if (changes.isEmpty()) {
      return;
    }
    try {
      l.onChanges(List.copyOf(changes));
    } catch (RuntimeException e) {
      LOG.error("{}: listener failed on {} change(s)", what, changes.size(), e);
    }
  }

  public void synced() {
    try {
      l.onSynced();
    } catch (RuntimeException e) {
      LOG.error("{}: listener failed in onSynced", what, e);
    }
  }

  public void skipped(String key, String reason) {
    LOG.warn("{}: skipped {}: {}", what, key, reason);
    try {
      l.onSkipped(key, reason);
    } catch (RuntimeException e) {
      LOG.error("{}: listener failed in onSkipped", what, e);
    }
  }

  public void state(StoreState s) {
    try {
      l.onState(s);
    } catch (RuntimeException e) {
      LOG.error("{}: listener failed in onState", what, e);
    }
  }
}
