package dev.switchboard.api.runtime;

import dev.switchboard.api.Extensions;
import dev.switchboard.api.Registration;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The runtime's handle on one loaded plugin's extension registrations ({@link Extensions.Owner}): create it,
 * register through it, publish it (replacing a previous version's registrations in one snapshot swap per
 * extension point), unregister everything and wait for calls in flight to drain. These operations are not
 * on {@code Extensions.Owner} itself, so a plugin compiling against the API cannot reach them; the
 * architecture test keeps plugins and hosts out of this package.
 */
public final class ExtensionOwners {
  private static volatile Access access;

  private ExtensionOwners() {}

  /** What {@link Extensions} gives this class when it initialises (once per class loader). */
  public interface Access {
    Extensions.Owner create(String label);

    <T> Registration register(Extensions.Owner owner, Class<T> type, T extension);

    void publish(Extensions.Owner owner, Extensions.Owner previous);

    void unregisterAll(Extensions.Owner owner);

    long inFlight(Extensions.Owner owner);

    boolean awaitDrained(Extensions.Owner owner, Duration timeout) throws InterruptedException;

    List<Registration> registrations(Extensions.Owner owner);

    void publishBeside(Extensions.Owner secondary, Extensions.Owner primary, TrafficSplit split);

    void reroute(Extensions.Owner owner, TrafficSplit split);

    long routedCalls(Extensions.Owner owner);
  }

  /**
   * Called by {@link Extensions}' class initialiser only.
   *
   * @throws IllegalStateException when an access was installed already
   */
  public static synchronized void install(Access a) {
    Objects.requireNonNull(a, "access == null");
    if (access != null) throw new IllegalStateException("extension owner access is installed already");
    access = a;
  }

  private static Access access() {
    Access a = access;
    if (a == null) {
      try { // initialising Extensions installs the access
        Class.forName(Extensions.class.getName(), true, Extensions.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("cannot initialise " + Extensions.class.getName(), e);
      }
      a = access;
    }
    return a;
  }

  /** A new owner, staging registrations until {@link #publish}. */
  public static Extensions.Owner create(String label) {
    return access().create(label);
  }

  /** Registers {@code extension}: staged before {@link #publish}, live after. */
  public static <T> Registration register(Extensions.Owner owner, Class<T> type, T extension) {
    return access().register(owner, type, extension);
  }

  /**
   * Makes {@code owner}'s staged registrations live and removes every registration of {@code previous} (may be
   * null) in one swap per point; {@code previous} is closed afterwards.
   */
  public static void publish(Extensions.Owner owner, Extensions.Owner previous) {
    access().publish(owner, previous);
  }

  /** Removes every registration of {@code owner} and refuses new ones. */
  public static void unregisterAll(Extensions.Owner owner) {
    access().unregisterAll(owner);
  }

  /** Calls into {@code owner}'s extensions still running. */
  public static long inFlight(Extensions.Owner owner) {
    return access().inFlight(owner);
  }

  /** Waits until no call into {@code owner}'s extensions runs; false when {@code timeout} passed first. */
  public static boolean awaitDrained(Extensions.Owner owner, Duration timeout) throws InterruptedException {
    return access().awaitDrained(owner, timeout);
  }

  /**
   * Makes {@code secondary}'s staged registrations live beside {@code primary}'s (already live), with the calls
   * of every extension point shared between the two by {@code split}: each call reaches one of them. {@link
   * #publish} of either one later ends the split (that one serves alone, the other is removed).
   */
  public static void publishBeside(Extensions.Owner secondary, Extensions.Owner primary, TrafficSplit split) {
    access().publishBeside(secondary, primary, split);
  }

  /** A new split between {@code owner} and the instance it shares traffic with. */
  public static void reroute(Extensions.Owner owner, TrafficSplit split) {
    access().reroute(owner, split);
  }

  /** Calls a traffic split sent to {@code owner} (one per call of a point, however many extensions it has there). */
  public static long routedCalls(Extensions.Owner owner) {
    return access().routedCalls(owner);
  }

  /** {@code owner}'s current registrations. */
  public static List<Registration> registrations(Extensions.Owner owner) {
    return access().registrations(owner);
  }
}
