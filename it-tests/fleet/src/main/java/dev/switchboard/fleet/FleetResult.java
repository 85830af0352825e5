package dev.switchboard.fleet;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows a fleet run measured, as a Markdown table and as JSON. */
public final class FleetResult {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One measured figure; {@code stats} null for a single value given in {@code value}. */
  public record Row(String metric, Percentiles stats, String unit, String value) {}

  private final List<Row> rows = new ArrayList<>();

  public synchronized void add(String metric, Percentiles stats, String unit) {
    rows.add(new Row(metric, stats, unit, null));
    System.out.println("  " + metric + ": " + stats + " " + unit);
  }

  public synchronized void value(String metric, String value) {
    rows.add(new Row(metric, null, null, value));
    System.out.println("  " + metric + ": " + value);
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  public synchronized String table() {
    StringBuilder b = new StringBuilder("| metric | n | p50 | p99 | max |\n|---|---|---|---|---|\n");
    for (Row r : rows) {
      if (r.stats() == null) {
        b.append("| ").append(r.metric()).append(" | | ").append(r.value()).append(" | | |\n");
      } else {
        b.append(String.format(Locale.ROOT, "| %s | %d | %.0f %s | %.0f %s | %.0f %s |%n", r.metric(), r.stats().n(),
            r.stats().p50(), r.unit(), r.stats().p99(), r.unit(), r.stats().max(), r.unit()));
      }
    }
    return b.toString();
  }

  public synchronized ArrayNode json() {
    ArrayNode a = JSON.createArrayNode();
    for (Row r : rows) {
      ObjectNode o = a.addObject().put("metric", r.metric());
      if (r.stats() != null) {
        o.put("n", r.stats().n()).put("p50", r.stats().p50()).put("p99", r.stats().p99()).put("max", r.stats().max())
            .put("unit", r.unit());
      } else {
        o.put("value", r.value());
      }
    }
    return a;
  }
}
