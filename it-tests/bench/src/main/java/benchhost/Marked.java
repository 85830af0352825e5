package benchhost;

/** Implemented by the classes {@link dev.switchboard.bench.AdviceCyclesBench} generates: one subtype advice weaves all. */
public interface Marked {
  int mark(int x);
}
