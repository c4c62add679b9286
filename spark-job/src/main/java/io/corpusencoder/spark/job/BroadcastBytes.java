package io.corpusencoder.spark.job;

import org.apache.spark.SparkEnv;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.BlockManager;
import org.apache.spark.storage.BlockStatus;
import org.apache.spark.storage.BroadcastBlockId;
import scala.Option;

/**
 * The bytes a broadcast ships, as Spark stored them on the driver: the sum of its pieces
 * (TorrentBroadcast's "piece0".."pieceN-1" blocks, spark.broadcast.blockSize each, compressed
 * when spark.broadcast.compress is on), in memory or spilled to disk. No second serialization of
 * the value: a 2 GB model took tens of seconds that way.
 */
final class BroadcastBytes {
  private BroadcastBytes() {}

  /** Bytes of {@code b}'s pieces in this JVM's block manager; -1 when it holds none. */
  static long of(Broadcast<?> b) {
    BlockManager blocks = SparkEnv.get().blockManager();
    long bytes = 0;
    int pieces = 0;
    while (true) {
      Option<BlockStatus> s = blocks.getStatus(new BroadcastBlockId(b.id(), "piece" + pieces));
      if (s.isEmpty()) break;
      // A piece lives in memory or, evicted or too big for storage memory, on disk.
      bytes += Math.max(s.get().memSize(), s.get().diskSize());
      pieces++;
    }
    return pieces == 0 ? -1 : bytes;
  }
}
