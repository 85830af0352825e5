package dev.switchboard.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code switchboard} command. Every daemon and operator verb lives behind this one entry
 * point ({@code bin/switchboard} runs {@code dist/switchboard.jar}).
 *
 * <p>Exit codes (docs/reference.md §3): 0 success, 1 the operation failed, 2 usage error.
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
      DevCommand.class,
      ConsoleCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Callable<Integer> {
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
    addCtlVerbsSection(cl);
    return cl;
  }

  /** The operator verbs of docs/reference.md §3 live under {@code ctl}: list them in the top-level usage too. */
  private static void addCtlVerbsSection(CommandLine cl) {
    CommandLine ctl = cl.getSubcommands().get("ctl");
    if (ctl == null) {
      return;
    }
    String key = "ctlVerbs";
    cl.getHelpSectionMap().put(key, help -> {
      StringBuilder out = new StringBuilder("Operator verbs (switchboard ctl <verb> --help):%n");
      ctl.getSubcommands().forEach((name, sub) -> {
        String[] description = sub.getCommandSpec().usageMessage().description();
        out.append(String.format("  ctl %-13s %s%n", name, description.length == 0 ? "" : description[0]));
      });
      return String.format(out.toString());
    });
    List<String> keys = new ArrayList<>(cl.getHelpSectionKeys());
    keys.add(keys.indexOf(CommandLine.Model.UsageMessageSpec.SECTION_KEY_COMMAND_LIST) + 1, key);
    cl.setHelpSectionKeys(keys);
  }

  @Override
  public Integer call() {
    // No verb: print the usage once and exit as a usage error.
    spec.commandLine().usage(System.err);
    System.err.println("switchboard: missing a command (see the list above).");
    return EXIT_USAGE;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"switchboard " + (v == null ? "development build" : v)};
    }
  }
}
