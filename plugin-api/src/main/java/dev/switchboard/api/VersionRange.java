package dev.switchboard.api;

import java.util.Objects;

/**
 * A range of {@link ApiVersion}s in interval notation: {@code [1.0,2.0)} (1.0 inclusive to 2.0
 * exclusive), {@code (1.0,2.0]}, {@code [1.0,)} (no upper bound) or a bare {@code 1.0}, meaning
 * {@code [1.0,)}.
 */
public final class VersionRange {
  private final ApiVersion low;
  private final boolean lowInclusive;
  private final ApiVersion high; // null = unbounded
  private final boolean highInclusive;
  private final String text;

  private VersionRange(ApiVersion low, boolean lowInclusive, ApiVersion high, boolean highInclusive, String text) {
    this.low = low;
    this.lowInclusive = lowInclusive;
    this.high = high;
    this.highInclusive = highInclusive;
    this.text = text;
  }

  /** @throws PluginException BAD_VERSION naming the text and what is wrong */
  public static VersionRange parse(String text) {
    Objects.requireNonNull(text, "text == null");
    String t = text.trim();
    if (t.isEmpty()) {
      throw bad(text, "empty");
    }
    char first = t.charAt(0);
    if (first != '[' && first != '(') {
      ApiVersion v = parseVersion(text, t);
      return new VersionRange(v, true, null, false, t);
    }
    char last = t.charAt(t.length() - 1);
    if (last != ']' && last != ')') {
      throw bad(text, "must end with ']' or ')'");
    }
    String body = t.substring(1, t.length() - 1);
    int comma = body.indexOf(',');
    if (comma < 0 || body.indexOf(',', comma + 1) >= 0) {
      throw bad(text, "needs exactly one ',' between bounds");
    }
    String lowText = body.substring(0, comma).trim();
    String highText = body.substring(comma + 1).trim();
    if (lowText.isEmpty()) {
      throw bad(text, "lower bound missing");
    }
    ApiVersion low = parseVersion(text, lowText);
    ApiVersion high = highText.isEmpty() ? null : parseVersion(text, highText);
    if (high == null && last == ']') {
      throw bad(text, "unbounded range must end with ')'");
    }
    if (high != null) {
      int c = low.compareTo(high);
      if (c > 0 || (c == 0 && !(first == '[' && last == ']'))) {
        throw bad(text, "empty range");
      }
    }
    return new VersionRange(low, first == '[', high, last == ']', t);
  }

  private static ApiVersion parseVersion(String whole, String part) {
    try {
      return ApiVersion.parse(part);
    } catch (PluginException e) {
      throw bad(whole, "bad version '" + part + "'");
    }
  }

  private static PluginException bad(String text, String why) {
    return new PluginException(PluginException.Code.BAD_VERSION, "bad version range '" + text + "': " + why);
  }

  public boolean includes(ApiVersion v) {
    int c = v.compareTo(low);
    if (c < 0 || (c == 0 && !lowInclusive)) {
      return false;
    }
    if (high == null) {
      return true;
    }
    int d = v.compareTo(high);
    return d < 0 || (d == 0 && highInclusive);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof VersionRange)) {
      return false;
    }
    VersionRange r = (VersionRange) o;
    return low.equals(r.low) && lowInclusive == r.lowInclusive && Objects.equals(high, r.high)
        && highInclusive == r.highInclusive;
  }

  @Override
  public int hashCode() {
    return Objects.hash(low, lowInclusive, high, highInclusive);
  }

  /** The text as written (trimmed). */
  @Override
  public String toString() {
    return text;
  }
}
