package io.corpusencoder.core.embed;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What a vector was computed with: the model's name, the sha256 of its weights and the sha256 of
 * its tokenizer. The one identity the job's Parquet footers, its report and its resume plan
 * record, and the Transformer's output metadata carries.
 *
 * <p>The weights' digest is over the parameters as they are computed with ({@code
 * Encoder.weightsSha256()}: every fp32 value, little-endian, in a fixed order), not over the file
 * they were read from. So the same weights have one identity whatever carries them (an ONNX
 * export, a safetensors file in F32 or F16, the directory {@code embed.sh --save-model} writes),
 * and it is the digest every executor recomputes when the broadcast model arrives. A file's digest
 * would give the same weights several identities, and could not be checked on the executors. The
 * tokenizer's digest is over its file ({@code tokenizer.json}; for a {@code vocab.txt} model, that
 * file's bytes followed by those of {@code tokenizer_config.json} when there is one), which
 * {@code sha256sum tokenizer.json} reproduces.
 */
public record ModelIdentity(String name, String weightsSha256, String tokenizerSha256) {
  public static final String NAME = "model";
  public static final String WEIGHTS_SHA256 = "weights_sha256";
  public static final String TOKENIZER_SHA256 = "tokenizer_sha256";

  public ModelIdentity {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(weightsSha256, "weightsSha256");
    Objects.requireNonNull(tokenizerSha256, "tokenizerSha256");
  }

  /** {model, weights_sha256, tokenizer_sha256}, the keys every output uses. */
  public Map<String, String> fields() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(NAME, name);
    m.put(WEIGHTS_SHA256, weightsSha256);
    m.put(TOKENIZER_SHA256, tokenizerSha256);
    return m;
  }
}
