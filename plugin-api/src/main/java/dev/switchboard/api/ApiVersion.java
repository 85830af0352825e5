package dev.switchboard.api;

import java.util.Objects;

/**
 * A plugin API version {@code major.minor}. Descriptors name the range of API versions they work
 * with ({@code "api": "[1.0,2.0)"}, see {@link VersionRange}); the runtime refuses a plugin whose
 * range excludes {@link #CURRENT}.
 */
public final class ApiVersion implements Comparable<ApiVersion> {
  /**
   * The API version of this plugin-api. 1.0: extension points, services, config, lifecycle; 1.1: method advice
   * ({@link MethodAdvice}, {@link PluginContext#advise}). A plugin that declares advice names {@code [1.1,2.0)}.
   */
  public static final ApiVersion CURRENT = new ApiVersion(1, 1);

  private final int major;
  private final int minor;

  private ApiVersion(int major, int minor) {
    this.major = major;
    this.minor = minor;
  }

  public static ApiVersion of(int major, int minor) {
    if (major < 0) {
      throw new PluginException(PluginException.Code.BAD_VERSION, "major < 0: " + major);
    }
    if (minor < 0) {
      throw new PluginException(PluginException.Code.BAD_VERSION, "minor < 0: " + minor);
    }
    return new ApiVersion(major, minor);
  }

  /** Parses {@code "1"}, {@code "1.0"} (a third part {@code "1.0.3"} is accepted and ignored). */
  public static ApiVersion parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String t = text.trim();
    String[] parts = t.split("\\.", -1);
    if (t.isEmpty() || parts.length > 3) {
      throw new PluginException(PluginException.Code.BAD_VERSION, "not a version (major.minor): '" + text + "'");
    }
    try {
      int major = Integer.parseInt(parts[0]);
      int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
      if (parts.length > 2) {
        Integer.parseInt(parts[2]);
      }
      return of(major, minor);
    } catch (NumberFormatException e) {
      throw new PluginException(PluginException.Code.BAD_VERSION, "not a version (major.minor): '" + text + "'");
    }
  }

  public int major() {
    return major;
  }

  public int minor() {
    return minor;
  }

  @Override
  public int compareTo(ApiVersion o) {
    return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiVersion && ((ApiVersion) o).major == major && ((ApiVersion) o).minor == minor;
  }

  @Override
  public int hashCode() {
    return major * 31 + minor;
  }

  @Override
  public String toString() {
    return major + "." + minor;
  }
}
