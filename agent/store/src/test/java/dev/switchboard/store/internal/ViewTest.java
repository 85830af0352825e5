package dev.switchboard.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.store.Change;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ViewTest {
  private static View.Item item(String v, long ver) {
    return new View.Item(v.getBytes(), ver, ver, false);
  }

  @Test
  void resyncDeliversPutsForNewAndChangedKeysAndDeletesForVanishedOnes() {
    View view = new View();
    view.put("/p/a", item("1", 1));
    view.put("/p/b", item("1", 2));
    view.put("/p/c", item("1", 3));
    List<Change> diff = view.resync(Map.of("/p/a", item("1", 1), "/p/b", item("2", 9), "/p/d", item("x", 10)), Set.of(), 11);
    assertThat(diff).extracting(Change::key, Change::valueUtf8)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("/p/b", "2"),
            org.assertj.core.groups.Tuple.tuple("/p/d", "x"),
            org.assertj.core.groups.Tuple.tuple("/p/c", null));
    assertThat(view.keys()).containsExactlyInAnyOrder("/p/a", "/p/b", "/p/d");
  }

  @Test
  void keptKeysAreNotDeletedByAResync() {
    View view = new View();
    view.put("/p/big", item("small", 1));
    assertThat(view.resync(Map.of(), Set.of("/p/big"), 5)).isEmpty();
    assertThat(view.get("/p/big")).isNotNull();
  }

  @Test
  void repeatedPutsAndUnknownDeletesDeliverNothing() {
    View view = new View();
    assertThat(view.put("/a", item("1", 1))).isNotNull();
    assertThat(view.put("/a", item("1", 1))).isNull();
    assertThat(view.delete("/b", 3)).isNull();
    assertThat(view.delete("/a", 3).deleted()).isTrue();
  }
}
