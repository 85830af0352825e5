package dev.switchboard.runtime.plugin;

import dev.switchboard.api.runtime.TrafficSplit;
import dev.switchboard.control.TrafficRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns a traffic request's version names into a split between two instances, and reports live splits. */
final class TrafficSplits {
  private TrafficSplits() {}

  /** A plugin's live split: the instance that ran first, the one beside it, and the request in force. */
  record Live(PluginInstance primary, PluginInstance secondary, TrafficRequest request) {}

  /**
   * @throws IllegalArgumentException naming the versions when the weights or pins name another version
   */
  static TrafficSplit split(TrafficRequest r, String primaryVersion, String secondaryVersion) {
    if (primaryVersion.equals(secondaryVersion)) {
      throw new IllegalArgumentException("the second jar has the same version " + primaryVersion + " as the active one");
    }
    Integer wp = r.weights().get(primaryVersion);
    Integer ws = r.weights().get(secondaryVersion);
    if (wp == null || ws == null) {
      throw new IllegalArgumentException("weights " + r.weights() + " must name the active version " + primaryVersion
          + " and the second version " + secondaryVersion);
    }
    Map<String, Boolean> pins = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : r.pins().entrySet()) {
      if (e.getValue().equals(primaryVersion)) {
        pins.put(e.getKey(), false);
      } else if (e.getValue().equals(secondaryVersion)) {
        pins.put(e.getKey(), true);
      } else {
        throw new IllegalArgumentException("pin " + e.getKey() + " names version " + e.getValue() + ", neither "
            + primaryVersion + " nor " + secondaryVersion);
      }
    }
    return new TrafficSplit(wp, ws, r.hashKey(), r.pinHeader(), pins);
  }

  /** The figures of one live split (see {@link PluginManager#trafficFigures()}). */
  static Map<String, Object> figures(Live live) {
    Map<String, Object> versions = new LinkedHashMap<>();
    for (PluginInstance i : new PluginInstance[] {live.primary(), live.secondary()}) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("weight", (long) live.request().weights().getOrDefault(i.version, 0));
      v.put("calls", i.routedCalls());
      v.put("sha256", i.sha256);
      versions.put(i.version, v);
    }
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("versions", versions);
    if (live.request().hashKey() != null) m.put("hashKey", live.request().hashKey());
    if (live.request().pinHeader() != null) {
      m.put("pinHeader", live.request().pinHeader());
      m.put("pins", new LinkedHashMap<>(live.request().pins()));
    }
    return m;
  }
}
