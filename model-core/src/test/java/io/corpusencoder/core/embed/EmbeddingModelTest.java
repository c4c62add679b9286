package io.corpusencoder.core.embed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.testing.TinyModelDir;
import io.corpusencoder.core.tokenize.Encoding;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddingModelTest {
  @TempDir Path tmp;

  /** One failed batch fails the call, and the batches not yet run are cancelled, not run. */
  @Test
  void failedBatchCancelsItsSiblings() throws Exception {
    EmbeddingModel m = ModelLoader.load(TinyModelDir.write(tmp.resolve("tiny")).toString());
    List<Encoding> enc = new ArrayList<>();
    enc.add(m.tokenizer().encode("the quick brown fox ".repeat(20), 1000)); // > max length
    List<int[]> batches = new ArrayList<>();
    batches.add(new int[] {0});
    for (int i = 1; i <= 200; i++) {
      enc.add(m.tokenize("the lazy dog " + i));
      batches.add(new int[] {i});
    }
    // One worker; every batch after the failing first one waits until the call has returned,
    // so what runs after the failure does not depend on thread timing.
    AtomicInteger ran = new AtomicInteger();
    AtomicInteger started = new AtomicInteger();
    CountDownLatch returned = new CountDownLatch(1);
    ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>()) {
      @Override
      protected void beforeExecute(Thread t, Runnable r) {
        if (started.getAndIncrement() > 0) {
          try {
            returned.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        if (!((Future<?>) r).isCancelled()) ran.incrementAndGet();
      }
    };
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> m.embedBatches(enc, batches, false, false, pool));
      assertTrue(e.getMessage().contains("encoding 0 has"), e.getMessage());
    } finally {
      returned.countDown();
      pool.shutdown();
      assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    }
    assertEquals(1, ran.get(), (ran.get() - 1) + " of 200 batches ran after the first failed");
  }
}
