package dev.switchboard.bridge.mapping;

import dev.switchboard.store.Keys;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The bridge's mappings: {@code <root>/services/**} both ways, plus configured ones. The etcd key is
 * the canonical name of a bridged key (ledger entries are keyed by it). Watched prefixes must not
 * overlap each other, nor {@code <root>/status} (never bridged) nor the bridge's own prefix.
 */
public final class Mappings {
  /** A bridged key: its etcd and ZooKeeper paths and the mapping that relates them. */
  public record Pair(String etcdKey, String zkKey, Mapping mapping) {}

  private final List<Mapping> list;

  public Mappings(String root, List<Mapping> extra, String bridgePrefix) {
    List<Mapping> all = new ArrayList<>();
    all.add(Mapping.subtree(Keys.join(root, "services")));
    all.addAll(extra);
    String status = Keys.join(root, "status");
    for (int i = 0; i < all.size(); i++) {
      Mapping a = all.get(i);
      for (String reserved : List.of(status, bridgePrefix)) {
        if (overlaps(a.etcdPrefix(), reserved) || overlaps(a.zkPrefix(), reserved)) {
          throw new IllegalArgumentException("mapping " + a + " overlaps " + reserved + ", which is never bridged");
        }
      }
      for (int j = 0; j < i; j++) {
        Mapping b = all.get(j);
        if (overlaps(a.etcdPrefix(), b.etcdPrefix()) || overlaps(a.zkPrefix(), b.zkPrefix())) {
          throw new IllegalArgumentException("mapping " + a + " overlaps mapping " + b);
        }
      }
    }
    this.list = List.copyOf(all);
  }

  static boolean overlaps(String p, String q) {
    return p.equals(q) || Keys.isUnder(p, q) || Keys.isUnder(q, p);
  }

  public List<Mapping> all() {
    return list;
  }

  public Set<String> etcdPrefixes() {
    Set<String> s = new LinkedHashSet<>();
    list.forEach(m -> s.add(m.etcdPrefix()));
    return s;
  }

  public Set<String> zkPrefixes() {
    Set<String> s = new LinkedHashSet<>();
    list.forEach(m -> s.add(m.zkPrefix()));
    return s;
  }

  public Optional<Pair> fromEtcd(String etcdKey) {
    for (Mapping m : list) {
      Optional<String> z = m.toZk(etcdKey);
      if (z.isPresent()) {
        return Optional.of(new Pair(etcdKey, z.get(), m));
      }
    }
    return Optional.empty();
  }

  public Optional<Pair> fromZk(String zkKey) {
    for (Mapping m : list) {
      Optional<String> e = m.toEtcd(zkKey);
      if (e.isPresent()) {
        return Optional.of(new Pair(e.get(), zkKey, m));
      }
    }
    return Optional.empty();
  }
}
