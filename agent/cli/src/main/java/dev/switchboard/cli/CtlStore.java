package dev.switchboard.cli;

import dev.switchboard.store.EtcdOptions;
import dev.switchboard.store.KeySpace;
import dev.switchboard.store.KeySpaces;
import dev.switchboard.store.Keys;
import dev.switchboard.store.StoreException;
import dev.switchboard.store.StoreSecurity;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.store.config.ConfigLayer;
import dev.switchboard.store.config.ConfigSchema;
import dev.switchboard.store.config.ConfigValues;
import dev.switchboard.store.config.StoreSection;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Store options shared by every {@code ctl} verb: {@code --etcd}, {@code --zookeeper}, {@code --root} and the
 * etcdctl-style security flags, read through the shared configuration layer's store section.
 */
final class CtlStore {
  @Option(names = "--etcd", paramLabel = "URL[,URL]", description = "etcd endpoints (env SWITCHBOARD_ETCD_ENDPOINTS)")
  String etcd;

  @Option(names = "--zookeeper", paramLabel = "HOST:PORT[,...]", description = "ZooKeeper connect string (env SWITCHBOARD_ZOOKEEPER_CONNECT)")
  String zookeeper;

  @Option(names = "--root", paramLabel = "PATH", description = "key root (env SWITCHBOARD_ROOT; default /switchboard)")
  String root;

  @Option(names = "--cacert", paramLabel = "FILE", description = "etcd: CA bundle (PEM) for https:// endpoints (env SWITCHBOARD_ETCD_TLS_CA)")
  String cacert;

  @Option(names = "--cert", paramLabel = "FILE", description = "etcd: client certificate (PEM) (env SWITCHBOARD_ETCD_TLS_CERT)")
  String cert;

  @Option(names = "--key", paramLabel = "FILE", description = "etcd: client key (PEM, PKCS#8 or PKCS#1) (env SWITCHBOARD_ETCD_TLS_KEY)")
  String key;

  @Option(names = "--user", paramLabel = "NAME", description = "etcd user (env SWITCHBOARD_ETCD_USER)")
  String user;

  @Option(names = "--password-file", paramLabel = "FILE", description = "etcd user's password: the file's first line (env SWITCHBOARD_ETCD_PASSWORD_FILE, or the password in SWITCHBOARD_ETCD_PASSWORD)")
  String passwordFile;

  @Option(names = "--zk-cacert", paramLabel = "FILE", description = "ZooKeeper: CA bundle (PEM) for the secure client port (env SWITCHBOARD_ZOOKEEPER_TLS_CA)")
  String zkCacert;

  @Option(names = "--zk-cert", paramLabel = "FILE", description = "ZooKeeper: client certificate (PEM) (env SWITCHBOARD_ZOOKEEPER_TLS_CERT)")
  String zkCert;

  @Option(names = "--zk-key", paramLabel = "FILE", description = "ZooKeeper: client key (PEM) (env SWITCHBOARD_ZOOKEEPER_TLS_KEY)")
  String zkKey;

  @Option(names = "--zk-user", paramLabel = "NAME", description = "ZooKeeper SASL (DIGEST-MD5) user (env SWITCHBOARD_ZOOKEEPER_SASL_USER)")
  String zkUser;

  @Option(names = "--zk-password-file", paramLabel = "FILE", description = "its password (env SWITCHBOARD_ZOOKEEPER_SASL_PASSWORD_FILE, or SWITCHBOARD_ZOOKEEPER_SASL_PASSWORD)")
  String zkPasswordFile;

  @Option(names = "--zk-digest-user", paramLabel = "NAME", description = "ZooKeeper digest-scheme user (env SWITCHBOARD_ZOOKEEPER_DIGEST_USER)")
  String zkDigestUser;

  @Option(names = "--zk-digest-password-file", paramLabel = "FILE", description = "its password (env SWITCHBOARD_ZOOKEEPER_DIGEST_PASSWORD_FILE, or SWITCHBOARD_ZOOKEEPER_DIGEST_PASSWORD)")
  String zkDigestPasswordFile;

  @Option(names = "--zk-acl", paramLabel = "SCHEME:ID:PERMS[,...]", description = "ACL of the nodes ctl creates (env SWITCHBOARD_ZOOKEEPER_ACL)")
  String zkAcl;

  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  /** Thrown for operation failures (exit 1); usage errors are ParameterExceptions (exit 2). */
  static final class Failed extends RuntimeException {
    Failed(String message) {
      super(message);
    }
  }

  /** ctl reads the store section of the shared configuration layer: same keys, variables and checks as agent and bridge. */
  static final ConfigSchema SCHEMA = ConfigSchema.of("ctl", StoreSection.KEYS);

  private StoreSection section;

  String root() {
    return section().root();
  }

  /**
   * The store section from the flags (etcdctl's names mapped onto the section's keys) over the
   * environment ({@code SWITCHBOARD_ETCD_ENDPOINTS}, ...); every problem at once, as a usage error.
   */
  StoreSection section() {
    if (section != null) return section;
    java.util.Map<String, String> flags = new java.util.LinkedHashMap<>();
    flag(flags, "--root", root);
    flag(flags, "--etcd-endpoints", etcd);
    flag(flags, "--zookeeper-connect", zookeeper);
    flag(flags, "--etcd-tls-ca", cacert);
    flag(flags, "--etcd-tls-cert", cert);
    flag(flags, "--etcd-tls-key", key);
    flag(flags, "--etcd-user", user);
    flag(flags, "--etcd-password-file", passwordFile);
    flag(flags, "--zookeeper-tls-ca", zkCacert);
    flag(flags, "--zookeeper-tls-cert", zkCert);
    flag(flags, "--zookeeper-tls-key", zkKey);
    flag(flags, "--zookeeper-sasl-user", zkUser);
    flag(flags, "--zookeeper-sasl-password-file", zkPasswordFile);
    flag(flags, "--zookeeper-digest-user", zkDigestUser);
    flag(flags, "--zookeeper-digest-password-file", zkDigestPasswordFile);
    flag(flags, "--zookeeper-acl", zkAcl);
    java.util.Map<String, String> env = new java.util.HashMap<>(System.getenv());
    // the short names ctl has always read
    if (env.get("SWITCHBOARD_ETCD_ENDPOINTS") == null && env.get("SWITCHBOARD_ETCD") != null) env.put("SWITCHBOARD_ETCD_ENDPOINTS", env.get("SWITCHBOARD_ETCD"));
    if (env.get("SWITCHBOARD_ZOOKEEPER_CONNECT") == null && env.get("SWITCHBOARD_ZOOKEEPER") != null) env.put("SWITCHBOARD_ZOOKEEPER_CONNECT", env.get("SWITCHBOARD_ZOOKEEPER"));
    // a flag naming one store hides the other store's variable: ctl talks to one store
    if (etcd != null && zookeeper == null) env.remove("SWITCHBOARD_ZOOKEEPER_CONNECT");
    if (zookeeper != null && etcd == null) env.remove("SWITCHBOARD_ETCD_ENDPOINTS");
    ConfigValues v = ConfigLayer.load(SCHEMA, null, env, flags);
    StoreSection s = StoreSection.read(v);
    if (!v.problems().isEmpty()) throw usage(String.join("; ", v.problems()));
    section = s;
    return s;
  }

  private static void flag(java.util.Map<String, String> m, String name, String value) {
    if (value != null) m.put(name, value);
  }

  /** The client options of the one store given (etcd or ZooKeeper; the other is null). */
  private record Options(EtcdOptions etcd, ZooKeeperOptions zookeeper) {}

  private Options options() {
    // operators read our output, not the store clients' INFO logs (override with the property)
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    quietClientLibraries();
    StoreSection s = section();
    java.util.List<String> e = s.etcdEndpoints();
    String z = s.zookeeperConnect();
    if (e == null && z == null) throw usage("give --etcd URL[,URL] or --zookeeper HOST:PORT[,...] (or SWITCHBOARD_ETCD_ENDPOINTS / SWITCHBOARD_ZOOKEEPER_CONNECT)");
    if (e != null && z != null) throw usage("give one store: --etcd or --zookeeper, not both (the bridge syncs them)");
    StoreSecurity security = s.security();
    try {
      // one-shot commands: a generous deadline (a fresh client's first request includes connecting)
      java.time.Duration deadline = java.time.Duration.ofSeconds(15);
      return new Options(
          e == null ? null : security.apply(EtcdOptions.builder().endpoints(e).operationTimeout(deadline)).build(),
          z == null ? null : security.apply(ZooKeeperOptions.builder(z).operationTimeout(deadline).connectionTimeout(deadline)).build());
    } catch (IllegalArgumentException ex) {
      throw usage((e != null ? "--etcd: " : "--zookeeper: ") + ex.getMessage());
    }
  }

  KeySpace open() {
    Options o = options();
    try {
      return o.etcd() != null ? KeySpaces.etcd(o.etcd()) : KeySpaces.zookeeper(o.zookeeper());
    } catch (StoreException ex) {
      // an unreadable key or password file: the operation cannot run (exit 1), nothing else to clean up
      throw new Failed("cannot open " + (o.etcd() != null ? "etcd" : "ZooKeeper") + ": " + ex.getMessage());
    }
  }

  /**
   * Runs an administrative body with a raw client of the one store given (the store factory's, so TLS and
   * credentials are the same as for every other verb); failures are exit 1.
   */
  int runAdmin(java.util.function.Consumer<io.etcd.jetcd.Client> etcdBody,
      java.util.function.Consumer<org.apache.curator.framework.CuratorFramework> zkBody) {
    Options o = options();
    try {
      if (o.etcd() != null) {
        try (io.etcd.jetcd.Client c = dev.switchboard.store.StoreClients.etcd(o.etcd())) {
          etcdBody.accept(c);
        }
      } else {
        try (org.apache.curator.framework.CuratorFramework c = dev.switchboard.store.StoreClients.zookeeper(o.zookeeper())) {
          c.start();
          if (!c.blockUntilConnected(15, TimeUnit.SECONDS)) throw new Failed("ZooKeeper " + o.zookeeper().connectString() + ": not connected within 15 s");
          zkBody.accept(c);
        }
      }
      return Main.EXIT_OK;
    } catch (Failed | StoreException f) {
      System.err.println(prefix() + f.getMessage());
      return Main.EXIT_FAILED;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      System.err.println("switchboard ctl: interrupted");
      return Main.EXIT_FAILED;
    }
  }

  /** "switchboard ctl: " or, for a verb outside ctl that shares these flags, "switchboard <verb>: ". */
  private String prefix() {
    CommandLine parent = spec.commandLine().getParent();
    boolean topLevelVerb = parent != null && parent.getParent() == null; // e.g. switchboard console
    return "switchboard " + (topLevelVerb ? spec.commandLine().getCommandName() : "ctl") + ": ";
  }

  CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  String name(String what, String value) {
    if (!Keys.isValidName(value)) throw usage(what + " name '" + value + "' is invalid (must match " + Keys.NAME.pattern() + ")");
    return value;
  }

  static <T> T await(CompletableFuture<T> f, String what) {
    try {
      return f.get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw new Failed(what + ": " + (c instanceof StoreException ? c.getMessage() : c.toString()));
    } catch (TimeoutException e) {
      throw new Failed(what + ": no answer from the store within 30 s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Failed(what + ": interrupted");
    }
  }

  /** Held so the level sticks (java.util.logging keeps loggers weakly). */
  private static final java.util.logging.Logger GRPC_LOG = java.util.logging.Logger.getLogger("io.grpc");

  /**
   * A CLI verb reports failures in its own words: the store clients' chatter (gRPC's INFO lines through
   * java.util.logging, Curator's and ZooKeeper's connection-timeout WARN lines) is not printed. A property set
   * on the command line wins.
   */
  static void quietClientLibraries() {
    GRPC_LOG.setLevel(java.util.logging.Level.WARNING);
    for (String lib : new String[] {"org.apache.curator", "org.apache.zookeeper", "io.vertx", "io.netty", "io.etcd",
        "dev.switchboard.store"}) { // the store adapter's connection probes too: a failed verb says why itself
      String key = "org.slf4j.simpleLogger.log." + lib;
      if (System.getProperty(key) == null) System.setProperty(key, "error");
    }
  }

  static void put(KeySpace ks, String key, String value) {
    await(ks.put(key, value.getBytes(StandardCharsets.UTF_8)), "writing " + key + " to " + ks.storeName());
    System.out.println(key + " = " + value);
  }

  static boolean delete(KeySpace ks, String key) {
    boolean had = await(ks.delete(key), "deleting " + key + " in " + ks.storeName());
    System.out.println(key + (had ? " deleted" : " was absent"));
    return had;
  }

  static Optional<String> get(KeySpace ks, String key) {
    return await(ks.get(key), "reading " + key + " from " + ks.storeName()).map(en -> en.valueUtf8());
  }

  /** Runs {@code body} with an open store; maps failures to exit 1. */
  int run(java.util.function.ToIntFunction<KeySpace> body) {
    KeySpace ks;
    try {
      ks = open();
    } catch (Failed f) {
      System.err.println(prefix() + f.getMessage());
      return Main.EXIT_FAILED;
    }
    try {
      return body.applyAsInt(ks);
    } catch (Failed f) {
      // why the store did not answer (wrong CA, expired certificate, wrong password, ...), when known
      String why = ks.problem().filter(p -> !f.getMessage().contains(p)).map(p -> "\n  cause: " + p).orElse("");
      System.err.println(prefix() + f.getMessage() + why);
      return Main.EXIT_FAILED;
    } finally {
      ks.close();
    }
  }
}
