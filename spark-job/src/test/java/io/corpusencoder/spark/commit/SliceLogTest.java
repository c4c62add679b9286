package io.corpusencoder.spark.commit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The slice manifests on the local file system, without Spark: a driver killed between a slice's
 * manifest and its moves (the afterManifest hook throws, as kill -9 would stop it there), then
 * what a --resume's recover() finds.
 */
class SliceLogTest {
  @TempDir Path tmp;
  private Path out;
  private FileSystem fs;

  /** Thrown by the afterManifest hook: the driver dies after the manifest, before any move. */
  private static final class Killed extends RuntimeException {
    private static final long serialVersionUID = 1L;
  }

  @BeforeEach
  void setUp() throws IOException {
    out = tmp.resolve("out");
    fs = FileSystem.getLocal(new Configuration());
  }

  private SliceLog log() {
    return new SliceLog(fs, new org.apache.hadoop.fs.Path(out.toUri()));
  }

  /** Slice 2 committed by "Spark" into staging (two data files, one quarantine file). */
  private void stageSlice2() throws IOException {
    SliceLog log = log();
    log.writePlan(Map.of("slices", 3));
    Path data = Path.of(log.stagingData(2).toUri());
    Path quarantine = Path.of(log.stagingQuarantine(2).toUri());
    Files.createDirectories(data);
    Files.createDirectories(quarantine);
    Files.writeString(data.resolve("part-00000-a.parquet"), "rows of partition 8");
    Files.writeString(data.resolve("part-00001-a.parquet"), "rows of partition 9");
    Files.writeString(data.resolve("_SUCCESS"), "");
    Files.writeString(quarantine.resolve("part-00000-q.json"), "{\"reason\": \"bad\"}");
    assertThrows(Killed.class, () -> log.publish(2, Map.of("texts", 40, "quarantined", 1),
        () -> {
          throw new Killed();
        }));
  }

  @Test
  void recoverFinishesTheMovesOfASliceWhoseManifestWasWritten() throws Exception {
    stageSlice2();
    // The first file had been moved when the driver died.
    Files.move(Path.of(log().stagingData(2).toUri()).resolve("part-00000-a.parquet"),
        out.resolve("part-00000-a.parquet"));

    Map<Integer, Map<String, Object>> done = log().recover();

    assertEquals(List.of(2), List.copyOf(done.keySet()));
    assertEquals(40, done.get(2).get("texts"));
    assertEquals("rows of partition 8", Files.readString(out.resolve("part-00000-a.parquet")));
    assertEquals("rows of partition 9", Files.readString(out.resolve("part-00001-a.parquet")));
    assertEquals("{\"reason\": \"bad\"}",
        Files.readString(out.resolve("_quarantine/part-00000-q.json")));
    assertFalse(Files.exists(out.resolve("_slices/slice-00002")), "staging removed once moved");
  }

  @Test
  void aFileTheManifestListsButNeitherStagingNorOutputHoldsFailsTheResume() throws Exception {
    stageSlice2();
    Path staged = Path.of(log().stagingData(2).toUri());
    Files.move(staged.resolve("part-00000-a.parquet"), out.resolve("part-00000-a.parquet"));
    Files.delete(staged.resolve("part-00001-a.parquet")); // lost: its rows exist nowhere now

    IOException e = assertThrows(IOException.class, () -> log().recover());

    String m = e.getMessage();
    assertTrue(m.contains("slice 2"), m);
    assertTrue(m.contains("part-00001-a.parquet"), m);
    assertTrue(m.contains(out.resolve("_slices/slice-00002.json").toString()), m);
    // Nothing was changed: the quarantine file still waits in staging, the manifest and the plan
    // stay, so the next --resume finds the same loss instead of a complete-looking output.
    assertTrue(Files.exists(Path.of(log().stagingQuarantine(2).toUri())
        .resolve("part-00000-q.json")));
    assertFalse(Files.exists(out.resolve("_quarantine")));
    assertTrue(log().exists());
    assertTrue(Files.exists(out.resolve("_slices/slice-00002.json")));
    IOException again = assertThrows(IOException.class, () -> log().recover());
    assertEquals(m, again.getMessage());
  }

  @Test
  void aLostQuarantineFileIsNamedToo() throws Exception {
    stageSlice2();
    Files.delete(Path.of(log().stagingQuarantine(2).toUri()).resolve("part-00000-q.json"));

    IOException e = assertThrows(IOException.class, () -> log().recover());

    assertTrue(e.getMessage().contains("slice 2"), e.getMessage());
    assertTrue(e.getMessage().contains("part-00000-q.json"), e.getMessage());
    assertTrue(e.getMessage().contains("_quarantine"), e.getMessage());
    // The data files were not moved either: the slice stays as the killed driver left it.
    assertFalse(Files.exists(out.resolve("part-00000-a.parquet")));
  }
}
