package dev.switchboard.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code switchboard} command. Every daemon and operator verb lives behind this one entry
 * point ({@code bin/switchboard} runs {@code dist/switchboard.jar}).
 *
 * <p>Exit codes (CONTRACT §3): 0 success, 1 the operation failed, 2 usage error.
 */
@Command(
    name = "switchboard",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Turns a flag in etcd or ZooKeeper into a plugin running live inside a JVM.",
    subcommands = {
      AgentCommand.class,
      BridgeCommand.class,
      DemoCommand.class,
      CtlCommand.class,
      HostCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns the exit code; used by tests and by {@link #main}. */
  public static int run(String... args) {
    CommandLine cl = commandLine();
    return cl.execute(args);
  }

  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new Main());
    cl.setExitCodeExceptionMapper(t -> t instanceof CommandLine.ParameterException ? EXIT_USAGE : EXIT_FAILED);
    cl.getCommandSpec().exitCodeOnInvalidInput(EXIT_USAGE);
    return cl;
  }

  @Override
  public void run() {
    // No verb: print usage and fail as a usage error.
    spec.commandLine().usage(System.err);
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a command (see the list above).");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"switchboard " + (v == null ? "development build" : v)};
    }
  }
}
