package dev.switchboard.bridge;

import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Keys waiting to be merged. A key is queued at most once (events for it coalesce: the merge reads
 * the current values anyway) and handed to one worker at a time; an event for a key being merged
 * queues it again once that merge is done, so no change is missed and none is merged concurrently.
 */
final class KeyQueue {
  private final Set<String> pending = new LinkedHashSet<>();
  private final Set<String> inFlight = new HashSet<>();
  private final Set<String> again = new HashSet<>();
  private boolean closed;

  synchronized void offer(String key) {
    if (inFlight.contains(key)) {
      again.add(key);
    } else if (pending.add(key)) {
      notifyAll();
    }
  }

  /** The next key no worker holds; null once closed. */
  synchronized String take() throws InterruptedException {
    while (!closed) {
      Iterator<String> it = pending.iterator();
      while (it.hasNext()) {
        String k = it.next();
        if (!inFlight.contains(k)) {
          it.remove();
          inFlight.add(k);
          return k;
        }
      }
      wait();
    }
    return null;
  }

  synchronized void done(String key) {
    inFlight.remove(key);
    if (again.remove(key)) {
      pending.add(key);
    }
    notifyAll();
  }

  synchronized int size() {
    return pending.size() + inFlight.size();
  }

  synchronized void clear() {
    pending.clear();
    again.clear();
  }

  synchronized void close() {
    closed = true;
    notifyAll();
  }
}
