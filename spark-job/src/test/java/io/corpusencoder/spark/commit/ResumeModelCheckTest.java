package io.corpusencoder.spark.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.corpusencoder.core.embed.ModelIdentity;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resume plan's model entry against the model loaded now, without Spark. */
class ResumeModelCheckTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String T = "7".repeat(64);
  private static final ModelIdentity NOW = new ModelIdentity("my-model", A, T);

  @Test
  void theSameWeightsAndTokenizerResume() {
    ResumeModelCheck.requireSame(
        Map.of("model", "my-model", "weights_sha256", A, "tokenizer_sha256", T), NOW, "/out");
  }

  @Test
  void otherWeightsUnderTheSameNameAreRefusedNamingModelAndDigests() {
    var e = assertThrows(IllegalArgumentException.class, () -> ResumeModelCheck.requireSame(
        Map.of("model", "my-model", "weights_sha256", B, "tokenizer_sha256", T), NOW, "/out"));
    assertEquals("--resume: the unfinished job in /out began with another model of the name "
        + "my-model: its weights_sha256 was " + B + " and is " + A + " now (one output must not "
        + "mix two models' vectors); resume with the model it began with, or --save-mode "
        + "overwrite to start again", e.getMessage());
  }

  @Test
  void anotherTokenizerIsRefusedToo() {
    var e = assertThrows(IllegalArgumentException.class, () -> ResumeModelCheck.requireSame(
        Map.of("model", "my-model", "weights_sha256", A, "tokenizer_sha256", B), NOW, "/out"));
    assertEquals("--resume: the unfinished job in /out began with another model of the name "
        + "my-model: its tokenizer_sha256 was " + B + " and is " + T + " now (one output must "
        + "not mix two models' vectors); resume with the model it began with, or --save-mode "
        + "overwrite to start again", e.getMessage());
  }

  @Test
  void aPlanOfAnEarlierVersionIsRefusedNamingWhatItLacks() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> ResumeModelCheck.requireSame(null, NOW, "/out"));
    assertEquals("--resume: the unfinished job in /out was begun by an earlier version, whose "
        + "_slices/plan.json records the model's name but not its weights_sha256 and "
        + "tokenizer_sha256, so it cannot be checked that model my-model is still the same; "
        + "--save-mode overwrite to start again", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ResumeModelCheck.requireSame(
        Map.of("model", "my-model", "weights_sha256", A), NOW, "/out"));
    assertEquals("--resume: the unfinished job in /out: _slices/plan.json has no "
        + "tokenizer_sha256 for model my-model, so it cannot be checked that the model is still "
        + "the same; --save-mode overwrite to start again", e.getMessage());
  }
}
