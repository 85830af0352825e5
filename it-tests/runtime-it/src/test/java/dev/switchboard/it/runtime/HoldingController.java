package dev.switchboard.it.runtime;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.RuntimeClient;
import dev.switchboard.control.RuntimeConnection;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A sidecar-like controller process: connects to the host (attaching if needed), activates one
 * plugin, prints {@code STATUS <state> <since>}, then holds the connection until killed.
 * Args: controlDir runtimeJar hostPid pluginId jarPath sha256.
 */
public final class HoldingController {
  private HoldingController() {}

  public static void main(String[] a) throws Exception {
    RuntimeClient client = RuntimeClient.builder().controlDir(Path.of(a[0])).runtimeJar(Path.of(a[1])).timeout(Duration.ofSeconds(60)).build();
    RuntimeConnection c = client.connect(Long.parseLong(a[2]));
    System.out.println("CONNECTED injected=" + c.injectedIn().isPresent());
    PluginStatus s = c.activate(new ActivateRequest(a[3], a[4], a[5], "{}")).get(60, TimeUnit.SECONDS);
    System.out.println("STATUS " + s.state() + " " + s.since());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE); // killed by the test
  }
}
