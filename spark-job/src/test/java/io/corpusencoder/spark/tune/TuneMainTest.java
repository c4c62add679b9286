package io.corpusencoder.spark.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** scripts/tune.sh's command line, parsed by the job's parser; no Spark needed. */
class TuneMainTest {
  @Test
  void booleansGivenAloneMeanTrueAndBothSpellingsWork() {
    Map<String, String> a = TuneMain.parse(new String[] {"--predict", "--tuned=t",
        "--executors", "50", "--cores=8", "--cluster", "false"});
    assertEquals("true", a.get("predict"));
    assertEquals("t", a.get("tuned"));
    assertEquals("50", a.get("executors"));
    assertEquals("8", a.get("cores"));
    assertEquals("false", a.get("cluster"));
    assertEquals("false", a.get("check"));
    Map<String, String> c = TuneMain.parse(new String[] {"--check", "--skip-cluster=false",
        "--tuned", "t"});
    assertEquals("true", c.get("check"));
    assertEquals("false", c.get("skip-cluster"));
  }

  @Test
  void unknownOptionsAndBadValuesAreRejectedByName() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> TuneMain.parse(new String[] {"--input", "c", "--sampel", "100"}));
    assertTrue(e.getMessage().startsWith("command line: unknown option --sampel; known options: "),
        e.getMessage());
    var e2 = assertThrows(IllegalArgumentException.class,
        () -> TuneMain.parse(new String[] {"--input", "c", "--sample", "0"}));
    assertEquals("command line: --sample \"0\" is not valid; expected a positive integer",
        e2.getMessage());
    var e3 = assertThrows(IllegalArgumentException.class,
        () -> TuneMain.parse(new String[] {"--input", "c", "--input-format", "csv!"}));
    assertEquals("command line: --input-format \"csv!\" is not valid; expected a format name",
        e3.getMessage());
  }

  @Test
  void helpIsGeneratedFromTheDeclarations() {
    String help = TuneMain.COMMAND_LINE.help(TuneMain.USAGE);
    for (String o : java.util.List.of("input", "input-format", "text-unit", "text-column",
        "id-column", "model", "output", "cores", "sample", "holdout", "skip-cluster", "predict",
        "check", "tuned", "executors", "docs", "cluster", "help")) {
      assertTrue(help.contains("  --" + o + " "), o);
    }
    assertTrue(help.contains("(default: 1000)"), help);
  }
}
