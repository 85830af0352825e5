package dev.switchboard.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CyclicBarrier;
import org.junit.jupiter.api.Test;

/** A plugin thread registering while the runtime closes the plugin's owner. */
class ExtensionRegistrationRaceTest {
  interface Hook {
    void run();
  }

  interface Other {
    void run();
  }

  @Test
  void aRegistrationRacingUnregisterAllNeverStaysLive() throws Exception {
    ExtensionPoint<Hook> point = Extensions.point(Hook.class);
    for (int i = 0; i < 5_000; i++) {
      Extensions.Owner owner = new Extensions.Owner("racer-" + i);
      owner.publish(null);
      race(() -> owner.register(Hook.class, () -> {}), owner::unregisterAll);
      assertThat(point.isEmpty()).as("iteration %d: closed owner's extension still live", i).isTrue();
    }
  }

  @Test
  void aRegistrationRacingASwapToTheNextVersionNeverStaysLive() throws Exception {
    ExtensionPoint<Other> point = Extensions.point(Other.class);
    Extensions.Owner current = new Extensions.Owner("v0");
    current.publish(null);
    for (int i = 1; i <= 5_000; i++) {
      Extensions.Owner old = current;
      Extensions.Owner next = new Extensions.Owner("v" + i);
      race(() -> old.register(Other.class, () -> {}), () -> next.publish(old));
      assertThat(point.size()).as("iteration %d: replaced owner's extension still live", i).isZero();
      current = next;
    }
  }

  /**
   * Runs {@code register} on a plugin thread and {@code close} on this one, released together; a
   * registration refused because the owner was closed first is the expected outcome of one order.
   */
  private static void race(Runnable register, Runnable close) throws Exception {
    CyclicBarrier start = new CyclicBarrier(2);
    Thread plugin =
        new Thread(
            () -> {
              try {
                start.await();
                register.run();
              } catch (PluginException closed) {
                // refused: the owner was closed or replaced first
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
    plugin.start();
    start.await();
    close.run();
    plugin.join();
  }
}
