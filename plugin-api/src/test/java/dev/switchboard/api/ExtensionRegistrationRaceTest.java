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
      CyclicBarrier start = new CyclicBarrier(2);
      Thread plugin =
          new Thread(
              () -> {
                try {
                  start.await();
                  owner.register(Hook.class, () -> {});
                } catch (PluginException closed) {
                  // refused: the owner was closed first
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      plugin.start();
      start.await();
      owner.unregisterAll();
      plugin.join();
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
      CyclicBarrier start = new CyclicBarrier(2);
      Thread plugin =
          new Thread(
              () -> {
                try {
                  start.await();
                  old.register(Other.class, () -> {});
                } catch (PluginException closed) {
                  // refused: the owner was replaced first
                } catch (Exception e) {
                  throw new AssertionError(e);
                }
              });
      plugin.start();
      start.await();
      next.publish(old);
      plugin.join();
      assertThat(point.size()).as("iteration %d: replaced owner's extension still live", i).isZero();
      current = next;
    }
  }
}
