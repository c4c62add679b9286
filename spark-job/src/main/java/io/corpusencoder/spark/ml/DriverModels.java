package io.corpusencoder.spark.ml;

import io.corpusencoder.core.embed.EmbeddingModel;
import io.corpusencoder.core.embed.ModelIdentity;
import io.corpusencoder.core.embed.ModelLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The Transformer's models on the driver: models loaded by spec, and their broadcasts, the last
 * {@link #CAPACITY} used of each. transform() with the same model and settings reuses one
 * broadcast rather than leaving one behind per call. An evicted broadcast is unpersisted, not
 * destroyed: executors drop their copies, and a Dataset planned on it still runs (its tasks fetch
 * it from the driver again).
 */
final class DriverModels {
  /** Models (about 100 MB to 2 GB each) kept loaded, and broadcasts kept, per JVM. */
  static final int CAPACITY = 2;

  private DriverModels() {}

  /** What a broadcast holds: the model's identity and settings, in one application. */
  private record Key(String applicationId, ModelIdentity model, String pooling,
      boolean normalize, int maxLength, String prompt, int dimensions) {}

  private record Shared(SparkContext context, Broadcast<EmbeddingModel> broadcast) {}

  private static final Map<String, EmbeddingModel> LOADED =
      new LinkedHashMap<>(4, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, EmbeddingModel> eldest) {
          return size() > CAPACITY;
        }
      };

  private static final Map<Key, Shared> BROADCASTS = new LinkedHashMap<>(4, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Shared> eldest) {
      if (size() <= CAPACITY) return false;
      release(eldest.getValue());
      return true;
    }
  };

  /** The model of {@code spec} (a catalog name or a path), loaded once while it stays in use. */
  static synchronized EmbeddingModel load(String spec) {
    EmbeddingModel m = LOADED.get(spec);
    if (m == null) {
      try {
        m = ModelLoader.load(spec);
      } catch (IOException e) {
        throw new UncheckedIOException("TextEncoder model " + spec, e);
      }
      LOADED.put(spec, m);
    }
    return m;
  }

  /** The broadcast of {@code m} (with its settings) in {@code sc}, made once and reused. */
  static synchronized Broadcast<EmbeddingModel> broadcast(SparkContext sc, EmbeddingModel m) {
    Key key = new Key(sc.applicationId(), m.identity(), m.pooling().name(), m.normalize(),
        m.maxLength(), m.prompt(), m.dimensions());
    Shared s = BROADCASTS.get(key);
    if (s == null || s.context().isStopped()) {
      s = new Shared(sc, sc.broadcast(m, scala.reflect.ClassTag$.MODULE$.apply(
          EmbeddingModel.class)));
      BROADCASTS.put(key, s);
    }
    return s.broadcast();
  }

  private static void release(Shared s) {
    // A stopped context has dropped its broadcasts already (and can no longer unpersist).
    if (!s.context().isStopped()) s.broadcast().unpersist(false);
  }

  /** Forgets every loaded model and unpersists every broadcast, as a fresh driver has none. */
  static synchronized void forgetAll() {
    for (Shared s : BROADCASTS.values()) release(s);
    BROADCASTS.clear();
    LOADED.clear();
  }

  static synchronized int loadedCount() {
    return LOADED.size();
  }

  /** The ids of the broadcasts kept, least recently used first. */
  static synchronized List<Long> broadcastIds() {
    List<Long> ids = new ArrayList<>();
    for (Shared s : BROADCASTS.values()) ids.add(s.broadcast().id());
    return ids;
  }
}
