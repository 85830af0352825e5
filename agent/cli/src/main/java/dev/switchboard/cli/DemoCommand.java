package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "demo", mixinStandardHelpOptions = true, description = "Runs a local demo stack with a visible flip.")
final class DemoCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotBuiltYet.report("demo");
  }
}
