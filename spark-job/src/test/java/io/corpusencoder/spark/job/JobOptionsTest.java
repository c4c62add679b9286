package io.corpusencoder.spark.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.corpusencoder.core.cli.OptionSpec;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option parsing and every argument error's message; no Spark needed. */
class JobOptionsTest {
  @TempDir Path tmp;

  static JobOptions parse(String... args) throws Exception {
    return JobOptions.parse(args, Map.of());
  }

  static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> parse(args)).getMessage();
  }

  @Test
  void defaultsApplyAndBothSpellingsWork() throws Exception {
    JobOptions o = parse("--input", "in.jsonl", "--output=out");
    assertEquals("jsonl", o.get("input-format"));
    assertEquals("parquet", o.get("output-format"));
    assertEquals("all-minilm-l6-v2", o.get("model"));
    assertEquals("out", o.get("output"));
    assertEquals(0.05, o.getDouble("max-bad-fraction"));
  }

  @Test
  void booleansGivenAloneMeanTrue() throws Exception {
    JobOptions o = parse("--resume", "--input", "i", "--doc-vector", "--output", "o",
        "--token-vectors");
    assertTrue(o.getBool("resume"));
    assertTrue(o.getBool("doc-vector"));
    assertTrue(o.getBool("token-vectors"));
    JobOptions f = parse("--input", "i", "--output", "o", "--resume", "false", "--doc-vector=false",
        "--token-vectors", "TRUE", "--normalize");
    assertEquals("false", f.get("resume"));
    assertEquals("false", f.get("doc-vector"));
    assertEquals("true", f.get("token-vectors"));
    assertEquals("true", f.get("normalize"));
    assertEquals("command line: --resume \"yes\" is not valid; expected one of true, false",
        error("--input", "i", "--output", "o", "--resume", "yes"));
  }

  @Test
  void inputPathsSplitAtCommasOutsideBraces() throws Exception {
    assertEquals(java.util.List.of("data/{a,b}/*.jsonl", "more.jsonl", "x/{c,{d,e}}"),
        parse("--input", "data/{a,b}/*.jsonl, more.jsonl,,x/{c,{d,e}}", "--output", "o")
            .getPaths("input"));
    assertEquals("command line: --input \"data/{a,b/*.jsonl\" is not valid; expected paths "
        + "separated by commas, each brace { closed by }",
        error("--input", "data/{a,b/*.jsonl", "--output", "o"));
  }

  @Test
  void commandLineBeatsSparkConfWhichBeatsTheConfFile() throws Exception {
    Path conf = tmp.resolve("job.properties");
    Files.writeString(conf, "stride=4\nbatch-size=8\nmodel=e5-small-v2\ninput=\n");
    JobOptions o = JobOptions.parse(
        new String[] {"--input", "x", "--output", "y", "--conf", conf.toString(), "--stride", "2"},
        Map.of("spark.corpusencoder.batch-size", "16", "spark.master", "local[1]"));
    assertEquals(2, o.getInt("stride"), "command line");
    assertEquals(16, o.getInt("batch-size"), "Spark conf");
    assertEquals("e5-small-v2", o.get("model"), "conf file");
    assertEquals("x", o.get("input"), "an empty value in the file leaves the option unset");
  }

  @Test
  void aPromptTextKeepsItsSpacesFromEverySource() throws Exception {
    // "query: " and "query:" tokenize differently for SentencePiece models: never trim it.
    assertEquals("query: ", parse("--input", "i", "--output", "o", "--prompt-text", "query: ")
        .encodeSettings().promptText());
    assertEquals(" x ", parse("--input", "i", "--output", "o", "--prompt-text= x ")
        .encodeSettings().promptText());
    Path conf = tmp.resolve("p.properties");
    Files.writeString(conf, "prompt-text=passage: \n");
    assertEquals("passage: ", parse("--input", "i", "--output", "o", "--conf", conf.toString())
        .encodeSettings().promptText());
    assertEquals("query: ", JobOptions.parse(new String[] {"--input", "i", "--output", "o"},
        Map.of("spark.corpusencoder.prompt-text", "query: ")).encodeSettings().promptText());
    assertEquals("cls", parse("--input", "i", "--output", "o", "--pooling", " cls ")
        .encodeSettings().pooling(), "other options are still trimmed");
  }

  @Test
  void argumentErrorsNameTheOptionAndTheAllowedValues() throws Exception {
    assertEquals("--input is required", error("--output", "o"));
    assertEquals("--output is required", error("--input", "i"));
    assertTrue(error("--input", "i", "--output", "o", "--colour", "red")
        .startsWith("command line: unknown option --colour; known options: input, input-format,"));
    assertEquals("command line: --output-format \"csv\" is not valid; expected one of parquet, "
        + "jsonl", error("--input", "i", "--output", "o", "--output-format", "csv"));
    assertEquals("command line: --save-mode \"replace\" is not valid; expected one of error, "
        + "overwrite, append", error("--input", "i", "--output", "o", "--save-mode", "replace"));
    assertEquals("command line: --long-text \"split\" is not valid; expected one of chunk, "
        + "truncate", error("--input", "i", "--output", "o", "--long-text", "split"));
    assertEquals("command line: --pooling \"sum\" is not valid; expected one of mean, cls, max, "
        + "lasttoken, mean_sqrt_len_tokens, weightedmean, model", error("--input", "i", "--output", "o", "--pooling", "sum"));
    assertEquals("command line: --max-length \"-3\" is not valid; expected model or a positive "
        + "integer", error("--input", "i", "--output", "o", "--max-length", "-3"));
    assertEquals("command line: --stride \"x\" is not valid; expected a non-negative integer",
        error("--input", "i", "--output", "o", "--stride", "x"));
    assertEquals("command line: --max-bad-fraction \"1.5\" is not valid; expected a number "
        + "between 0 and 1", error("--input", "i", "--output", "o", "--max-bad-fraction", "1.5"));
    assertEquals("--batch-size needs a value", error("--input", "i", "--output", "o",
        "--batch-size"));
    assertEquals("unexpected argument \"stray\"; options are written --name value",
        error("stray"));
    assertEquals("--conf: nope.properties does not exist",
        error("--input", "i", "--output", "o", "--conf", "nope.properties"));
  }

  @Test
  void badValuesInSparkConfAndConfFilesSayWhereTheyCameFrom() throws Exception {
    var e = assertThrows(IllegalArgumentException.class, () -> JobOptions.parse(
        new String[] {"--input", "i", "--output", "o"},
        Map.of("spark.corpusencoder.doc-vector", "yes")));
    assertEquals("Spark conf spark.corpusencoder.doc-vector: --doc-vector \"yes\" is not valid; "
        + "expected one of true, false", e.getMessage());
    Path conf = tmp.resolve("bad.properties");
    Files.writeString(conf, "strides=3\n");
    var e2 = assertThrows(IllegalArgumentException.class, () -> parse("--input", "i",
        "--output", "o", "--conf", conf.toString()));
    assertTrue(e2.getMessage().startsWith(conf + ": unknown option --strides"), e2.getMessage());
  }

  @Test
  void confEncoderPropertiesListsEveryOptionWithItsDefault() throws Exception {
    Path file = Paths.get("..", "conf", "encoder.properties");
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file)) {
      p.load(r);
    }
    for (OptionSpec s : JobOptions.SPECS) {
      if (s.name().equals("conf")) continue;
      assertTrue(p.containsKey(s.name()), "conf/encoder.properties lacks " + s.name());
      assertEquals(s.defaultValue(), p.getProperty(s.name()), "default of " + s.name());
    }
    assertEquals(JobOptions.SPECS.size() - 1, p.size(), "no stale options in the file");
  }

  @Test
  void helpListsEveryOption() {
    // Written by hand from README's option table (name, default; "" = none), not from SPECS, so
    // an option dropped, renamed, reordered or given another default in the code fails here.
    String[][] expected = {
        {"input", ""}, {"input-format", "jsonl"}, {"text-unit", "line"}, {"output", ""},
        {"output-format", "parquet"}, {"save-mode", "error"}, {"model", "all-minilm-l6-v2"},
        {"id-column", "id"}, {"text-column", "text"}, {"keep-columns", ""},
        {"max-length", "model"}, {"stride", "0"}, {"long-text", "chunk"},
        {"doc-vector", "false"}, {"pooling", "model"}, {"normalize", "model"},
        {"prompt", "model"}, {"prompt-text", ""}, {"dimensions", "0"},
        {"token-vectors", "false"}, {"embedding-type", "array"}, {"batch-size", "64"},
        {"batch-tokens", "4096"}, {"sort-window", "1024"}, {"partitions", "0"},
        {"slice-partitions", "0"}, {"slice-seconds", "60"}, {"resume", "false"},
        {"max-bad-fraction", "0.05"},
        {"master", ""}, {"conf", ""}, {"help", ""}};
    java.util.List<String> names = new java.util.ArrayList<>();
    Map<String, String> defaults = new java.util.HashMap<>();
    String last = null;
    for (String line : JobOptions.help().split("\n")) {
      var opt = java.util.regex.Pattern.compile("^  --([a-z-]+) ").matcher(line);
      var def = java.util.regex.Pattern.compile("^ {4,}\\(default: ([^;)]*)").matcher(line);
      if (opt.find()) {
        names.add(last = opt.group(1));
        defaults.put(last, "");
      } else if (def.find() && last != null) {
        defaults.put(last, def.group(1));
      }
    }
    java.util.List<String> expectedNames = new java.util.ArrayList<>();
    for (String[] e : expected) expectedNames.add(e[0]);
    assertEquals(expectedNames, names, "--help's options, in README's order");
    for (String[] e : expected) assertEquals(e[1], defaults.get(e[0]), "default of --" + e[0]);
  }
}
