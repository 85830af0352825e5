package dev.switchboard.cli;

import dev.switchboard.store.zookeeper.ZkSecurity;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.auth.Permission;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.data.ACL;

/**
 * Carries out a {@link RolesPlan}: idempotent (a role or user that exists is kept, grants are
 * repeated harmlessly), printing each action as its etcdctl / zkCli equivalent. Needs an
 * administrator's identity (etcd root; a ZooKeeper identity allowed to create and re-ACL the top).
 */
final class RolesApply {
  private RolesApply() {}

  /**
   * @param passwordDir where a new user's password is read from ({@code <dir>/<user>}, first line); null: only
   *     users that exist are granted their roles, a missing one fails naming the file it needs
   */
  static void etcd(Client client, RolesPlan plan, Path passwordDir, PrintStream out) {
    var auth = client.getAuthClient();
    List<String> roles = new ArrayList<>(CtlStore.await(auth.roleList(), "listing etcd roles").getRoles());
    List<String> users = new ArrayList<>(CtlStore.await(auth.userList(), "listing etcd users").getUsers());
    for (RolesPlan.EtcdStep step : plan.etcd()) {
      if (step instanceof RolesPlan.RoleAdd r) {
        if (roles.contains(r.role())) {
          out.println("# role " + r.role() + " exists");
          continue;
        }
        CtlStore.await(auth.roleAdd(bytes(r.role())), "adding role " + r.role());
        roles.add(r.role());
      } else if (step instanceof RolesPlan.Grant g) {
        ByteSequence key = bytes(g.prefix());
        CtlStore.await(auth.roleGrantPermission(bytes(g.role()), key, prefixEnd(key), type(g.type())),
            "granting " + g.type() + " on " + g.prefix() + " to role " + g.role());
      } else if (step instanceof RolesPlan.UserAdd u) {
        if (users.contains(u.user())) {
          out.println("# user " + u.user() + " exists (password unchanged)");
          continue;
        }
        char[] pw = password(passwordDir, u.user());
        try {
          CtlStore.await(auth.userAdd(bytes(u.user()), ByteSequence.from(new String(pw).getBytes(StandardCharsets.UTF_8))), "adding user " + u.user());
        } finally {
          Arrays.fill(pw, '\0');
        }
        users.add(u.user());
      } else if (step instanceof RolesPlan.UserGrant g) {
        CtlStore.await(auth.userGrantRole(bytes(g.user()), bytes(g.role())), "granting role " + g.role() + " to user " + g.user());
      }
      out.println(step.etcdctl());
    }
  }

  /** Creates each node of the plan with its ACL, or sets the ACL of a node that exists. */
  static void zookeeper(CuratorFramework zk, RolesPlan plan, PrintStream out) {
    for (RolesPlan.ZkNode n : plan.zookeeper()) {
      List<ACL> acl = n.acl().stream().map(ZkSecurity::parseAcl).toList();
      try {
        if (zk.checkExists().forPath(n.path()) == null) {
          zk.create().creatingParentsIfNeeded().withACL(acl).forPath(n.path(), new byte[0]);
          out.println("create " + n.path() + " \"\" " + String.join(",", n.acl()));
        } else {
          zk.setACL().withACL(acl).forPath(n.path());
          out.println("setAcl " + n.path() + " " + String.join(",", n.acl()));
        }
      } catch (Exception e) {
        throw new CtlStore.Failed("setting the ACL of " + n.path() + ": " + e.getMessage());
      }
    }
  }

  private static char[] password(Path dir, String user) {
    if (dir == null) {
      throw new CtlStore.Failed("user " + user + " does not exist: give --password-dir DIR with its password in DIR/" + user);
    }
    Path f = dir.resolve(user);
    try {
      String v = Files.readString(f, StandardCharsets.UTF_8);
      int nl = v.indexOf('\n');
      String line = (nl >= 0 ? v.substring(0, nl) : v).replace("\r", "");
      if (line.isEmpty()) throw new CtlStore.Failed("password file " + f + " for user " + user + " is empty");
      return line.toCharArray();
    } catch (IOException e) {
      throw new CtlStore.Failed("cannot read password file " + f + " for user " + user + ": " + e);
    }
  }

  private static Permission.Type type(String t) {
    return Permission.Type.valueOf(t.toUpperCase(Locale.ROOT));
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** The end of the range of every key starting with {@code key} (its last byte below 0xff incremented). */
  static ByteSequence prefixEnd(ByteSequence key) {
    byte[] b = key.getBytes();
    for (int i = b.length - 1; i >= 0; i--) {
      if (b[i] != (byte) 0xff) {
        byte[] end = Arrays.copyOf(b, i + 1);
        end[i]++;
        return ByteSequence.from(end);
      }
    }
    return ByteSequence.from(new byte[] {0});
  }
}
