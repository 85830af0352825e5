package dev.switchboard.cli;

import java.util.List;
import picocli.CommandLine;

/** Test helper: parses a {@code switchboard} argument list with the real command line model. */
public final class CliParse {
  private CliParse() {}

  /** The names of the subcommands matched, e.g. [switchboard, agent]; throws on a usage error. */
  public static List<String> parse(String... args) {
    CommandLine.ParseResult r = Main.commandLine().parseArgs(args);
    List<String> names = new java.util.ArrayList<>();
    for (CommandLine c : r.asCommandLineList()) names.add(c.getCommandName());
    return names;
  }

  /**
   * Every command below {@code switchboard} (path such as "ctl set-config") with the long names of its
   * options, for checking the reference; picocli's own help command is left out.
   */
  public static java.util.Map<String, List<String>> commands() {
    java.util.Map<String, List<String>> out = new java.util.LinkedHashMap<>();
    walk(Main.commandLine(), "", out);
    return out;
  }

  private static void walk(CommandLine cl, String path, java.util.Map<String, List<String>> out) {
    cl.getSubcommands().forEach((name, sub) -> {
      if (sub.getCommandSpec().userObject() instanceof CommandLine.HelpCommand) return;
      String p = path.isEmpty() ? name : path + " " + name;
      out.put(p, sub.getCommandSpec().options().stream().map(CommandLine.Model.OptionSpec::longestName).toList());
      walk(sub, p, out);
    });
  }
}
