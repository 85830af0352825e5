package dev.switchboard.store;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The security settings of both stores, parsed the same way for the agent, the bridge, {@code ctl}
 * and the demo. Keys (YAML path; environment variable = prefix + upper-case path joined by
 * {@code _}; flag = {@code --} + lower-case path joined by {@code -}):
 *
 * <pre>
 * etcd.tls.ca / etcd.tls.cert / etcd.tls.key      PEM files
 * etcd.user / etcd.passwordFile                   password: the file's first line, or env &lt;prefix&gt;ETCD_PASSWORD
 * etcd.authority                                  TLS server name / authority override
 * zookeeper.tls.ca / .cert / .key                 PEM files, secure client port
 * zookeeper.sasl.user / zookeeper.sasl.passwordFile     SASL DIGEST-MD5 (env &lt;prefix&gt;ZOOKEEPER_SASL_PASSWORD)
 * zookeeper.digest.user / zookeeper.digest.passwordFile digest scheme (env &lt;prefix&gt;ZOOKEEPER_DIGEST_PASSWORD)
 * zookeeper.acl                                   list of scheme:id:perms for nodes this client creates
 * </pre>
 *
 * <p>A password is never a YAML value or a flag: a file, or an environment variable.
 */
public record StoreSecurity(
    TlsFiles etcdTls,
    String etcdUser,
    Secret etcdPassword,
    String etcdAuthority,
    TlsFiles zkTls,
    String zkSaslUser,
    Secret zkSaslPassword,
    String zkDigestUser,
    Secret zkDigestPassword,
    List<String> zkAcl) {
  public static final StoreSecurity NONE = new StoreSecurity(null, null, null, null, null, null, null, null, null, List.of());

  /** Paths of the string-valued keys. */
  public static final List<String> STRING_KEYS = List.of(
      "etcd.tls.ca", "etcd.tls.cert", "etcd.tls.key", "etcd.user", "etcd.passwordFile", "etcd.authority",
      "zookeeper.tls.ca", "zookeeper.tls.cert", "zookeeper.tls.key",
      "zookeeper.sasl.user", "zookeeper.sasl.passwordFile", "zookeeper.digest.user", "zookeeper.digest.passwordFile");

  /** Paths of the list-valued keys. */
  public static final List<String> LIST_KEYS = List.of("zookeeper.acl");

  public StoreSecurity {
    zkAcl = List.copyOf(zkAcl == null ? List.of() : zkAcl);
  }

  /** Adds the etcd settings to {@code b}. */
  public EtcdOptions.Builder apply(EtcdOptions.Builder b) {
    return b.tls(etcdTls).auth(etcdUser, etcdPassword).authority(etcdAuthority);
  }

  /** Adds the ZooKeeper settings to {@code b}. */
  public ZooKeeperOptions.Builder apply(ZooKeeperOptions.Builder b) {
    return b.tls(zkTls).sasl(zkSaslUser, zkSaslPassword).digest(zkDigestUser, zkDigestPassword).acl(zkAcl);
  }

  /**
   * Reads the settings from {@code values} (path → String, or List for {@link #LIST_KEYS}) and the
   * password variables from {@code env}; every problem is added to {@code problems} naming the key
   * and the value.
   *
   * @param envPrefix {@code SWITCHBOARD_} (every process, through {@code store.config.StoreSection})
   */
  @SuppressWarnings("unchecked")
  public static StoreSecurity parse(Map<String, ?> values, Function<String, String> env, String envPrefix, List<String> problems) {
    Function<String, String> s = k -> {
      Object v = values.get(k);
      return v == null || v.toString().isBlank() ? null : v.toString().strip();
    };
    int before = problems.size();
    TlsFiles etcdTls = tls("etcd", s, problems);
    Secret etcdPw = password("etcd.user", s.apply("etcd.user"), "etcd.passwordFile", s.apply("etcd.passwordFile"), envPrefix + "ETCD_PASSWORD", env, problems);
    TlsFiles zkTls = tls("zookeeper", s, problems);
    Secret saslPw = password("zookeeper.sasl.user", s.apply("zookeeper.sasl.user"), "zookeeper.sasl.passwordFile", s.apply("zookeeper.sasl.passwordFile"),
        envPrefix + "ZOOKEEPER_SASL_PASSWORD", env, problems);
    Secret digestPw = password("zookeeper.digest.user", s.apply("zookeeper.digest.user"), "zookeeper.digest.passwordFile", s.apply("zookeeper.digest.passwordFile"),
        envPrefix + "ZOOKEEPER_DIGEST_PASSWORD", env, problems);
    Object aclValue = values.get("zookeeper.acl");
    List<String> acl = aclValue instanceof List<?> l ? (List<String>) l : aclValue == null ? List.of() : List.of(aclValue.toString().split(","));
    List<String> cleaned = new ArrayList<>();
    for (String a : acl) {
      if (a.isBlank()) {
        continue;
      }
      try {
        dev.switchboard.store.zookeeper.ZkSecurity.parseAcl(a.strip());
        cleaned.add(a.strip());
      } catch (IllegalArgumentException e) {
        problems.add("zookeeper.acl: " + e.getMessage());
      }
    }
    if (problems.size() > before) {
      return NONE;
    }
    return new StoreSecurity(etcdTls, s.apply("etcd.user"), etcdPw, s.apply("etcd.authority"), zkTls,
        s.apply("zookeeper.sasl.user"), saslPw, s.apply("zookeeper.digest.user"), digestPw, cleaned);
  }

  private static TlsFiles tls(String store, Function<String, String> s, List<String> problems) {
    String ca = s.apply(store + ".tls.ca");
    String cert = s.apply(store + ".tls.cert");
    String key = s.apply(store + ".tls.key");
    if (ca == null && cert == null && key == null) {
      return null;
    }
    if ((cert == null) != (key == null)) {
      problems.add(store + ".tls.cert and " + store + ".tls.key go together: cert='" + cert + "', key='" + key + "'");
      return null;
    }
    return new TlsFiles(ca == null ? null : Path.of(ca), cert == null ? null : Path.of(cert), key == null ? null : Path.of(key));
  }

  private static Secret password(String userKey, String user, String fileKey, String file, String envName, Function<String, String> env, List<String> problems) {
    String fromEnv = env.apply(envName);
    boolean hasEnv = fromEnv != null && !fromEnv.isEmpty();
    if (user == null) {
      if (file != null) {
        problems.add(fileKey + " '" + file + "' is set but " + userKey + " is not");
      }
      return null;
    }
    if (user.contains(":")) {
      problems.add(userKey + " must not contain ':': '" + user + "'");
    }
    if (file != null) {
      return Secret.file(Path.of(file));
    }
    if (hasEnv) {
      return Secret.env(envName, env);
    }
    problems.add(userKey + " '" + user + "' needs a password: set " + fileKey + " or the environment variable " + envName);
    return null;
  }
}
