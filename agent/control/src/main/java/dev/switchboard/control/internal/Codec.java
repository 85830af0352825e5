package dev.switchboard.control.internal;

import dev.switchboard.control.ActivateRequest;
import dev.switchboard.control.PluginState;
import dev.switchboard.control.PluginStatus;
import dev.switchboard.control.Refusal;
import dev.switchboard.control.RuntimeInfo;
import dev.switchboard.control.Sha256;
import dev.switchboard.control.UnloadOutcome;
import java.util.LinkedHashMap;
import java.util.Map;

/** Converts the shared control values to and from protocol messages, validating every field. */
public final class Codec {
  private Codec() {}

  public static final int MAX_ID_LENGTH = 63;
  public static final int MAX_THREADS_REPORTED = 1000;

  public static Map<String, Object> status(PluginStatus s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pluginId", s.pluginId());
    m.put("state", s.state().name());
    m.put("version", s.version());
    m.put("sha256", s.sha256());
    m.put("since", s.since());
    m.put("error", s.error());
    m.put("unload", s.unload() == null ? null : s.unload().wire());
    m.put("leakedThreads", s.leakedThreads());
    if (s.refusal() != null) { // additive: older clients ignore the field
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("permanent", s.refusal().permanent());
      r.put("previousServing", s.refusal().previousServing());
      m.put("refusal", r);
    }
    return m;
  }

  public static PluginStatus status(Map<String, Object> m) {
    String id = Fields.string(m, "pluginId");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) throw Fields.bad("field 'pluginId' empty or longer than " + MAX_ID_LENGTH + ": " + id.length());
    String stateName = Fields.string(m, "state");
    PluginState state;
    try {
      state = PluginState.valueOf(stateName);
    } catch (IllegalArgumentException e) {
      throw Fields.bad("field 'state' is not a plugin state: " + stateName);
    }
    String unloadText = Fields.optString(m, "unload");
    UnloadOutcome unload;
    try {
      unload = unloadText == null ? null : UnloadOutcome.fromWire(unloadText);
    } catch (IllegalArgumentException e) {
      throw Fields.bad("field 'unload' is " + e.getMessage());
    }
    return new PluginStatus(
        id,
        state,
        Fields.optString(m, "version"),
        Fields.optString(m, "sha256"),
        Fields.optString(m, "since"),
        Fields.optString(m, "error"),
        unload,
        Fields.optStrings(m, "leakedThreads", MAX_THREADS_REPORTED),
        refusal(m));
  }

  private static Refusal refusal(Map<String, Object> m) {
    if (m.get("refusal") == null) return null;
    Map<String, Object> r = Fields.object(m, "refusal");
    return new Refusal(Fields.bool(r, "permanent"), Fields.bool(r, "previousServing"));
  }

  public static Map<String, Object> info(RuntimeInfo i) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", Protocol.WELCOME);
    m.put("protocol", (long) i.protocolVersion());
    m.put("runtimeVersion", i.runtimeVersion());
    m.put("apiVersion", i.apiVersion());
    m.put("hostPid", i.hostPid());
    m.put("hostJava", i.hostJava());
    return m;
  }

  public static RuntimeInfo info(Map<String, Object> m) {
    return new RuntimeInfo(
        Fields.string(m, "runtimeVersion"),
        (int) Fields.integer(m, "protocol", 1, Integer.MAX_VALUE),
        Fields.string(m, "apiVersion"),
        Fields.integer(m, "hostPid", 1, Long.MAX_VALUE),
        Fields.string(m, "hostJava"));
  }

  public static Map<String, Object> activate(long id, ActivateRequest r) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("type", Protocol.ACTIVATE);
    m.put("id", id);
    m.put("pluginId", r.pluginId());
    m.put("jarPath", r.jarPath());
    m.put("sha256", r.sha256());
    m.put("configJson", r.configJson());
    return m;
  }

  /** Reads and validates an activate request (id shape, sha256 shape, config a JSON object). */
  public static ActivateRequest activate(Map<String, Object> m) {
    String pluginId = pluginId(m);
    String jar = Fields.string(m, "jarPath");
    if (jar.isEmpty()) throw Fields.bad("field 'jarPath' is empty");
    String sha = Fields.string(m, "sha256");
    if (!isSha256(sha)) throw Fields.bad("field 'sha256' is not 64 lowercase hex chars: " + abbreviate(sha));
    String config = Fields.optString(m, "configJson");
    if (config != null) {
      try {
        Json.parseObject(config);
      } catch (Json.JsonException e) {
        throw Fields.bad("field 'configJson' is not a JSON object: " + e.getMessage());
      }
    }
    return new ActivateRequest(pluginId, jar, sha, config);
  }

  public static String pluginId(Map<String, Object> m) {
    String id = Fields.string(m, "pluginId");
    if (id.isEmpty() || id.length() > MAX_ID_LENGTH) throw Fields.bad("field 'pluginId' empty or longer than " + MAX_ID_LENGTH + " chars");
    return id;
  }

  public static boolean isSha256(String s) {
    return Sha256.isHex(s);
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
