package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Direct control of JVMs on this machine through the attach-based control channel (docs/reference.md §5):
 * {@code host list}, {@code host status}, {@code host activate}, {@code host deactivate}. Exit
 * codes as docs/reference.md §3: 0 success, 1 the operation failed, 2 usage error.
 */
@Command(
    name = "host",
    mixinStandardHelpOptions = true,
    description = "Drive host JVMs directly: list, status, activate, deactivate, detach, traffic, promote, abort.",
    subcommands = {HostList.class, HostStatus.class, HostActivate.class, HostDeactivate.class, HostDetach.class, HostTraffic.class,
        HostTraffic.Promote.class, HostTraffic.Abort.class})
final class HostCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a host verb.");
  }
}
