package io.corpusencoder.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** What a job did: counts that must add up, tokens, stage times, throughput, model, settings. */
final class JobReport {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  final Map<String, Object> fields = new LinkedHashMap<>();

  long recordsRead() {
    return ((Number) fields.get("records_read")).longValue();
  }

  /** Per-task throughput from the "partition texts tokens encodeNanos taskNanos" lines. */
  static List<Map<String, Object>> tasks(List<String> lines) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (String l : lines) {
      String[] p = l.split(" ");
      Map<String, Object> t = new LinkedHashMap<>();
      long tokens = Long.parseLong(p[2]);
      double encodeS = Long.parseLong(p[3]) / 1e9;
      double taskS = Long.parseLong(p[4]) / 1e9;
      t.put("partition", Integer.parseInt(p[0]));
      t.put("texts", Long.parseLong(p[1]));
      t.put("real_tokens", tokens);
      t.put("encode_s", round(encodeS));
      t.put("task_s", round(taskS));
      t.put("tokens_per_s", taskS > 0 ? Math.round(tokens / taskS) : 0);
      out.add(t);
    }
    out.sort((a, b) -> Integer.compare((Integer) a.get("partition"), (Integer) b.get("partition")));
    return out;
  }

  static double round(double v) {
    return Math.round(v * 1000) / 1000.0;
  }

  void write(String outputDir, Configuration conf) throws IOException {
    Path p = new Path(outputDir, "_report.json");
    FileSystem fs = p.getFileSystem(conf);
    try (OutputStream out = fs.create(p, true)) {
      JSON.writeValue(out, fields);
    }
  }

  String toJson() throws IOException {
    return JSON.writeValueAsString(fields);
  }

  /** The one-line console summary. */
  String summary() {
    return String.format(Locale.ROOT, "corpus-encoder: %d records read, %d written as %d rows, "
            + "%d quarantined; %d real tokens in %.1f s = %.0f tokens/s; output %s",
        fields.get("records_read"), fields.get("records_written"), fields.get("rows_written"),
        fields.get("records_quarantined"), fields.get("real_tokens"),
        (Double) fields.get("wall_s"), (Double) fields.get("tokens_per_s"), fields.get("output"));
  }
}
