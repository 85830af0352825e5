package benchhost;

import dev.switchboard.api.AdviceCall;
import dev.switchboard.api.AdviceHandler;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The handler {@link dev.switchboard.bench.AdviceCyclesBench} registers: defined anew in a fresh "plugin" loader
 * per cycle, so whether that loader is collected shows whether the advice engine lets go of a removed advice.
 */
public final class CountingHandler implements AdviceHandler {
  public static final AtomicLong CALLS = new AtomicLong(); // per defining loader

  @Override
  public void handle(AdviceCall call) {
    CALLS.incrementAndGet();
  }
}
