package io.corpusencoder.core.cli;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one command-line parser of every door (the job, embed.sh, tune.sh): {@code --name value},
 * {@code --name=value}, and an option with a bare value (booleans: true) given alone. Unknown
 * options and invalid values fail here, naming the option and what it accepts; --help text is
 * generated from the same declarations.
 */
public final class CommandLine {
  private final List<OptionSpec> specs;
  private final Map<String, OptionSpec> byName = new LinkedHashMap<>();

  public CommandLine(List<OptionSpec> specs) {
    this.specs = List.copyOf(specs);
    for (OptionSpec s : specs) {
      if (byName.put(s.name(), s) != null) {
        throw new IllegalArgumentException("option --" + s.name() + " declared twice");
      }
    }
  }

  public List<OptionSpec> specs() {
    return specs;
  }

  /** The declared option, or null. */
  public OptionSpec spec(String name) {
    return byName.get(name);
  }

  /** True when args ask for help: --help (or -h) anywhere. */
  public static boolean wantsHelp(String[] args) {
    for (String a : args) {
      if (a.equals("--help") || a.equals("-h") || a.equals("--help=true")) return true;
    }
    return false;
  }

  /**
   * The options given in {@code args}, validated, in the order given (a repeated option: the last
   * wins). An option with a bare value takes the next argument only when that is not an option.
   */
  public Map<String, String> given(String[] args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (!a.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument \"" + a + "\"; options are "
            + "written --name value");
      }
      String name = a.substring(2);
      String value = null;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      }
      OptionSpec s = byName.get(name);
      if (s == null) throw unknown(name, "command line");
      if (value == null) {
        boolean next = i + 1 < args.length && !args[i + 1].startsWith("--");
        if (next) {
          value = args[++i];
        } else if (s.bare() != null) {
          value = s.bare();
        } else {
          throw new IllegalArgumentException("--" + name + " needs a value");
        }
      }
      given.remove(name);
      given.put(name, value.isEmpty() ? value : s.validate(s.clean(value), "command line"));
    }
    return given;
  }

  /** Every declared option: its default, or the value {@code args} give it. */
  public Values parse(String[] args) {
    Map<String, String> given = given(args);
    Map<String, String> all = new LinkedHashMap<>();
    for (OptionSpec s : specs) all.put(s.name(), s.defaultValue());
    all.putAll(given);
    return new Values(all, given.keySet());
  }

  public IllegalArgumentException unknown(String name, String where) {
    return new IllegalArgumentException(where + ": unknown option --" + name + "; known options: "
        + String.join(", ", byName.keySet()));
  }

  /** {@code usage}, then one entry per option: meaning, default, value when given alone. */
  public String help(String usage) {
    StringBuilder sb = new StringBuilder(usage);
    for (OptionSpec s : specs) {
      String first = String.format(Locale.ROOT, "  --%-18s ", s.name());
      for (String line : wrap(s.meaning(), 100 - first.length())) {
        sb.append(first).append(line).append(System.lineSeparator());
        first = " ".repeat(first.length());
      }
      String more = (s.defaultValue().isEmpty() ? "" : "default: " + s.defaultValue())
          + (s.bare() == null ? "" : (s.defaultValue().isEmpty() ? "" : "; ")
              + "--" + s.name() + " alone: " + s.bare());
      if (!more.isEmpty()) sb.append(String.format(Locale.ROOT, "  %-20s (%s)%n", "", more));
    }
    sb.append(String.format(Locale.ROOT, "  --%-18s %s%n", "help", "this text"));
    return sb.toString();
  }

  /** {@code text} in lines of at most {@code width} characters, broken at spaces. */
  static List<String> wrap(String text, int width) {
    List<String> lines = new java.util.ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.split(" ")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) line.append(' ');
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }

  /** Parsed options: every declared one, with which were given. */
  public record Values(Map<String, String> values, java.util.Set<String> given) {
    public Values {
      values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
      given = java.util.Set.copyOf(given);
    }

    public String get(String name) {
      String v = values.get(name);
      if (v == null) throw new IllegalArgumentException("no option " + name);
      return v;
    }

    /** Given on the command line (not only defaulted). */
    public boolean has(String name) {
      return given.contains(name);
    }

    public boolean getBool(String name) {
      return Boolean.parseBoolean(get(name));
    }

    public int getInt(String name) {
      return Integer.parseInt(get(name));
    }
  }
}
