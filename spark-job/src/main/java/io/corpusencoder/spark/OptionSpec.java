package io.corpusencoder.spark;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * One job option: its name (as --name and spark.corpusencoder.name), default ("" = none), a line
 * of meaning, and what values it accepts (a fixed list, or a check with a description).
 */
record OptionSpec(String name, String defaultValue, String meaning, List<String> allowed,
    Predicate<String> check, String expected) {

  static OptionSpec choice(String name, String def, String meaning, String... allowed) {
    return new OptionSpec(name, def, meaning, List.of(allowed), null, null);
  }

  static OptionSpec checked(String name, String def, String meaning, Predicate<String> check,
      String expected) {
    return new OptionSpec(name, def, meaning, List.of(), check, expected);
  }

  static OptionSpec text(String name, String def, String meaning) {
    return new OptionSpec(name, def, meaning, List.of(), null, null);
  }

  /** Throws, naming the option and what it accepts, when {@code value} is not valid. */
  void validate(String value, String origin) {
    if (!allowed.isEmpty() && !allowed.contains(value.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(origin + ": --" + name + " \"" + value
          + "\" is not valid; expected one of " + String.join(", ", allowed));
    }
    if (check != null && !check.test(value)) {
      throw new IllegalArgumentException(origin + ": --" + name + " \"" + value
          + "\" is not valid; expected " + expected);
    }
  }

  static boolean isPositiveInt(String s) {
    try {
      return Integer.parseInt(s) > 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static boolean isNonNegativeInt(String s) {
    try {
      return Integer.parseInt(s) >= 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  static boolean isFraction(String s) {
    try {
      double d = Double.parseDouble(s);
      return d >= 0 && d <= 1;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
