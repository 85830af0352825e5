package benchhost;

import java.util.function.IntUnaryOperator;

/**
 * The host method {@link dev.switchboard.bench.AdviceBench} advises. It stands for an ordinary host class: outside
 * {@code dev.switchboard.*} (refused by the runtime), and the benchmark loads it in a loader of its own, since the
 * runtime never weaves classes of the loader it runs in (here the benchmark's class path).
 */
public final class AdvisedTarget implements IntUnaryOperator {
  private int k = 1;

  @Override
  public int applyAsInt(int x) {
    return x + k;
  }
}
