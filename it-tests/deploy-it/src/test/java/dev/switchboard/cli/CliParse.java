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
}
