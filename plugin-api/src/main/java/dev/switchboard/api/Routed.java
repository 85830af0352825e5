package dev.switchboard.api;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * Calls of a snapshot that holds traffic routes: for each route one owner is chosen per call (from the call's
 * {@link RoutingKey} or one random draw shared by every route of the call), counted, and only its extensions
 * (and those of plugins without a route) are called. Without routes it calls every extension.
 */
final class Routed {
  private Routed() {}

  static <T, A> void callAll(ExtensionPoint.Snapshot<T> s, BiConsumer<? super T, ? super A> action, A argument, RoutingKey key) {
    ExtensionSlot<T>[] slots = s.slots;
    if (s.routes == null) {
      for (ExtensionSlot<T> slot : slots) {
        action.accept(slot.extension, argument);
      }
      return;
    }
    Extensions.Owner[] chosen = choose(s.routes, key);
    for (int i = 0; i < slots.length; i++) {
      int r = s.routeOf[i];
      if (r < 0 || slots[i].owner == chosen[r]) {
        action.accept(slots[i].extension, argument);
      }
    }
  }

  static <T, A> boolean callWhile(ExtensionPoint.Snapshot<T> s, BiPredicate<? super T, ? super A> action, A argument, RoutingKey key) {
    ExtensionSlot<T>[] slots = s.slots;
    if (s.routes == null) {
      for (ExtensionSlot<T> slot : slots) {
        if (!action.test(slot.extension, argument)) {
          return false;
        }
      }
      return true;
    }
    Extensions.Owner[] chosen = choose(s.routes, key);
    for (int i = 0; i < slots.length; i++) {
      int r = s.routeOf[i];
      if ((r < 0 || slots[i].owner == chosen[r]) && !action.test(slots[i].extension, argument)) {
        return false;
      }
    }
    return true;
  }

  private static Extensions.Owner[] choose(Route[] routes, RoutingKey key) {
    int b = key == null ? -1 : key.bucket();
    int draw = b >= 0 ? b % Route.BUCKETS : ThreadLocalRandom.current().nextInt(Route.BUCKETS);
    Extensions.Owner[] out = new Extensions.Owner[routes.length];
    for (int i = 0; i < routes.length; i++) {
      out[i] = routes[i].choose(key, draw);
      out[i].countRouted();
    }
    return out;
  }
}
