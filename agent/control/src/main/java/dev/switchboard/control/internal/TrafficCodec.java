package dev.switchboard.control.internal;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.TrafficRequest;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The {@code traffic} request on the wire: {@code {pluginId, action, jarPath?, sha256?, configJson?, weights?, hashKey?, pinHeader?, pins?}}. */
public final class TrafficCodec {
  private static final int MAX_PINS = 64;

  private TrafficCodec() {}

  public static Map<String, Object> body(TrafficRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pluginId", r.pluginId());
    m.put("action", r.action().name().toLowerCase(Locale.ROOT));
    if (r.jar() != null) {
      m.put("jarPath", r.jar().jarPath());
      m.put("sha256", r.jar().sha256());
      m.put("configJson", r.jar().configJson());
    }
    if (!r.weights().isEmpty()) {
      Map<String, Object> w = new LinkedHashMap<>();
      r.weights().forEach((k, v) -> w.put(k, (long) v));
      m.put("weights", w);
    }
    if (r.hashKey() != null) m.put("hashKey", r.hashKey());
    if (r.pinHeader() != null) m.put("pinHeader", r.pinHeader());
    if (!r.pins().isEmpty()) m.put("pins", new LinkedHashMap<>(r.pins()));
    return m;
  }

  /** Reads and validates a traffic request. */
  public static TrafficRequest read(Map<String, Object> m) {
    String pluginId = Codec.pluginId(m);
    String action = Fields.string(m, "action");
    TrafficRequest.Action a;
    try {
      a = TrafficRequest.Action.valueOf(action.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw Fields.bad("field 'action' is not split, promote or abort: " + Codec.abbreviate(action));
    }
    if (a != TrafficRequest.Action.SPLIT) return TrafficRequest.finish(pluginId, a);
    ActivateRequest jar = Codec.activate(m);
    Map<String, Integer> weights = new LinkedHashMap<>();
    Map<String, Object> w = Fields.object(m, "weights");
    if (w.size() != 2) throw Fields.bad("field 'weights' must name two versions, has " + w.size());
    for (Map.Entry<String, Object> e : w.entrySet()) {
      if (!(e.getValue() instanceof Long) || (Long) e.getValue() < 0 || (Long) e.getValue() > 10_000) {
        throw Fields.bad("weight of " + Codec.abbreviate(e.getKey()) + " is not an integer in 0..10000: " + e.getValue());
      }
      weights.put(e.getKey(), ((Long) e.getValue()).intValue());
    }
    Map<String, String> pins = new LinkedHashMap<>();
    if (m.get("pins") != null) {
      Map<String, Object> p = Fields.object(m, "pins");
      if (p.size() > MAX_PINS) throw Fields.bad("field 'pins' has more than " + MAX_PINS + " values");
      for (Map.Entry<String, Object> e : p.entrySet()) {
        if (!(e.getValue() instanceof String)) throw Fields.bad("pin " + Codec.abbreviate(e.getKey()) + " does not name a version");
        pins.put(e.getKey(), (String) e.getValue());
      }
    }
    try {
      return new TrafficRequest(pluginId, a, jar, weights, Fields.optString(m, "hashKey"), Fields.optString(m, "pinHeader"), pins);
    } catch (IllegalArgumentException e) {
      throw Fields.bad("traffic: " + e.getMessage());
    }
  }
}
