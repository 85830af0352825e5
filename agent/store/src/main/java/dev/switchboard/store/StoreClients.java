package dev.switchboard.store;

import dev.switchboard.store.internal.ReloadingTls;
import dev.switchboard.store.zookeeper.ZkClients;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apache.curator.framework.CuratorFramework;

/**
 * The one place store clients are built: every etcd and ZooKeeper client of the agent, the bridge
 * (its ledger and leader election included), {@code ctl} and the demo comes from here, so TLS,
 * authentication, timeouts and keep-alive are set once.
 */
public final class StoreClients {
  /** gRPC keep-alive ping interval and its deadline: a dead connection is noticed within ~8 s. */
  public static final Duration KEEPALIVE_TIME = Duration.ofSeconds(5);

  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(3);

  private StoreClients() {}

  /**
   * A jetcd client: endpoints, connect/retry deadlines from {@link EtcdOptions#operationTimeout()},
   * keep-alive, TLS from PEM files (re-read when they change on disk), user and password (read
   * from their source now), authority override.
   *
   * @throws StoreException REJECTED when a TLS file or the password cannot be read
   */
  public static Client etcd(EtcdOptions o) {
    ClientBuilder b =
        Client.builder()
            .endpoints(o.endpoints().toArray(String[]::new))
            .connectTimeout(o.operationTimeout())
            .retryMaxDuration(o.operationTimeout())
            .keepaliveTime(KEEPALIVE_TIME)
            .keepaliveTimeout(KEEPALIVE_TIMEOUT);
    if (o.secure()) {
      b.sslContext(etcdSsl(o));
    }
    if (o.user() != null) {
      char[] pw = o.password().read();
      b.user(ByteSequence.from(o.user(), StandardCharsets.UTF_8));
      b.password(ByteSequence.from(new String(pw).getBytes(StandardCharsets.UTF_8)));
      java.util.Arrays.fill(pw, '\0');
    }
    if (o.authority() != null) {
      b.authority(o.authority());
    }
    return b.build();
  }

  private static SslContext etcdSsl(EtcdOptions o) {
    TlsFiles files = o.tls() == null ? new TlsFiles(null, null, null) : o.tls();
    ReloadingTls tls = new ReloadingTls("etcd", files);
    try {
      SslContextBuilder sb = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).trustManager(tls.trustManager());
      if (files.clientCertificate()) {
        sb.keyManager(tls.keyManager());
      }
      return io.grpc.netty.GrpcSslContexts.configure(sb, SslProvider.JDK).build();
    } catch (SSLException e) {
      throw new StoreException(StoreException.Code.REJECTED, "etcd TLS set-up from " + files + ": " + e.getMessage(), e);
    }
  }

  /**
   * A Curator client (not started): connect string, session and connection timeouts, retry, and
   * security (TLS on the secure client port, SASL, digest, ACLs on every node it creates).
   *
   * @throws StoreException REJECTED when a TLS file or a password cannot be read
   */
  public static CuratorFramework zookeeper(ZooKeeperOptions o) {
    return ZkClients.build(o);
  }
}
