package dev.switchboard.store.zookeeper;

import dev.switchboard.store.StoreException;
import dev.switchboard.store.ZooKeeperOptions;
import dev.switchboard.store.internal.PemFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.auth.login.Configuration;
import org.apache.curator.framework.api.ACLProvider;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.ACL;
import org.apache.zookeeper.data.Id;

/**
 * ZooKeeper client security from {@link ZooKeeperOptions}: the client configuration (TLS on the
 * secure client port, SASL DIGEST-MD5 through a per-client JAAS section) and the ACL put on every
 * node the client creates.
 */
public final class ZkSecurity {
  private static final AtomicLong SECTIONS = new AtomicLong();
  private static final Map<String, AppConfigurationEntry[]> JAAS = new ConcurrentHashMap<>();
  private static volatile boolean installed;

  private ZkSecurity() {}

  /** {@code scheme:id:perms} (the id may contain ':', as digest ids do) → an ACL. */
  public static ACL parseAcl(String text) {
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last <= first) {
      throw new IllegalArgumentException("acl entry is not scheme:id:perms: '" + text + "'");
    }
    String scheme = text.substring(0, first);
    String id = text.substring(first + 1, last);
    String perms = text.substring(last + 1);
    if (!List.of("world", "auth", "digest", "sasl", "ip", "x509").contains(scheme)) {
      throw new IllegalArgumentException("acl entry '" + text + "': unknown scheme '" + scheme + "' (world, auth, digest, sasl, ip, x509)");
    }
    if (perms.isEmpty() || !perms.matches("[cdrwa]+")) {
      throw new IllegalArgumentException("acl entry '" + text + "': perms must be letters of cdrwa, got '" + perms + "'");
    }
    int p = 0;
    for (char c : perms.toCharArray()) {
      p |= switch (c) {
        case 'c' -> ZooDefs.Perms.CREATE;
        case 'd' -> ZooDefs.Perms.DELETE;
        case 'r' -> ZooDefs.Perms.READ;
        case 'w' -> ZooDefs.Perms.WRITE;
        default -> ZooDefs.Perms.ADMIN;
      };
    }
    return new ACL(p, new Id(scheme, id));
  }

  /** The ACLs for nodes this client creates. */
  public static List<ACL> acls(ZooKeeperOptions o) {
    if (!o.acl().isEmpty()) {
      List<ACL> l = new ArrayList<>();
      o.acl().forEach(a -> l.add(parseAcl(a)));
      // ZooKeeper calls contains(null) on the list: no List.of (which throws on a null query)
      return java.util.Collections.unmodifiableList(l);
    }
    if (!o.authenticated()) {
      return ZooDefs.Ids.OPEN_ACL_UNSAFE;
    }
    return java.util.Collections.unmodifiableList(new ArrayList<>(java.util.Arrays.asList(
        new ACL(ZooDefs.Perms.ALL, ZooDefs.Ids.AUTH_IDS), new ACL(ZooDefs.Perms.READ, ZooDefs.Ids.ANYONE_ID_UNSAFE))));
  }

  static ACLProvider aclProvider(ZooKeeperOptions o) {
    List<ACL> acls = acls(o);
    return new ACLProvider() {
      @Override
      public List<ACL> getDefaultAcl() {
        return acls;
      }

      @Override
      public List<ACL> getAclForPath(String path) {
        return acls;
      }
    };
  }

  /** The digest-scheme id ({@code user:base64(sha1(user:password))}) for ACL entries. */
  public static String digestId(String user, char[] password) {
    try {
      byte[] sha = java.security.MessageDigest.getInstance("SHA1").digest((user + ":" + new String(password)).getBytes(StandardCharsets.UTF_8));
      return user + ":" + Base64.getEncoder().encodeToString(sha);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new StoreException(StoreException.Code.INTERNAL, "SHA1 missing: " + e, e);
    }
  }

  /**
   * The ZooKeeper client configuration: SASL off unless configured (no JAAS look-up, no noise),
   * TLS through the Netty client socket with a key store file built from the PEM files.
   *
   * @param tlsDir where the combined PEM key store is written (mode 0600); used only with TLS
   */
  static ZKClientConfig clientConfig(ZooKeeperOptions o, Path tlsDir) {
    ZKClientConfig c = new ZKClientConfig();
    if (o.saslUser() != null) {
      String section = "switchboard-zk-" + SECTIONS.incrementAndGet();
      char[] pw = o.saslPassword().read();
      JAAS.put(section, new AppConfigurationEntry[] {
          new AppConfigurationEntry("org.apache.zookeeper.server.auth.DigestLoginModule",
              AppConfigurationEntry.LoginModuleControlFlag.REQUIRED,
              Map.of("username", o.saslUser(), "password", new String(pw)))});
      installJaas();
      c.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "true");
      c.setProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY, section);
    } else {
      c.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    }
    if (o.tls() != null) {
      c.setProperty(ZKClientConfig.ZOOKEEPER_CLIENT_CNXN_SOCKET, "org.apache.zookeeper.ClientCnxnSocketNetty");
      c.setProperty(ZKClientConfig.SECURE_CLIENT, "true");
      writeKeyStores(o, tlsDir);
      if (o.tls().clientCertificate()) {
        c.setProperty("zookeeper.ssl.keyStore.location", tlsDir.resolve("client.pem").toString());
        c.setProperty("zookeeper.ssl.keyStore.type", "PEM");
      }
      if (o.tls().ca() != null) {
        c.setProperty("zookeeper.ssl.trustStore.location", tlsDir.resolve("ca.pem").toString());
        c.setProperty("zookeeper.ssl.trustStore.type", "PEM");
      }
      c.setProperty("zookeeper.ssl.hostnameVerification", "true");
    }
    return c;
  }

  /**
   * Validates the PEM files and (re)writes what ZooKeeper's client reads: the key and its chain in
   * one file, the CA bundle in another. ZooKeeper reads them at every connection attempt.
   */
  static void writeKeyStores(ZooKeeperOptions o, Path dir) {
    try {
      Files.createDirectories(dir);
      if (o.tls().clientCertificate()) {
        PemFiles.privateKey(o.tls().key());
        List<X509Certificate> chain = PemFiles.certificates(o.tls().cert(), "tls.cert");
        String combined = Files.readString(o.tls().key()) + "\n" + Files.readString(o.tls().cert());
        writePrivate(dir.resolve("client.pem"), combined);
        if (chain.isEmpty()) {
          throw new StoreException(StoreException.Code.REJECTED, "tls.cert " + o.tls().cert() + " is empty");
        }
      }
      if (o.tls().ca() != null) {
        PemFiles.certificates(o.tls().ca(), "tls.ca");
        writePrivate(dir.resolve("ca.pem"), Files.readString(o.tls().ca()));
      }
    } catch (IOException e) {
      throw new StoreException(StoreException.Code.REJECTED, "zookeeper TLS files: " + e, e);
    }
  }

  private static void writePrivate(Path target, String text) throws IOException {
    Path tmp = Files.createTempFile(target.getParent(), ".tls", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Files.writeString(tmp, text);
    Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** Removes a client's JAAS section when its client closes. */
  static void forget(ZKClientConfig c) {
    String section = c.getProperty(ZKClientConfig.LOGIN_CONTEXT_NAME_KEY);
    if (section != null) {
      JAAS.remove(section);
    }
  }

  private static synchronized void installJaas() {
    if (installed) {
      return;
    }
    Configuration base;
    try {
      base = Configuration.getConfiguration();
    } catch (SecurityException e) {
      base = null;
    }
    Configuration fallback = base;
    Configuration.setConfiguration(new Configuration() {
      @Override
      public AppConfigurationEntry[] getAppConfigurationEntry(String name) {
        AppConfigurationEntry[] e = JAAS.get(name);
        if (e != null) {
          return e;
        }
        return fallback == null ? null : fallback.getAppConfigurationEntry(name);
      }
    });
    installed = true;
  }
}
