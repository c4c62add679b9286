package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.model.families.Family;
import io.corpusencoder.core.weights.RandomWeights;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A thread's workspace is reused for batches within the bound and dropped after larger ones. */
class ThreadWorkspacesTest {
  private static final Encoder ENC =
      Family.encoder(EncoderTest.BERT_TINY, RandomWeights.generate(EncoderTest.BERT_TINY, 5));

  private static int[][] batch(int sequences, int length, long seed) {
    Random r = new Random(seed);
    int[][] ids = new int[sequences][length];
    for (int[] s : ids) for (int t = 0; t < length; t++) s[t] = r.nextInt(50);
    return ids;
  }

  @Test
  void buffersWithinTheBoundAreReusedAndLargerOnesDropped() {
    int[][] small = batch(2, 10, 1);
    int[][] large = batch(30, 39, 2); // about 1200 rows of [hidden 16 + qkv 48 + ffn 32 + ...]
    Workspace fresh = new Workspace();
    float[] expected = ENC.forward(small, fresh).token(1, 9);
    long smallFloats = fresh.floatsHeld();
    // Room for the small batch's buffers four times over, not for the large batch's.
    ThreadWorkspaces workspaces = new ThreadWorkspaces(4 * smallFloats * Float.BYTES);

    Workspace ws = workspaces.get();
    ENC.forward(small, ws);
    workspaces.afterBatch(ws);
    float[] kept = ws.qkv; // hidden and scratch trade places every pass; qkv stays
    float[] keptFfn = ws.ffn;
    assertEquals(smallFloats, ws.floatsHeld(), "the small batch's buffers are kept");
    ENC.forward(small, ws);
    workspaces.afterBatch(ws);
    assertTrue(kept == ws.qkv && keptFfn == ws.ffn,
        "a second small batch reuses the buffers, allocating nothing");

    ENC.forward(large, ws);
    assertTrue(ws.floatsHeld() > 4 * smallFloats, "the large batch needs more: "
        + ws.floatsHeld() + " floats");
    workspaces.afterBatch(ws);
    assertEquals(0, ws.floatsHeld(), "the large batch's buffers are dropped after it");

    assertSame(ws, workspaces.get(), "one workspace per thread");
    assertArrayEquals(expected, ENC.forward(small, ws).token(1, 9), 0f,
        "a released workspace gives the same bits");
  }
}
