package com.example.hoststats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.switchboard.api.ApiVersion;
import dev.switchboard.api.Plugin;
import dev.switchboard.api.PluginDescriptor;
import dev.switchboard.api.VersionRange;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** plugin.json (after filtering) names this plugin correctly: the runtime refuses a jar otherwise. */
class PluginJsonTest {
  @Test
  void descriptorIsValidAndPointsAtThePluginClass() throws Exception {
    String json;
    try (InputStream in = getClass().getResourceAsStream("/plugin.json")) {
      assertNotNull(in, "plugin.json at the jar root");
      json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    PluginDescriptor d = new PluginDescriptor(field(json, "id"), field(json, "version"),
        VersionRange.parse(field(json, "api")), field(json, "entry"), field(json, "description"), null);
    assertTrue(d.api().includes(ApiVersion.CURRENT), "api range " + d.api() + " includes " + ApiVersion.CURRENT);
    Class<?> entry = Class.forName(d.entry());
    assertTrue(Plugin.class.isAssignableFrom(entry), d.entry() + " implements Plugin");
    entry.getConstructor().newInstance();
    assertEquals(HostStatsPlugin.class, entry);
    assertTrue(json.contains("\"restart\": \"stop-first\""), "it holds a port and an MBean: stop-first");
  }

  private static String field(String json, String name) {
    Matcher m = Pattern.compile("\"" + name + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
    assertTrue(m.find(), "plugin.json has \"" + name + "\"");
    return m.group(1);
  }
}
