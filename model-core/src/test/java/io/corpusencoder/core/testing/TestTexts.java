package io.corpusencoder.core.testing;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Deterministic, varied test texts: prose, code, numbers, URLs, CJK, accented text in NFC and NFD,
 * Arabic, Thai, emoji, control characters, very long words, empty and whitespace-only, and long
 * documents that exceed 512 tokens. Built from fragments written for this project, recombined with
 * a seeded generator so that every run sees the same texts.
 */
public final class TestTexts {
  private TestTexts() {}

  static final String[] FRAGMENTS = {
    "The quick brown fox jumps over the lazy dog.",
    "Spark executors decode the broadcast model once and share it across their tasks.",
    "Embeddings are dense vectors; similar sentences land close together.",
    "She said, \u201cWe'll ship it on Monday\u201d \u2014 but nobody believed her.",
    "It's a well-known fact that don't, can't and won't are contractions.",
    "Mr. O'Neil paid $1,299.99 (incl. 20% VAT) on 2024-03-15 at 09:45:00.",
    "Call +1 (555) 013-4477 or e-mail support@example.org before 5 p.m.",
    "π ≈ 3.14159, e ≈ 2.71828, and √2 ≈ 1.41421; 10^6 = 1e6.",
    "1234567890 0.000001 -42 +17 3/4 ½ ¾ 1st 2nd 3rd 4th",
    "Version 4.1.0-rc2 fixed CVE-2024-12345 and bug #9981.",
    "https://example.com/search?q=corpus+encoder&lang=en#results",
    "Visit http://www.test.org/a/b/c.html or ftp://files.example.net/pub/README.txt.",
    "public static void main(String[] args) { System.out.println(\"hi\"); }",
    "for (int i = 0; i < n; i++) { sum += a[i] * b[i]; }",
    "def f(x): return {k: v**2 for k, v in x.items() if v > 0}",
    "SELECT id, text FROM docs WHERE length(text) > 512 ORDER BY id;",
    "<div class=\"note\">Hello &amp; welcome</div>",
    "x := y << 3 | z >> 1 ^ ~w && !q || r != s",
    "#include <stdio.h>\nint main(void) { return 0; }",
    "JSON: {\"id\": 7, \"tags\": [\"a\", \"b\"], \"ok\": true, \"n\": null}",
    "café résumé naïve façade jalapeño Zürich São Paulo Kraków Ørsted",
    "Ångström, Æsir, Œuvre, Straße, İstanbul, ŞEKER, Ελληνικά ΣΟΦΙΑΣ",
    "Crème brûlée à la française, s'il vous plaît.",
    "El niño comió piñata y bebió café con leche en la mañana.",
    "Übermäßig große Äpfel schmecken süß.",
    "Москва — столица России. Привет, мир!",
    "Ο Σωκράτης ήταν Έλληνας φιλόσοφος.",
    "我爱自然语言处理。今天天气很好！",
    "日本語のテキストも正しく分割される必要があります。",
    "한국어 문장도 토큰화해야 합니다. 서울특별시",
    "漢字とひらがなとカタカナ、全角ＡＢＣ１２３",
    "مرحبا بالعالم، هذه جملة باللغة العربية.",
    "السلام عليكم ورحمة الله وبركاته ١٢٣٤٥",
    "שלום עולם, זה משפט בעברית.",
    "สวัสดีครับ ภาษาไทยไม่มีการเว้นวรรคระหว่างคำ",
    "नमस्ते दुनिया, यह हिंदी में एक वाक्य है।",
    "বাংলা ভাষায় একটি বাক্য।",
    "Emoji: 😀 😂 👍🏽 ❤️ 🇫🇷 👨‍👩‍👧 🚀✨",
    "I love pizza🍕and coffee☕ so much!!!",
    "Math symbols: ∑ ∫ ∂ ∞ ≠ ≤ ≥ ± × ÷ → ⇒ ∀ ∃",
    "Currency: € £ ¥ ₹ ₩ ₽ ¢ and the dollar sign $",
    "Quotes: «guillemets» „Anführung“ 「かぎ括弧」 ‘single’",
    "Dashes: hyphen-minus - en – em — figure ‒ minus −",
    "Tabs\tand\nnewlines\r\nand  multiple   spaces",
    "Zero\u200bwidth\u200cjoiners\u200dand\ufeffBOM",
    "Control\u0001chars\u0007and\u001bescape\u007fdel\u0085nel",
    "Non\u00a0breaking\u2003em\u3000ideographic space",
    "Replacement \ufffd char and private use \ue000 glyph",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "Supercalifragilisticexpialidocious antidisestablishmentarianism",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    "hash: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
    "base64: SGVsbG8sIFdvcmxkIQ==",
    "CamelCaseIdentifier snake_case_identifier kebab-case-identifier",
    "[CLS] tokens in text [SEP] and [MASK] and [UNK] [PAD]",
    "e.g. i.e. etc. U.S.A. Ph.D. a.m.",
    "...!!!???,,,;;;:::---___***",
    "ALL CAPS SENTENCE WITH SHOUTING",
    "mIxEd CaSe TeXt",
    "Temperatures range from -40°C to 50°C (−40°F to 122°F).",
    "The model has 22,713,216 parameters and 6 layers × 12 heads.",
    "Ratio 3:2, score 10–7, pages 12–19, 1990s–2000s.",
    "user@host:~$ ls -la /var/log | grep error > out.txt 2>&1",
    "C:\\Program Files\\Corpus Encoder\\bin\\embed.exe --help",
    "Tiếng Việt có nhiều dấu thanh điệu.",
    "Türkçe: çğıöşü ÇĞİÖŞÜ",
    "Polski: zażółć gęślą jaźń",
    "Čeština: Příliš žluťoučký kůň úpěl ďábelské ódy.",
    "ქართული ენა",
    "Հայերեն լեզու",
    "ᚠᛇᚻ᛫ᛒᛦᚦ runes",
    "Ｆｕｌｌｗｉｄｔｈ　ｔｅｘｔ　ＡＢＣ",
    "ﬁ ﬂ ligatures and ℌ𝔢𝔩𝔩𝔬 math letters 𝐁𝐨𝐥𝐝",
    "Music 𝄞 and ancient 𐍈 Gothic and 𠜎 CJK extension B",
    "   leading and trailing whitespace   ",
  };

  static final String[] WORDS = {
    "data", "model", "vector", "search", "index", "cluster", "token", "layer", "attention",
    "softmax", "retrieval", "embedding", "corpus", "document", "query", "ranking", "batch",
    "gradient", "weights", "inference", "throughput", "latency", "partition", "executor",
    "the", "a", "of", "and", "to", "in", "is", "for", "on", "with", "as", "by", "at", "from",
    "unbelievably", "reconfiguration", "hyperparameter", "tokenization", "multilingual",
  };

  /** At least {@code n} texts (exactly n), deterministic for a given seed. */
  public static List<String> generate(int n, long seed) {
    Random r = new Random(seed);
    List<String> out = new ArrayList<>(n);
    // Fixed edge cases first.
    out.add("");
    out.add(" ");
    out.add("\t\n\r ");
    out.add("\u3000\u00a0");
    out.add("a");
    out.add(".");
    out.add("😀");
    out.add("\u0000\u0001");
    out.add("x".repeat(99));
    out.add("y".repeat(100));
    out.add("z".repeat(101));
    out.add("ab".repeat(300));
    for (String f : FRAGMENTS) out.add(f);
    for (String f : FRAGMENTS) out.add(Normalizer.normalize(f, Normalizer.Form.NFD));
    while (out.size() < n) {
      int kind = r.nextInt(10);
      String t =
          switch (kind) {
            case 0 -> longDocument(r, 200 + r.nextInt(600));
            case 1 -> randomWords(r, 1 + r.nextInt(30));
            case 2 -> Normalizer.normalize(combine(r, 1 + r.nextInt(4)), Normalizer.Form.NFD);
            case 3 -> mutate(r, combine(r, 1 + r.nextInt(3)));
            case 4 -> longWord(r);
            default -> combine(r, 1 + r.nextInt(5));
          };
      out.add(t);
    }
    return out.subList(0, n);
  }

  private static String combine(Random r, int k) {
    StringBuilder sb = new StringBuilder();
    String[] joins = {" ", "\n", "\t", "", "  ", " \u2014 "};
    for (int i = 0; i < k; i++) {
      if (i > 0) sb.append(joins[r.nextInt(joins.length)]);
      sb.append(FRAGMENTS[r.nextInt(FRAGMENTS.length)]);
    }
    return sb.toString();
  }

  private static String randomWords(Random r, int k) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < k; i++) {
      if (i > 0) sb.append(' ');
      String w = WORDS[r.nextInt(WORDS.length)];
      if (r.nextInt(8) == 0) w = w.toUpperCase();
      if (r.nextInt(8) == 0) w = Character.toUpperCase(w.charAt(0)) + w.substring(1);
      sb.append(w);
      if (r.nextInt(6) == 0) sb.append(",.;:!?".charAt(r.nextInt(6)));
    }
    return sb.toString();
  }

  private static String longDocument(Random r, int words) {
    StringBuilder sb = new StringBuilder();
    while (sb.length() < words * 6) {
      sb.append(r.nextInt(3) == 0 ? FRAGMENTS[r.nextInt(FRAGMENTS.length)] : randomWords(r, 12));
      sb.append(r.nextInt(5) == 0 ? "\n\n" : " ");
    }
    return sb.toString();
  }

  private static String longWord(Random r) {
    StringBuilder sb = new StringBuilder();
    int len = 20 + r.nextInt(150);
    String alphabet = "abcdefghijklmnopqrstuvwxyzéüßçø0123456789";
    for (int i = 0; i < len; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
    return "prefix " + sb + " suffix";
  }

  /** Random insertions of control, format and odd whitespace characters. */
  private static String mutate(Random r, String s) {
    int[] inserts = {0x0000, 0x0001, 0x0009, 0x000B, 0x000C, 0x001F, 0x007F, 0x0085, 0x00A0,
        0x00AD, 0x200B, 0x200E, 0x2028, 0x2029, 0x202F, 0x2060, 0xFEFF, 0xFFFD, 0xE001, 0x1680,
        0x0301, 0x0308};
    StringBuilder sb = new StringBuilder(s);
    int k = 1 + r.nextInt(4);
    for (int i = 0; i < k; i++) {
      int at = r.nextInt(sb.length() + 1);
      if (at > 0 && at < sb.length() && Character.isLowSurrogate(sb.charAt(at))) at--;
      sb.insert(at, Character.toChars(inserts[r.nextInt(inserts.length)]));
    }
    return sb.toString();
  }
}
