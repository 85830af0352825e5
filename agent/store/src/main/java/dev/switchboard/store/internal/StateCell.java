package dev.switchboard.store.internal;

import dev.switchboard.store.StoreState;
import dev.switchboard.store.Threads;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link StoreState} moved by CAS; listeners are told on one notifier thread, in order, never
 * under a lock. {@code CLOSED} is terminal.
 */
public final class StateCell {
  private static final Logger LOG = LoggerFactory.getLogger(StateCell.class);

  private final String name;
  private final AtomicReference<StoreState> state = new AtomicReference<>(StoreState.CONNECTING);
  private final List<Consumer<StoreState>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService notifier;

  public StateCell(String name) {
    this.name = name;
    this.notifier = Executors.newSingleThreadExecutor(Threads.daemon("switchboard-" + name + "-state"));
  }

  public StoreState get() {
    return state.get();
  }

  public void addListener(Consumer<StoreState> l) {
    listeners.add(l);
  }

  /** Moves to {@code next} unless closed; returns true when the state changed. */
  public boolean set(StoreState next) {
    while (true) {
      StoreState cur = state.get();
      if (cur == StoreState.CLOSED || cur == next) {
        return false;
      }
      if (state.compareAndSet(cur, next)) {
        LOG.info("{} store: {} -> {}", name, cur, next);
        if (!notifier.isShutdown()) {
          notifier.execute(() -> fire(next));
        }
        if (next == StoreState.CLOSED) {
          notifier.shutdown();
        }
        return true;
      }
    }
  }

  private void fire(StoreState s) {
    for (Consumer<StoreState> l : listeners) {
      try {
        l.accept(s);
      } catch (RuntimeException e) {
        LOG.error("{} store: state listener failed on {}", name, s, e);
      }
    }
  }
}
