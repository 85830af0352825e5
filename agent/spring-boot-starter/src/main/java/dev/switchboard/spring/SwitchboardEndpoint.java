package dev.switchboard.spring;

import dev.switchboard.api.ExtensionPoint;
import dev.switchboard.api.HostPackages;
import dev.switchboard.api.PluginStates;
import dev.switchboard.servlet.PluginFilters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * Actuator endpoint {@code switchboard} ({@code GET /actuator/switchboard} when exposed): {@code
 * plugins} (each plugin's last state as the runtime reported it; empty before a runtime is
 * attached), {@code extensionPoints} (the point beans and the ready-made points, with how many
 * extensions each has now) and {@code hostPackages} (the packages announced to plugins).
 */
@Endpoint(id = "switchboard")
public class SwitchboardEndpoint {
  private final ObjectProvider<ExtensionPoint<?>> points;

  SwitchboardEndpoint(ObjectProvider<ExtensionPoint<?>> points) {
    this.points = points;
  }

  @ReadOperation
  public Map<String, Object> switchboard() {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> plugins = new ArrayList<>();
    for (PluginStates.State s : PluginStates.all()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("plugin", s.pluginId());
      p.put("state", s.state());
      if (s.version() != null) p.put("version", s.version());
      if (s.error() != null) p.put("error", s.error());
      if (s.since() != null) p.put("since", s.since());
      plugins.add(p);
    }
    out.put("plugins", plugins);
    Map<String, Object> ext = new LinkedHashMap<>();
    ext.put(PluginFilters.POINT.type().getName(), PluginFilters.POINT.size());
    ext.put(PluginInterceptors.POINT.type().getName(), PluginInterceptors.POINT.size());
    points.orderedStream().forEach(p -> ext.put(p.type().getName(), p.size()));
    out.put("extensionPoints", ext);
    List<String> pkgs = new ArrayList<>();
    for (HostPackages.Announcement a : HostPackages.announcements()) pkgs.add(a.pattern());
    out.put("hostPackages", pkgs);
    return out;
  }
}
