package io.corpusencoder.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The row layout's rules (why they hold is in BatchLayout's comment). */
class BatchLayoutTest {

  @Test
  void everyTokenTakesItsOwnRowOfItsClassInWholeBlocks() {
    Random r = new Random(1);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(40);
      int[] lens = new int[n];
      int[] phase = new int[n];
      for (int s = 0; s < n; s++) {
        lens[s] = 1 + r.nextInt(r.nextBoolean() ? 5 : 100);
        phase[s] = r.nextInt(2);
      }
      int minRows = 12 * r.nextInt(8);
      BatchLayout l = BatchLayout.of(lens, phase, minRows);
      assertEquals(0, l.rows() % BatchLayout.BLOCK);
      assertTrue(l.rows() >= minRows && l.firstTokenRows() >= minRows);
      assertEquals(0, l.firstTokenRows() % BatchLayout.BLOCK);
      assertTrue(l.firstTokenRows() <= l.rows());
      boolean[] taken = new boolean[l.rows()];
      boolean[] firstTaken = new boolean[l.firstTokenRows()];
      int tokens = 0;
      int[] perClass = new int[2];
      int[] firstPerClass = new int[2];
      for (int s = 0; s < n; s++) {
        assertEquals(tokens, l.seqStart(s));
        tokens += lens[s];
        for (int t = 0; t < lens[s]; t++) {
          int row = l.row(s, t);
          assertFalse(taken[row], "row " + row + " taken twice");
          taken[row] = true;
          assertEquals((phase[s] + t) & 1, (row % 12) / 6, "class of token " + t);
          perClass[(phase[s] + t) & 1]++;
        }
        int first = l.firstTokenRow(s);
        assertFalse(firstTaken[first]);
        firstTaken[first] = true;
        assertEquals(phase[s], (first % 12) / 6, "the first token keeps its class");
        firstPerClass[phase[s]]++;
      }
      assertEquals(tokens, l.tokens());
      // Just the blocks the fuller class needs, or minRows.
      assertEquals(Math.max(minRows, (Math.max(perClass[0], perClass[1]) + 5) / 6 * 12), l.rows());
      assertEquals(Math.max(minRows, (Math.max(firstPerClass[0], firstPerClass[1]) + 5) / 6 * 12),
          l.firstTokenRows());
    }
  }

  @Test
  void balancedTextsNeedFewPaddingRows() {
    // Phases alternate between odd-length texts: 20 texts of 7 tokens = 140 tokens, 70 a class.
    int[] lens = new int[20];
    int[] phase = new int[20];
    for (int s = 0; s < 20; s++) {
      lens[s] = 7;
      phase[s] = s & 1;
    }
    assertEquals(144, BatchLayout.of(lens, phase, 12).rows());
    // A text alone: one block, or minRows.
    assertEquals(12, BatchLayout.of(new int[] {2}, new int[] {0}, 12).rows());
    assertEquals(84, BatchLayout.of(new int[] {2}, new int[] {1}, 84).rows());
  }

  @Test
  void phaseIsTheParityOfTheIdSum() {
    assertEquals(0, BatchLayout.phase(new int[] {101, 102, 1}));
    assertEquals(1, BatchLayout.phase(new int[] {101, 102}));
  }

  @Test
  void minRowsKeepsSkylakeXsSmallMatrixKernelsOut() {
    // sgemm_small_kernel_permit_skylakex.c: "T","N" products with M·N <= 1200 (and K >= 32).
    for (int out = 1; out <= 2000; out++) {
      int m = Dense.minRows(out);
      assertEquals(0, m % 12);
      assertTrue((long) out * m > 1200, "out " + out);
      assertTrue(m == 12 || (long) out * (m - 12) <= 1200, "the fewest such rows, out " + out);
    }
    assertEquals(84, Dense.minRows(16));
    assertEquals(12, Dense.minRows(101));
    assertEquals(24, Dense.minRows(100));
  }
}
