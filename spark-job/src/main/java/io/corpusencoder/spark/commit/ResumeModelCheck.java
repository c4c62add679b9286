package io.corpusencoder.spark.commit;

import io.corpusencoder.core.embed.ModelIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A resumed job must encode with the very model the unfinished job began with, not only one of
 * the same name: a model directory or catalog jar replaced between the runs would otherwise mix
 * two models' vectors in one output. The plan records the model's {@link ModelIdentity}; this
 * compares it with the model loaded now.
 */
public final class ResumeModelCheck {
  /** The plan's key for the model's identity. */
  public static final String PLAN_KEY = "model";

  private ResumeModelCheck() {}

  /** The identity as the plan records it. */
  public static Map<String, String> planEntry(ModelIdentity id) {
    return id.fields();
  }

  /**
   * Refuses, naming the model and each digest that differs, unless {@code recorded} (the plan's
   * entry, or null in a plan of an earlier version) holds {@code now}'s weights and tokenizer.
   */
  public static void requireSame(Object recorded, ModelIdentity now, String output) {
    String was = "--resume: the unfinished job in " + output;
    String fix = "resume with the model it began with, or --save-mode overwrite to start again";
    if (!(recorded instanceof Map<?, ?> before)) {
      throw new IllegalArgumentException(was + " was begun by an earlier version, whose "
          + SliceLog.DIR + "/plan.json records the model's name but not its "
          + ModelIdentity.WEIGHTS_SHA256 + " and " + ModelIdentity.TOKENIZER_SHA256
          + ", so it cannot be checked that model " + now.name() + " is still the same; "
          + "--save-mode overwrite to start again");
    }
    List<String> differ = new ArrayList<>();
    for (var e : now.fields().entrySet()) {
      if (e.getKey().equals(ModelIdentity.NAME)) continue; // --model is checked with the settings
      Object then = before.get(e.getKey());
      if (then == null) {
        throw new IllegalArgumentException(was + ": " + SliceLog.DIR + "/plan.json has no "
            + e.getKey() + " for model " + now.name() + ", so it cannot be checked that the "
            + "model is still the same; --save-mode overwrite to start again");
      }
      if (!then.equals(e.getValue())) {
        differ.add(e.getKey() + " was " + then + " and is " + e.getValue() + " now");
      }
    }
    if (!differ.isEmpty()) {
      throw new IllegalArgumentException(was + " began with another model of the name "
          + now.name() + ": its " + String.join(", and its ", differ)
          + " (one output must not mix two models' vectors); " + fix);
    }
  }
}
