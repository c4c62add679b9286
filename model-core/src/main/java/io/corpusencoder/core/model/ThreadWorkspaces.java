package io.corpusencoder.core.model;

/**
 * One {@link Workspace} per thread, kept between batches up to a size. Reuse keeps the hot loop
 * from allocating; the bound keeps one outsized batch (a large token budget, a long-context model)
 * from pinning its buffers on every thread that ever ran one, for as long as the thread lives.
 */
public final class ThreadWorkspaces {
  /**
   * Default bound: 256 MB, above the default 4096-token batches of BERT-base and -large widths
   * (about 63 MB at hidden 384, 170 MB at hidden 1024, plus the growth slack of up to half).
   */
  public static final long DEFAULT_MAX_RETAINED_BYTES = 256L << 20;

  private final ThreadLocal<Workspace> perThread = ThreadLocal.withInitial(Workspace::new);
  private final long maxRetainedFloats;

  /** Workspaces that keep at most {@code maxRetainedBytes} of buffers between batches. */
  public ThreadWorkspaces(long maxRetainedBytes) {
    if (maxRetainedBytes < 0) {
      throw new IllegalArgumentException("maxRetainedBytes is " + maxRetainedBytes
          + "; expected 0 or more");
    }
    this.maxRetainedFloats = maxRetainedBytes / Float.BYTES;
  }

  /**
   * The bound from system property {@code corpusencoder.workspace.max-retained-mb} (megabytes),
   * else {@link #DEFAULT_MAX_RETAINED_BYTES}.
   */
  public static long configuredMaxRetainedBytes() {
    String mb = System.getProperty("corpusencoder.workspace.max-retained-mb");
    if (mb == null || mb.isBlank()) return DEFAULT_MAX_RETAINED_BYTES;
    try {
      long v = Long.parseLong(mb.trim());
      if (v < 0) throw new NumberFormatException("negative");
      return v << 20;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("corpusencoder.workspace.max-retained-mb=" + mb
          + ": expected a whole number of megabytes, 0 or more", e);
    }
  }

  /** This thread's workspace. */
  public Workspace get() {
    return perThread.get();
  }

  /** Call when a batch's results are no longer read: drops the buffers if above the bound. */
  public void afterBatch(Workspace ws) {
    if (ws.floatsHeld() > maxRetainedFloats) ws.release();
  }
}
