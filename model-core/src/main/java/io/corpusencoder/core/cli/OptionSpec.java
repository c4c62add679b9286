package io.corpusencoder.core.cli;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One command-line option: its name (--name), default ("" = none), a line of meaning, what values
 * it accepts (a fixed list, or a check with a description), and the value it takes when given
 * alone ({@code bare}; null when it needs a value). Booleans take "true" alone.
 */
public record OptionSpec(String name, String defaultValue, String meaning, List<String> allowed,
    Predicate<String> check, String expected, String bare, boolean verbatim) {

  public static OptionSpec choice(String name, String def, String meaning, String... allowed) {
    return new OptionSpec(name, def, meaning, List.of(allowed), null, null, null, false);
  }

  /** true | false; given alone, true. */
  public static OptionSpec bool(String name, String def, String meaning) {
    return new OptionSpec(name, def, meaning, List.of("true", "false"), null, null, "true",
        false);
  }

  public static OptionSpec checked(String name, String def, String meaning,
      Predicate<String> check, String expected) {
    return new OptionSpec(name, def, meaning, List.of(), check, expected, null, false);
  }

  public static OptionSpec text(String name, String def, String meaning) {
    return new OptionSpec(name, def, meaning, List.of(), null, null, null, false);
  }

  /** Text kept as given, leading and trailing spaces included (a prompt: "query: "). */
  public static OptionSpec verbatim(String name, String def, String meaning) {
    return new OptionSpec(name, def, meaning, List.of(), null, null, null, true);
  }

  /** A value as read: trimmed, unless the option is {@link #verbatim}. */
  public String clean(String value) {
    return verbatim ? value : value.trim();
  }

  public static OptionSpec positiveInt(String name, String def, String meaning) {
    return checked(name, def, meaning, OptionSpec::isPositiveInt, "a positive integer");
  }

  /** The same option, taking {@code value} when given alone. */
  public OptionSpec withBare(String value) {
    return new OptionSpec(name, defaultValue, meaning, allowed, check, expected, value, verbatim);
  }

  /**
   * The value as stored (one of the allowed values, lower case), or an IllegalArgumentException
   * naming the option, where the value came from and what it accepts.
   */
  public String validate(String value, String origin) {
    if (!allowed.isEmpty()) {
      String v = value.toLowerCase(Locale.ROOT);
      if (!allowed.contains(v)) {
        throw new IllegalArgumentException(origin + ": --" + name + " \"" + value
            + "\" is not valid; expected one of " + String.join(", ", allowed));
      }
      return v;
    }
    if (check != null && !check.test(value)) {
      throw new IllegalArgumentException(origin + ": --" + name + " \"" + value
          + "\" is not valid; expected " + expected);
    }
    return value;
  }

  public static boolean isPositiveInt(String s) {
    try {
      return Integer.parseInt(s) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static boolean isNonNegativeInt(String s) {
    try {
      return Integer.parseInt(s) >= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static boolean isPositiveLong(String s) {
    try {
      return Long.parseLong(s) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  public static boolean isFraction(String s) {
    try {
      double d = Double.parseDouble(s);
      return d >= 0 && d <= 1;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
