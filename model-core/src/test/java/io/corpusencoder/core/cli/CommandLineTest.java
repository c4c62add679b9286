package io.corpusencoder.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one parser every door uses. */
class CommandLineTest {
  static final CommandLine CL = new CommandLine(List.of(
      OptionSpec.text("input", "", "where"),
      OptionSpec.bool("resume", "false", "finish"),
      OptionSpec.choice("mode", "a", "a or b", "a", "b").withBare("b"),
      OptionSpec.positiveInt("n", "3", "how many")));

  static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> CL.given(args)).getMessage();
  }

  @Test
  void bothSpellingsAndBareValues() {
    assertEquals(Map.of("input", "x", "resume", "true", "n", "4"),
        CL.given(new String[] {"--input=x", "--resume", "--n", "4"}));
    assertEquals(Map.of("resume", "true"), CL.given(new String[] {"--resume"}));
    assertEquals(Map.of("resume", "false", "mode", "b"),
        CL.given(new String[] {"--resume", "FALSE", "--mode"}));
    assertEquals(Map.of("input", "a=b,c"), CL.given(new String[] {"--input=a=b,c"}));
    assertEquals(Map.of("input", "y"), CL.given(new String[] {"--input", "x", "--input", "y"}),
        "the last wins");
    CommandLine.Values v = CL.parse(new String[] {"--resume"});
    assertTrue(v.getBool("resume"));
    assertTrue(v.has("resume"));
    assertFalse(v.has("n"));
    assertEquals(3, v.getInt("n"));
    assertEquals("", v.get("input"));
  }

  @Test
  void errorsNameTheOptionAndWhatItTakes() {
    assertEquals("--input needs a value", error("--input"));
    assertEquals("--n needs a value", error("--n", "--resume"));
    assertEquals("command line: --resume \"maybe\" is not valid; expected one of true, false",
        error("--resume", "maybe"));
    assertEquals("command line: --n \"-1\" is not valid; expected a positive integer",
        error("--n", "-1"));
    assertEquals("command line: unknown option --nn; known options: input, resume, mode, n",
        error("--nn=2"));
    assertEquals("unexpected argument \"stray\"; options are written --name value",
        error("--resume", "true", "stray"));
  }

  @Test
  void helpComesFromTheDeclarations() {
    assertEquals("usage\n"
        + "  --input              where\n"
        + "  --resume             finish\n"
        + "                       (default: false; --resume alone: true)\n"
        + "  --mode               a or b\n"
        + "                       (default: a; --mode alone: b)\n"
        + "  --n                  how many\n"
        + "                       (default: 3)\n"
        + "  --help               this text\n", CL.help("usage\n").replace("\r\n", "\n"));
    assertEquals(List.of("one two", "three", "four"), CommandLine.wrap("one two three four", 8));
    String long80 = "word ".repeat(40).trim();
    for (String line : new CommandLine(List.of(OptionSpec.text("x", "", long80))).help("")
        .split("\n")) {
      assertTrue(line.length() <= 100, line);
    }
    assertTrue(CommandLine.wantsHelp(new String[] {"--input", "x", "-h"}));
    assertFalse(CommandLine.wantsHelp(new String[] {"--input", "--helpful"}));
  }
}
