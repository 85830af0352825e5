package dev.switchboard.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard ctl roles apply}: the least-privilege roles, users and ACLs of docs/security.md. */
@Command(name = "roles", mixinStandardHelpOptions = true, description = "Least-privilege roles and ACLs on the store.",
    subcommands = CtlRoles.Apply.class)
final class CtlRoles implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a roles verb (apply).");
  }

  @Command(name = "apply", mixinStandardHelpOptions = true, description = {
      "Creates the operator, bridge and per-node agent roles and users (etcd) or the ACLs of the tree's top (ZooKeeper).",
      "Run it with an administrator's identity (etcd root, e.g. its client certificate). Safe to repeat."})
  static final class Apply implements Callable<Integer> {
    @Mixin CtlStore store;

    @Option(names = "--agent", paramLabel = "SERVICE/NODE", description = "an agent identity (repeatable): user agent-SERVICE-NODE")
    List<String> agents = new ArrayList<>();

    @Option(names = "--operator-user", paramLabel = "NAME", defaultValue = "operator", description = "default ${DEFAULT-VALUE}")
    String operatorUser;

    @Option(names = "--bridge-user", paramLabel = "NAME", defaultValue = "bridge", description = "default ${DEFAULT-VALUE}")
    String bridgeUser;

    @Option(names = "--password-dir", paramLabel = "DIR", description = "etcd: a new user's password is the first line of DIR/<user>")
    Path passwordDir;

    @Option(names = "--dry-run", description = "print the etcdctl / zkCli equivalent of every action; change nothing")
    boolean dryRun;

    @Override
    public Integer call() {
      List<RolesPlan.Agent> list = new ArrayList<>();
      for (String a : agents) {
        int slash = a.indexOf('/');
        if (slash <= 0 || slash == a.length() - 1) throw store.usage("--agent must be SERVICE/NODE: '" + a + "'");
        list.add(new RolesPlan.Agent(store.name("service", a.substring(0, slash)), store.name("node", a.substring(slash + 1))));
      }
      for (String u : List.of(operatorUser, bridgeUser)) {
        if (u.isBlank() || u.contains(":") || u.contains("/")) throw store.usage("user name '" + u + "' must not be empty or contain ':' or '/'");
      }
      RolesPlan plan = new RolesPlan(store.root(), operatorUser, bridgeUser, list);
      boolean etcd = store.section().etcdEndpoints() != null;
      boolean zk = store.section().zookeeperConnect() != null;
      if (dryRun) {
        // without a store: both forms, to copy into a runbook
        if (etcd || !zk) {
          System.out.println("# etcd, as root; a new user's password is the first line of <password-dir>/<user>");
          plan.etcd().forEach(step -> System.out.println("etcdctl " + step.etcdctl()));
        }
        if (zk || !etcd) {
          System.out.println("# ZooKeeper, as an administrator, in zkCli.sh (create when absent, else setAcl)");
          plan.zookeeper().forEach(n -> System.out.println(n.zkCli()));
        }
        return Main.EXIT_OK;
      }
      return store.runAdmin(client -> RolesApply.etcd(client, plan, passwordDir, System.out), curator -> RolesApply.zookeeper(curator, plan, System.out));
    }
  }
}
