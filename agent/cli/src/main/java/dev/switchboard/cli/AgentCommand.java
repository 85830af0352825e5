package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "agent", mixinStandardHelpOptions = true, description = "Runs the sidecar agent next to a host JVM.")
final class AgentCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    return NotBuiltYet.report("agent");
  }
}
