package io.corpusencoder.core.tokenize;

import java.io.Serializable;

/**
 * The special tokens a post-processor puts around a single sequence, e.g. [CLS] A [SEP] or
 * &lt;s&gt; A &lt;/s&gt;, with their type ids and the sequence's type id.
 */
public record SpecialTemplate(
    int[] prefixIds, int[] prefixTypeIds, int sequenceTypeId, int[] suffixIds,
    int[] suffixTypeIds)
    implements Serializable {
  /** No special tokens at all. */
  public static SpecialTemplate none() {
    return new SpecialTemplate(new int[0], new int[0], 0, new int[0], new int[0]);
  }

  /** cls A sep, all of type 0 (BertProcessing, RobertaProcessing). */
  public static SpecialTemplate around(int clsId, int sepId) {
    return new SpecialTemplate(new int[] {clsId}, new int[] {0}, 0, new int[] {sepId},
        new int[] {0});
  }

  /** Number of special tokens around one sequence. */
  public int count() {
    return prefixIds.length + suffixIds.length;
  }
}
