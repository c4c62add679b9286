package io.corpusencoder.spark.tune;

import java.awt.Color;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.data.category.DefaultCategoryDataset;

/**
 * scripts/tune.sh's report folder: index.html (the measured figures, with charts drawn by
 * JFreeChart and kept beside it as PNG files), recommended.properties (a --conf file the job
 * accepts as it is) and tune.json (everything measured, which --predict reads).
 */
final class TuneReport {
  private TuneReport() {}

  /** recommended.properties: job options, with the measurement behind each as a comment. */
  static Path writeRecommended(Path dir, Map<String, String> rec, Map<String, Object> r)
      throws IOException {
    StringBuilder sb = new StringBuilder();
    sb.append("# Recommended by scripts/tune.sh for ").append(r.get("model")).append(" on ")
        .append(r.get("input")).append(", measured on this machine (").append(r.get("cores"))
        .append(" cores).\n# Use: scripts/encode.sh --conf recommended.properties --input ... "
            + "--output ...\n");
    sb.append("model=").append(r.get("model")).append('\n');
    if (r.containsKey("recommended_note")) {
      sb.append("\n# Note: ").append(r.get("recommended_note")).append('\n');
    }
    sb.append("\n# real tokens per forward pass: the fastest in the batch-tokens sweep\n");
    sb.append("batch-tokens=").append(rec.get("batch-tokens")).append('\n');
    sb.append("\n# partitions: the fastest in the job's sweep here, " + r.get("cores") + " task slots "
        + "(0 = one per slot, or as read);\n# on E executors x C cores use the same multiple of "
        + "E x C\n");
    sb.append("partitions=").append(rec.get("partitions")).append('\n');
    sb.append("\n# Spark settings (spark-defaults.conf, or --spark-conf with scripts/submit.sh):\n"
        + "# one OpenBLAS thread per task, executor cores = task slots (see the slots sweep):\n"
        + "#   spark.executorEnv.OPENBLAS_NUM_THREADS 1\n");
    Path p = dir.resolve("recommended.properties");
    Files.createDirectories(dir);
    Files.writeString(p, sb.toString());
    return p;
  }

  /** Writes index.html and its charts; returns the HTML's path. */
  @SuppressWarnings("unchecked")
  static Path write(Path dir, Map<String, Object> r) throws IOException {
    Files.createDirectories(dir);
    List<String> charts = new ArrayList<>();
    charts.add(bar(dir, "tokens-vs-batch-tokens.png", "model-core, 1 thread: batch token budget",
        "batch-tokens", "real tokens/s",
        (List<Map<String, Object>>) r.get("sweep_batch_tokens"), "batch_tokens", "tokens_per_s"));
    charts.add(bar(dir, "tokens-vs-max-length.png", "model-core, 1 thread: chunk length",
        "max-length", "real tokens/s",
        (List<Map<String, Object>>) r.get("sweep_max_length"), "max_length", "tokens_per_s"));
    List<Map<String, Object>> split = new ArrayList<>();
    for (Map<String, Object> m : (List<Map<String, Object>>) r.get("sweep_slots_vs_blas_threads")) {
      split.add(Map.of("config", m.get("slots") + " slots x " + m.get("blas_threads") + " BLAS",
          "tokens_per_s", m.get("tokens_per_s")));
    }
    charts.add(bar(dir, "tokens-vs-slots.png", "task slots x BLAS threads", "configuration",
        "real tokens/s", split, "config", "tokens_per_s"));
    charts.add(bar(dir, "tokens-vs-partitions.png", "Spark job, local[" + r.get("cores")
        + "]: partitions", "--partitions", "real tokens/s (end to end)",
        (List<Map<String, Object>>) r.get("sweep_partitions"), "partitions", "tokens_per_s"));
    Map<String, Object> stages = (Map<String, Object>) r.get("stage_breakdown");
    List<Map<String, Object>> stageRows = new ArrayList<>();
    for (var e : stages.entrySet()) stageRows.add(Map.of("stage", e.getKey(), "s", e.getValue()));
    charts.add(bar(dir, "stage-times.png", "where the time goes (recommended run)", "stage",
        "seconds", stageRows, "stage", "s"));
    Map<String, Object> hist = (Map<String, Object>) r.get("length_histogram");
    List<Map<String, Object>> histRows = new ArrayList<>();
    List<String> bins = (List<String>) hist.get("bins");
    List<Integer> counts = (List<Integer>) hist.get("documents");
    for (int i = 0; i < bins.size(); i++) {
      histRows.add(Map.of("bin", bins.get(i), "documents", counts.get(i)));
    }
    charts.add(bar(dir, "length-histogram.png", "document length in tokens (sample)", "tokens",
        "documents", histRows, "bin", "documents"));

    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Corpus Encoder tuning: ")
        .append(esc(r.get("model"))).append("</title>\n<style>body{font-family:sans-serif;"
            + "max-width:980px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px "
            + "solid #ccc;padding:3px 8px;text-align:right}th{background:#eee}img{max-width:100%}"
            + "</style></head><body>\n");
    h.append("<h1>Tuning ").append(esc(r.get("model"))).append(" on ").append(esc(r.get("input")))
        .append("</h1>\n<p>").append(r.get("corpus_docs")).append(" documents; measured on a "
            + "sample of ").append(r.get("sample_docs")).append(" with ").append(r.get("cores"))
        .append(" cores in ").append(r.get("tune_seconds")).append(" s. Mean ")
        .append(fmt(r.get("tokens_per_doc"))).append(" tokens per document once chunked; "
            + "percentiles ").append(esc(r.get("length_percentiles"))).append(".</p>\n");
    h.append("<h2>Recommendation</h2>\n<p>Defaults: <b>").append(r.get("defaults_tokens_per_s"))
        .append("</b> real tokens/s; recommended.properties: <b>")
        .append(r.get("recommended_tokens_per_s")).append("</b> real tokens/s (the job on local[")
        .append(r.get("cores")).append("] over the sample, mean of 2 alternated runs each).</p>\n")
        .append(table(List.of((Map<String, Object>) (Map<?, ?>) r.get("recommended"))));
    if (r.containsKey("recommended_note")) {
      h.append("<p>").append(esc(r.get("recommended_note"))).append("</p>\n");
    }
    h.append("<h2>Sweeps</h2>\n");
    for (String key : List.of("sweep_batch_tokens", "sweep_max_length",
        "sweep_slots_vs_blas_threads", "sweep_partitions")) {
      h.append("<h3>").append(key.replace('_', ' ')).append("</h3>\n")
          .append(table((List<Map<String, Object>>) r.get(key)));
    }
    h.append("<h2>Charts</h2>\n");
    for (String c : charts) {
      byte[] png = Files.readAllBytes(dir.resolve(c));
      h.append("<p><img alt=\"").append(c).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\"></p>\n");
    }
    h.append("<h2>Cost model</h2>\n<p>From these measurements: ")
        .append("<code>scripts/tune.sh --predict --tuned DIR --executors E --cores C [--docs N]</code>"
            + " predicts wall time and core-hours.</p>\n")
        .append(table(List.of((Map<String, Object>) r.get("cost_model"))));
    if (r.containsKey("check")) {
      h.append("<h2>Predictions against real runs</h2>\n")
          .append(table((List<Map<String, Object>>) r.get("check")));
    }
    h.append("</body></html>\n");
    Path html = dir.resolve("index.html");
    Files.writeString(html, h.toString());
    return html;
  }

  private static String bar(Path dir, String file, String title, String xLabel, String yLabel,
      List<Map<String, Object>> rows, String xKey, String yKey) throws IOException {
    DefaultCategoryDataset d = new DefaultCategoryDataset();
    for (Map<String, Object> m : rows) {
      d.addValue(((Number) m.get(yKey)).doubleValue(), yLabel, String.valueOf(m.get(xKey)));
    }
    JFreeChart chart = ChartFactory.createBarChart(title, xLabel, yLabel, d,
        PlotOrientation.VERTICAL, false, false, false);
    chart.setBackgroundPaint(Color.WHITE);
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    ChartUtils.writeChartAsPNG(png, chart, 720, 360);
    Files.write(dir.resolve(file), png.toByteArray());
    return file;
  }

  private static String table(List<Map<String, Object>> rows) {
    if (rows == null || rows.isEmpty()) return "<p>(none)</p>\n";
    StringBuilder t = new StringBuilder("<table><tr>");
    for (String k : rows.get(0).keySet()) t.append("<th>").append(esc(k)).append("</th>");
    t.append("</tr>\n");
    for (Map<String, Object> r : rows) {
      t.append("<tr>");
      for (Object v : r.values()) t.append("<td>").append(esc(fmt(v))).append("</td>");
      t.append("</tr>\n");
    }
    return t.append("</table>\n").toString();
  }

  static String fmt(Object v) {
    if (v instanceof Double d) return String.format(Locale.ROOT, "%.3f", d);
    return String.valueOf(v);
  }

  private static String esc(Object o) {
    return String.valueOf(o).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
