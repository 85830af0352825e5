package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Direct control of JVMs on this machine through the attach-based control channel. */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Drive host JVMs directly: list, status, activate, deactivate.",
    subcommands = {HostCommand.ListHosts.class, HostCommand.Status.class, HostCommand.Activate.class, HostCommand.Deactivate.class})
final class HostCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a host verb.");
  }

  @Command(name = "list", description = "JVMs on this machine and whether a runtime is attached.")
  static final class ListHosts implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("host list"); }
  }

  @Command(name = "status", description = "Plugins and their states in one host JVM.")
  static final class Status implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("host status"); }
  }

  @Command(name = "activate", description = "Attach if needed and activate a plugin jar.")
  static final class Activate implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("host activate"); }
  }

  @Command(name = "deactivate", description = "Deactivate a plugin.")
  static final class Deactivate implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("host deactivate"); }
  }
}
