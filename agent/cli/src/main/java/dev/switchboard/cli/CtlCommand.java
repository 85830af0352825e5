package dev.switchboard.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Operator verbs against etcd or ZooKeeper (CONTRACT §3). */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    description = "Operator verbs: flip flags, set artifacts and config, roll out, canary, status.",
    subcommands = {
      CtlCommand.Enable.class,
      CtlCommand.Disable.class,
      CtlCommand.SetArtifact.class,
      CtlCommand.SetConfig.class,
      CtlCommand.Rollout.class,
      CtlCommand.Canary.class,
      CtlCommand.Promote.class,
      CtlCommand.Abort.class,
      CtlCommand.Status.class
    })
final class CtlCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a ctl verb.");
  }

  @Command(name = "enable", description = "Enable a plugin for a service (or one node with --node).")
  static final class Enable implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl enable"); }
  }

  @Command(name = "disable", description = "Disable a plugin for a service (or one node with --node).")
  static final class Disable implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl disable"); }
  }

  @Command(name = "set-artifact", description = "Point a plugin at a jar; computes the sha256 of a local jar.")
  static final class SetArtifact implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl set-artifact"); }
  }

  @Command(name = "set-config", description = "Set a plugin's JSON config (validated).")
  static final class SetConfig implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl set-config"); }
  }

  @Command(name = "rollout", description = "Gradual enable by --percent P or --nodes a,b.")
  static final class Rollout implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl rollout"); }
  }

  @Command(name = "canary", description = "Run another version on a share of nodes.")
  static final class Canary implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl canary"); }
  }

  @Command(name = "promote", description = "Make the canary's artifact the plugin's artifact.")
  static final class Promote implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl promote"); }
  }

  @Command(name = "abort", description = "Remove the canary.")
  static final class Abort implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl abort"); }
  }

  @Command(name = "status", description = "Fleet activation state from the status keys.")
  static final class Status implements Callable<Integer> {
    public Integer call() { return NotBuiltYet.report("ctl status"); }
  }
}
