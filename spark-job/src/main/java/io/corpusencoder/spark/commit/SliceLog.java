package io.corpusencoder.spark.commit;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The output committed slice by slice, so that a job killed part-way can be resumed.
 *
 * <p>A slice (a range of the job's work partitions) is written by Spark into its own staging
 * folder, {@code _slices/slice-NNNNN/}, with Spark's commit protocol. The driver then writes the
 * slice's manifest, {@code _slices/slice-NNNNN.json}, listing the files and the slice's counts,
 * and only then moves the files into the output folder (and its {@code _quarantine/}). So a file
 * reaches the output only once a manifest owns it: a slice without a manifest left nothing
 * visible and is redone; a slice with one is done (a move cut short is finished on resume, and a
 * file it lists that is neither in staging nor in the output fails the resume, naming the slice
 * and the file, rather than completing an output that lacks its rows).
 * {@code _slices/plan.json} records what the slices were cut from; a resume with another input or
 * other settings is refused. The folder is removed when the job completes.
 */
public final class SliceLog {
  public static final String DIR = "_slices";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final FileSystem fs;
  private final Path output;
  private final Path dir;

  public SliceLog(FileSystem fs, Path output) {
    this.fs = fs;
    this.output = output;
    this.dir = new Path(output, DIR);
  }

  /** True when an unfinished job left its slices here. */
  public boolean exists() throws IOException {
    return fs.exists(new Path(dir, "plan.json"));
  }

  Path staging(int slice) {
    return new Path(dir, String.format("slice-%05d", slice));
  }

  Path stagingData(int slice) {
    return new Path(staging(slice), "data");
  }

  Path stagingQuarantine(int slice) {
    return new Path(staging(slice), "quarantine");
  }

  private Path manifest(int slice) {
    return new Path(dir, String.format("slice-%05d.json", slice));
  }

  public void writePlan(Map<String, Object> plan) throws IOException {
    fs.mkdirs(dir);
    writeJson(new Path(dir, "plan.json"), plan);
  }

  public Map<String, Object> readPlan() throws IOException {
    return readJson(new Path(dir, "plan.json"));
  }

  /**
   * The slices already done, by number, with the counts their manifests hold. Finishes any move
   * a killed driver cut short and removes the staging of slices that never got a manifest. Throws,
   * changing nothing, when a file a manifest lists exists nowhere.
   */
  public Map<Integer, Map<String, Object>> recover() throws IOException {
    Map<Integer, Map<String, Object>> manifests = new TreeMap<>();
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (name.matches("slice-\\d{5}\\.json")) {
        manifests.put(Integer.parseInt(name.substring(6, 11)), readJson(f.getPath()));
      }
    }
    // Every file of every manifest is checked before anything moves, so a loss leaves the slice
    // log exactly as it was: the next --resume finds the same loss, never a complete-looking
    // output.
    for (var e : manifests.entrySet()) requireEveryFile(e.getKey(), e.getValue());
    Map<Integer, Map<String, Object>> done = new TreeMap<>();
    for (var e : manifests.entrySet()) {
      moveAll(e.getKey(), e.getValue());
      @SuppressWarnings("unchecked")
      Map<String, Object> counts = (Map<String, Object>) e.getValue().get("counts");
      done.put(e.getKey(), counts);
    }
    for (FileStatus f : fs.listStatus(dir)) {
      String name = f.getPath().getName();
      if (f.isDirectory() && name.matches("slice-\\d{5}")
          && !done.containsKey(Integer.parseInt(name.substring(6)))) {
        fs.delete(f.getPath(), true); // a slice cut short: nothing of it is visible; redo it
      }
    }
    return done;
  }

  /**
   * Publishes a slice Spark has committed to its staging folder: manifest first, then the moves.
   * {@code halt} is the test hook that kills the driver between the two steps.
   */
  void publish(int slice, Map<String, Object> counts, Runnable afterManifest) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("slice", slice);
    m.put("files", dataFiles(stagingData(slice)));
    m.put("quarantine_files", dataFiles(stagingQuarantine(slice)));
    m.put("counts", counts);
    writeJson(manifest(slice), m);
    afterManifest.run();
    moveAll(slice, m);
  }

  /** The output's data files that this job's manifests list (an appended-to output has more). */
  @SuppressWarnings("unchecked")
  public List<String> committedDataFiles() throws IOException {
    List<String> files = new ArrayList<>();
    for (FileStatus f : fs.listStatus(dir)) {
      if (f.getPath().getName().matches("slice-\\d{5}\\.json")) {
        for (String n : (List<String>) readJson(f.getPath()).get("files")) {
          files.add(new Path(output, n).toString());
        }
      }
    }
    files.sort(null);
    return files;
  }

  /** The job is complete: the manifests are no longer needed. */
  public void remove() throws IOException {
    fs.delete(dir, true);
  }

  @SuppressWarnings("unchecked")
  private void moveAll(int slice, Map<String, Object> manifest) throws IOException {
    move(slice, stagingData(slice), output, (List<String>) manifest.get("files"));
    move(slice, stagingQuarantine(slice), new Path(output, "_quarantine"),
        (List<String>) manifest.get("quarantine_files"));
    fs.delete(staging(slice), true);
  }

  private void move(int slice, Path from, Path to, List<String> files) throws IOException {
    if (files.isEmpty()) return;
    fs.mkdirs(to);
    for (String f : files) {
      Path src = new Path(from, f);
      Path dst = new Path(to, f);
      if (fs.exists(src)) {
        // Both exist after a copying rename (object stores) was cut short: dst is whole, src
        // goes with the staging folder.
        if (!fs.exists(dst) && !fs.rename(src, dst)) {
          throw new IOException("could not move " + src + " to " + dst);
        }
      } else if (!fs.exists(dst)) {
        throw lost(slice, f, from, to);
      }
    }
  }

  /** Each file the manifest lists is in its staging folder or already moved to the output. */
  @SuppressWarnings("unchecked")
  private void requireEveryFile(int slice, Map<String, Object> manifest) throws IOException {
    requireEach(slice, stagingData(slice), output, (List<String>) manifest.get("files"));
    requireEach(slice, stagingQuarantine(slice), new Path(output, "_quarantine"),
        (List<String>) manifest.get("quarantine_files"));
  }

  private void requireEach(int slice, Path from, Path to, List<String> files) throws IOException {
    for (String f : files) {
      if (!fs.exists(new Path(from, f)) && !fs.exists(new Path(to, f))) {
        throw lost(slice, f, from, to);
      }
    }
  }

  /**
   * A committed file that exists nowhere: its rows are lost, so the job must not complete. Only
   * the user can decide between restoring it and encoding the slice again.
   */
  private IOException lost(int slice, String file, Path from, Path to) {
    return new IOException("slice " + slice + ": " + file + ", listed in its manifest "
        + manifest(slice) + ", is neither in its staging folder " + from + " nor in " + to
        + "; its rows would be lost. Restore the file and run --resume again; or, to encode slice "
        + slice + " again, delete " + manifest(slice) + " and the files it lists from " + output
        + " and " + new Path(output, "_quarantine") + ", then run --resume; or start over with "
        + "--save-mode overwrite");
  }

  /** Spark's output files in a committed folder (its _SUCCESS and hidden files excluded). */
  private List<String> dataFiles(Path folder) throws IOException {
    List<String> names = new ArrayList<>();
    if (!fs.exists(folder)) return names;
    for (FileStatus f : fs.listStatus(folder)) {
      String n = f.getPath().getName();
      if (f.isFile() && !n.startsWith("_") && !n.startsWith(".")) names.add(n);
    }
    names.sort(null);
    return names;
  }

  private void writeJson(Path p, Map<String, Object> value) throws IOException {
    // Written aside and renamed: a reader never sees half a manifest.
    Path tmp = new Path(p.getParent(), "." + p.getName() + ".tmp");
    try (OutputStream out = fs.create(tmp, true)) {
      JSON.writerWithDefaultPrettyPrinter().writeValue(out, value);
    }
    fs.delete(p, false);
    if (!fs.rename(tmp, p)) throw new IOException("could not write " + p);
  }

  private Map<String, Object> readJson(Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return JSON.readValue(in, new TypeReference<LinkedHashMap<String, Object>>() {});
    }
  }
}
