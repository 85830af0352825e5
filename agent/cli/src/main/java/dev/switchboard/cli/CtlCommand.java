package dev.switchboard.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.sidecar.desired.DesiredKeys;
import dev.switchboard.sidecar.desired.Values;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Operator verbs against etcd or ZooKeeper (docs/reference.md §3). Exit 0 success, 1 failed, 2 usage. */
@Command(
    name = "ctl",
    mixinStandardHelpOptions = true,
    description = "Operator verbs: flip flags, set artifacts and config, roll out, canary, traffic, status.",
    subcommands = {
      CtlCommand.Enable.class,
      CtlCommand.Disable.class,
      CtlCommand.SetArtifact.class,
      CtlCommand.SetConfig.class,
      CtlCommand.Rollout.class,
      CtlCommand.Canary.class,
      CtlTraffic.class,
      CtlCommand.Promote.class,
      CtlCommand.Abort.class,
      CtlStatus.class,
      CtlKeygen.class,
      CtlRoles.class
    })
final class CtlCommand implements Runnable {
  private static final ObjectMapper JSON = new ObjectMapper();

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing a ctl verb.");
  }

  /** {@code <service> <plugin>} positional pair. */
  abstract static class PluginVerb implements Callable<Integer> {
    @Mixin CtlStore store;

    @Parameters(index = "0", paramLabel = "<service>") String service;

    @Parameters(index = "1", paramLabel = "<plugin>") String plugin;

    String key(String leaf) {
      String root = store.root();
      return DesiredKeys.pluginKey(root, store.name("service", service), store.name("plugin", plugin), leaf);
    }
  }

  abstract static class Flip extends PluginVerb {
    @Option(names = "--node", paramLabel = "N", description = "only this node (per-node override)")
    String node;

    abstract boolean value();

    @Override
    public Integer call() {
      String k = node == null
          ? key(DesiredKeys.ENABLED)
          : DesiredKeys.overrideKey(store.root(), store.name("service", service), store.name("node", node), store.name("plugin", plugin));
      return store.run(ks -> {
        CtlStore.put(ks, k, String.valueOf(value()));
        return Main.EXIT_OK;
      });
    }
  }

  @Command(name = "enable", mixinStandardHelpOptions = true, description = "Enable a plugin for a service (or one node with --node).")
  static final class Enable extends Flip {
    boolean value() {
      return true;
    }
  }

  @Command(name = "disable", mixinStandardHelpOptions = true, description = "Disable a plugin for a service (or one node with --node).")
  static final class Disable extends Flip {
    boolean value() {
      return false;
    }
  }

  /** {@code --sign-key FILE}: an Ed25519 private key that signs the jar's sha256 into the artifact value. */
  static final class Signing {
    @Option(names = "--sign-key", paramLabel = "FILE",
        description = "sign the jar with this Ed25519 private key (unencrypted PKCS#8 PEM: switchboard ctl keygen,"
            + " or openssl genpkey -algorithm ed25519)")
    Path signKey;

    PrivateKey key(CtlStore store) {
      if (signKey == null) return null;
      try {
        return CtlArtifacts.signingKey(signKey);
      } catch (IllegalArgumentException e) {
        throw store.usage(e.getMessage());
      }
    }
  }

  // no mixinStandardHelpOptions: its --version would clash with the artifact's --version, and picocli then drops
  // the whole mixin (--help included, so required parameters were checked first)
  @Command(name = "set-artifact",
      description = "Point a plugin at a jar; computes the sha256 of a local jar; --sign-key signs it.")
  static final class SetArtifact extends PluginVerb {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;

    @Parameters(index = "2", paramLabel = "<jar-path-or-url>") String jar;

    @Option(names = "--version", paramLabel = "V", description = "default: the version in the jar's plugin.json") String version;

    @Option(names = "--sha256", paramLabel = "HEX", description = "for http(s) URLs: skip downloading to hash") String sha256;

    @Mixin Signing signing;

    @Override
    public Integer call() {
      String k = key(DesiredKeys.ARTIFACT);
      PrivateKey signKey = signing.key(store);
      return store.run(ks -> {
        CtlStore.put(ks, k, CtlArtifacts.artifact(plugin, jar, version, sha256, signKey).toString());
        return Main.EXIT_OK;
      });
    }
  }

  @Command(name = "set-config", mixinStandardHelpOptions = true,
      description = "Set a plugin's JSON config, checked against the configSchema of the plugin's artifact (and canary) first.")
  static final class SetConfig extends PluginVerb {
    @Parameters(index = "2", paramLabel = "<json or @file>") String json;

    @Option(names = "--no-schema-check", description = "write without checking the config against the artifact's configSchema")
    boolean noSchemaCheck;

    @Override
    public Integer call() {
      String k = key(DesiredKeys.CONFIG);
      String text = json;
      if (json.startsWith("@")) {
        try {
          text = Files.readString(Path.of(json.substring(1)));
        } catch (IOException e) {
          throw store.usage("cannot read " + json.substring(1) + ": " + e.getMessage());
        }
      }
      String canonical;
      try {
        canonical = Values.parseConfig(text);
      } catch (IllegalArgumentException e) {
        throw store.usage("config rejected: " + e.getMessage());
      }
      return store.run(ks -> {
        if (!noSchemaCheck) {
          List<String> checked = CtlConfigSchema.check(ks, key(DesiredKeys.ARTIFACT), key(DesiredKeys.CANARY), canonical);
          if (checked.isEmpty()) {
            System.err.println("switchboard ctl: note: " + key(DesiredKeys.ARTIFACT) + " is not set; the config is not"
                + " checked against a configSchema (nodes check it when an artifact is set)");
          }
        }
        CtlStore.put(ks, k, canonical);
        return Main.EXIT_OK;
      });
    }
  }

  /** {@code --percent P | --nodes a,b}. */
  static final class Share {
    @Option(names = "--percent", paramLabel = "P", required = true, description = "0..100") Integer percent;

    @Option(names = "--nodes", paramLabel = "a,b", split = ",", required = true) List<String> nodes;

    void into(ObjectNode o, CtlStore store) {
      if (percent != null) {
        if (percent < 0 || percent > 100) throw store.usage("--percent outside 0..100: " + percent);
        o.put("percent", percent);
      } else {
        var arr = o.putArray("nodes");
        for (String n : nodes) arr.add(store.name("node", n.strip()));
      }
    }
  }

  @Command(name = "rollout", mixinStandardHelpOptions = true, description = "Gradual enable by --percent P or --nodes a,b (--all: every node).")
  static final class Rollout extends PluginVerb {
    @ArgGroup(exclusive = true, multiplicity = "0..1") Share share;

    @Option(names = "--all", description = "remove the rollout: every node") boolean all;

    @Override
    public Integer call() {
      if ((share == null) == !all) throw store.usage("give --percent P, --nodes a,b or --all");
      String k = key(DesiredKeys.ROLLOUT);
      if (all) return store.run(ks -> { CtlStore.delete(ks, k); return Main.EXIT_OK; });
      ObjectNode o = JSON.createObjectNode();
      share.into(o, store);
      return store.run(ks -> {
        CtlStore.put(ks, k, o.toString());
        return Main.EXIT_OK;
      });
    }
  }

  // no mixinStandardHelpOptions: its --version would clash with the artifact's --version, and picocli then drops
  // the whole mixin (--help included, so required parameters were checked first)
  @Command(name = "canary", description = "Run another version on a share of nodes.")
  static final class Canary extends PluginVerb {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.") boolean help;

    @Parameters(index = "2", paramLabel = "<jar-or-url>") String jar;

    @ArgGroup(exclusive = true, multiplicity = "1") Share share;

    @Option(names = "--version", paramLabel = "V") String version;

    @Option(names = "--sha256", paramLabel = "HEX") String sha256;

    @Mixin Signing signing;

    @Override
    public Integer call() {
      String k = key(DesiredKeys.CANARY);
      ObjectNode o = JSON.createObjectNode();
      share.into(o, store);
      PrivateKey signKey = signing.key(store);
      return store.run(ks -> {
        o.set("artifact", CtlArtifacts.artifact(plugin, jar, version, sha256, signKey));
        CtlStore.put(ks, k, o.toString());
        return Main.EXIT_OK;
      });
    }
  }

  @Command(name = "promote", mixinStandardHelpOptions = true,
      description = "Finish a traffic split (its second version becomes the artifact) or a canary (its artifact becomes the artifact).")
  static final class Promote extends PluginVerb {
    @Override
    public Integer call() {
      String canaryKey = key(DesiredKeys.CANARY);
      String trafficKey = key(DesiredKeys.TRAFFIC);
      String artifactKey = key(DesiredKeys.ARTIFACT);
      return store.run(ks -> {
        Optional<String> traffic = CtlStore.get(ks, trafficKey);
        Optional<String> canary = CtlStore.get(ks, canaryKey);
        if (traffic.isPresent() && canary.isPresent()) {
          throw new CtlStore.Failed("both a traffic split (" + trafficKey + ") and a canary (" + canaryKey + ") are set: abort one first");
        }
        if (traffic.isPresent()) {
          CtlTraffic.promote(ks, trafficKey, artifactKey, traffic.get());
          return Main.EXIT_OK;
        }
        if (canary.isEmpty()) throw new CtlStore.Failed("no traffic split at " + trafficKey + " and no canary at " + canaryKey);
        try {
          Values.parseCanary(canary.get());
        } catch (IllegalArgumentException e) {
          throw new CtlStore.Failed("the canary at " + canaryKey + " is invalid: " + e.getMessage());
        }
        JsonNode artifact;
        try {
          artifact = JSON.readTree(canary.get()).get("artifact");
        } catch (IOException e) {
          throw new CtlStore.Failed("cannot read the canary: " + e.getMessage());
        }
        CtlStore.put(ks, artifactKey, artifact.toString());
        CtlStore.delete(ks, canaryKey);
        return Main.EXIT_OK;
      });
    }
  }

  @Command(name = "abort", mixinStandardHelpOptions = true,
      description = "Remove a traffic split (the artifact serves alone) or, without one, the canary.")
  static final class Abort extends PluginVerb {
    @Override
    public Integer call() {
      String canaryKey = key(DesiredKeys.CANARY);
      String trafficKey = key(DesiredKeys.TRAFFIC);
      return store.run(ks -> {
        if (CtlStore.delete(ks, trafficKey)) return Main.EXIT_OK;
        if (!CtlStore.delete(ks, canaryKey)) throw new CtlStore.Failed("no traffic split at " + trafficKey + " and no canary at " + canaryKey);
        return Main.EXIT_OK;
      });
    }
  }
}
