package dev.switchboard.bridge.mapping;

import dev.switchboard.store.Keys;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bidirectional key mapping between etcd and ZooKeeper, e.g. etcd {@code /plugins/{name}/enabled}
 * ↔ ZooKeeper {@code /plugins/{name}}. A {@code {var}} matches one segment that is a valid name
 * (docs/reference.md §1); a final {@code {**}} matches one or more segments (a whole subtree). Both templates
 * must use the same variables. Values are copied unchanged.
 */
public final class Mapping {
  private final String etcdTemplate;
  private final String zkTemplate;
  private final List<String> etcdSegs;
  private final List<String> zkSegs;

  private Mapping(String etcdTemplate, String zkTemplate) {
    this.etcdTemplate = etcdTemplate;
    this.zkTemplate = zkTemplate;
    this.etcdSegs = segments("etcd", etcdTemplate);
    this.zkSegs = segments("zookeeper", zkTemplate);
    List<String> ev = vars(etcdSegs);
    List<String> zv = vars(zkSegs);
    if (!new java.util.TreeSet<>(ev).equals(new java.util.TreeSet<>(zv)) || ev.size() != zv.size()) {
      throw new IllegalArgumentException("mapping " + this + ": both sides must use the same variables, got " + ev + " and " + zv);
    }
    if (ev.contains("**") && !(etcdSegs.get(etcdSegs.size() - 1).equals("{**}") && zkSegs.get(zkSegs.size() - 1).equals("{**}"))) {
      throw new IllegalArgumentException("mapping " + this + ": {**} must be the last segment on both sides");
    }
    if (prefix(etcdSegs).equals("/") || prefix(zkSegs).equals("/")) {
      throw new IllegalArgumentException("mapping " + this + ": a template must start with a literal segment");
    }
  }

  /** A mapping from two templates; throws {@link IllegalArgumentException} naming the problem. */
  public static Mapping of(String etcdTemplate, String zkTemplate) {
    return new Mapping(etcdTemplate, zkTemplate);
  }

  /** The identity mapping of a whole subtree ({@code <root>/services/**}). */
  public static Mapping subtree(String path) {
    Keys.requirePath(path);
    return new Mapping(path + "/{**}", path + "/{**}");
  }

  private static List<String> segments(String side, String t) {
    if (t == null || !t.startsWith("/") || t.endsWith("/") || t.contains("//")) {
      throw new IllegalArgumentException(side + " template is not an absolute path: " + t);
    }
    List<String> out = new ArrayList<>();
    for (String s : t.substring(1).split("/")) {
      if (s.startsWith("{") && s.endsWith("}")) {
        String v = s.substring(1, s.length() - 1);
        if (!v.equals("**") && !v.matches("[a-zA-Z][a-zA-Z0-9_]*")) {
          throw new IllegalArgumentException(side + " template " + t + ": bad variable " + s);
        }
      } else if (!Keys.isValidPath("/" + s)) {
        throw new IllegalArgumentException(side + " template " + t + ": bad segment \"" + s + "\"");
      }
      out.add(s);
    }
    return out;
  }

  private static List<String> vars(List<String> segs) {
    List<String> out = new ArrayList<>();
    for (String s : segs) {
      if (s.startsWith("{")) {
        String v = s.substring(1, s.length() - 1);
        if (out.contains(v)) {
          throw new IllegalArgumentException("variable {" + v + "} used twice");
        }
        out.add(v);
      }
    }
    return out;
  }

  private static String prefix(List<String> segs) {
    StringBuilder b = new StringBuilder();
    for (String s : segs) {
      if (s.startsWith("{")) {
        break;
      }
      b.append('/').append(s);
    }
    return b.length() == 0 ? "/" : b.toString();
  }

  /** The literal part of the etcd template: the prefix the bridge watches in etcd. */
  public String etcdPrefix() {
    return prefix(etcdSegs);
  }

  /** The literal part of the ZooKeeper template: the prefix the bridge watches in ZooKeeper. */
  public String zkPrefix() {
    return prefix(zkSegs);
  }

  public String etcdTemplate() {
    return etcdTemplate;
  }

  public String zkTemplate() {
    return zkTemplate;
  }

  public Optional<String> toZk(String etcdKey) {
    return match(etcdSegs, etcdKey).map(b -> render(zkSegs, b));
  }

  public Optional<String> toEtcd(String zkKey) {
    return match(zkSegs, zkKey).map(b -> render(etcdSegs, b));
  }

  private static Optional<Map<String, String>> match(List<String> segs, String key) {
    if (!Keys.isValidPath(key)) {
      return Optional.empty();
    }
    String[] parts = key.substring(1).split("/");
    Map<String, String> b = new HashMap<>();
    for (int i = 0; i < segs.size(); i++) {
      String s = segs.get(i);
      if (s.equals("{**}")) {
        if (parts.length <= i) {
          return Optional.empty();
        }
        b.put("**", String.join("/", java.util.Arrays.copyOfRange(parts, i, parts.length)));
        return Optional.of(b);
      }
      if (i >= parts.length) {
        return Optional.empty();
      }
      if (s.startsWith("{")) {
        if (!Keys.isValidName(parts[i])) {
          return Optional.empty();
        }
        b.put(s.substring(1, s.length() - 1), parts[i]);
      } else if (!s.equals(parts[i])) {
        return Optional.empty();
      }
    }
    return parts.length == segs.size() ? Optional.of(b) : Optional.empty();
  }

  private static String render(List<String> segs, Map<String, String> b) {
    StringBuilder out = new StringBuilder();
    for (String s : segs) {
      out.append('/').append(s.startsWith("{") ? b.get(s.substring(1, s.length() - 1)) : s);
    }
    return out.toString();
  }

  @Override
  public String toString() {
    return "etcd " + etcdTemplate + " <-> zookeeper " + zkTemplate;
  }
}
