package dev.switchboard.cli.dev;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What development mode asks of the runtime, decided from what the directory holds: a pure function.
 *
 * <table>
 *   <caption>Per plugin id</caption>
 *   <tr><th>directory</th><th>last attempt</th><th>action</th></tr>
 *   <tr><td>no jar declares the id</td><td>any</td><td>deactivate</td></tr>
 *   <tr><td>jars declare it; its {@code <id>.json} is broken</td><td>any</td><td>none (the running version keeps
 *       its config; the problem was reported)</td></tr>
 *   <tr><td>jars declare it (the one that settled last wins), with its config</td><td>the same jar and config</td>
 *       <td>none (also when that attempt was refused: asking again gives the same answer)</td></tr>
 *   <tr><td>the same</td><td>none or another jar/config</td><td>activate (the runtime starts, upgrades or
 *       reconfigures)</td></tr>
 * </table>
 */
public final class DevPlan {
  private DevPlan() {}

  /** A complete jar in the directory; {@code order} grows with each file that settles (the newest wins). */
  public record Jar(JarCheck.JarInfo info, long order) {
    public Jar {
      Objects.requireNonNull(info, "info == null");
    }
  }

  /** What was last asked of the runtime for one plugin. */
  public record Attempt(String sha256, String configJson) {}

  /** One request to the runtime. */
  public sealed interface Action permits Activate, Deactivate {
    String pluginId();
  }

  public record Activate(String pluginId, JarCheck.JarInfo jar, String configJson) implements Action {
    public Attempt attempt() {
      return new Attempt(jar.sha256(), configJson);
    }
  }

  public record Deactivate(String pluginId) implements Action {}

  /**
   * @param jars the complete jars in the directory (by file name)
   * @param configs the readable {@code <id>.json} files (by plugin id; absent means {@code {}})
   * @param brokenConfigs plugin ids whose {@code <id>.json} is not a JSON object
   * @param attempted the last attempt per plugin id still active or refused
   * @return the actions, deactivations first, each group by plugin id
   */
  public static List<Action> plan(Map<String, Jar> jars, Map<String, String> configs, Set<String> brokenConfigs,
      Map<String, Attempt> attempted) {
    Map<String, Jar> newest = newestPerId(jars.values());
    List<Action> out = new ArrayList<>();
    for (String id : new TreeMap<>(attempted).keySet()) {
      if (!newest.containsKey(id)) out.add(new Deactivate(id));
    }
    for (Map.Entry<String, Jar> e : new TreeMap<>(newest).entrySet()) {
      String id = e.getKey();
      if (brokenConfigs.contains(id)) continue;
      Activate a = new Activate(id, e.getValue().info(), configs.getOrDefault(id, "{}"));
      if (!a.attempt().equals(attempted.get(id))) out.add(a);
    }
    return out;
  }

  private static Map<String, Jar> newestPerId(Collection<Jar> jars) {
    Map<String, Jar> out = new LinkedHashMap<>();
    for (Jar j : jars) {
      out.merge(j.info().pluginId(), j, (a, b) -> a.order() >= b.order() ? a : b);
    }
    return out;
  }
}
