package dev.switchboard.control;

import dev.switchboard.control.internal.Codec;
import dev.switchboard.control.internal.Json;
import java.util.Map;

/**
 * The JSON forms the control channel uses, for tools that print or read them ({@code switchboard host status
 * --json}, a plugin config given on the command line). Same rules as on the wire: strict RFC 8259, bounded
 * size and depth, duplicate keys refused.
 */
public final class ControlCodec {
  private ControlCodec() {}

  /** A plugin status as the channel carries it: {@code {pluginId, state, version, sha256, since, error, …}}. */
  public static Map<String, Object> toMap(PluginStatus status) {
    return Codec.status(status);
  }

  /** JSON text of maps, lists, strings, numbers, booleans and nulls. */
  public static String toJson(Object value) {
    return Json.write(value);
  }

  /**
   * Parses a JSON object.
   *
   * @throws IllegalArgumentException naming the offset and the reason when {@code text} is not one JSON object
   */
  public static Map<String, Object> parseObject(String text) {
    return Json.parseObject(text);
  }
}
