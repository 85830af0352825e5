package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "bridge", mixinStandardHelpOptions = true, description = "Keeps etcd and ZooKeeper in sync both ways.")
final class BridgeCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotBuiltYet.report("bridge");
  }
}
