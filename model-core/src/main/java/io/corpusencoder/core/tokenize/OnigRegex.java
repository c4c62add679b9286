package io.corpusencoder.core.tokenize;

import java.util.regex.Pattern;

/**
 * Compiles a tokenizer.json regex (HF runs them with Oniguruma, Unicode-aware) as a Java pattern
 * with the same meaning. Java's UNICODE_CHARACTER_CLASS gives \s, \d, \w and \b their Unicode
 * sense, as Oniguruma's are. Constructs that differ and are not translated yet fail here.
 */
final class OnigRegex {
  private OnigRegex() {}

  static Pattern compile(String regex) {
    return Pattern.compile(regex, Pattern.UNICODE_CHARACTER_CLASS);
  }
}
