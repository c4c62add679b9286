"""
Corpus Encoder for PySpark: contextual text embeddings computed in the JVM by the job jar this
package carries (one per Spark line).

- ``TextEncoder``: the Spark ML Transformer (Pipelines, save/load across Python and Java, Spark
  Connect on Spark 4);
- ``encode(spark, input=..., output=..., **options)``: the batch job, returning its report;
- ``with_corpus_encoder(builder)``: adds the jar matching the installed pyspark to a builder;
- ``jar_path()``: that jar's path, to attach it elsewhere (spark-submit, cluster libraries).
"""

from typing import Any, Optional

from corpus_encoder._jars import jar_path, spark_line
from corpus_encoder.job import encode, option_names
from corpus_encoder.ml import TextEncoder

__all__ = ["TextEncoder", "encode", "jar_path", "option_names", "spark_line", "with_corpus_encoder"]


def with_corpus_encoder(builder: Any, spark_version: Optional[str] = None) -> Any:
    """
    Adds the job jar matching the installed pyspark (3.5 -> the Scala 2.12 jar, 4.x -> the
    Scala 2.13 jar) to ``builder``'s spark.jars, keeping jars already listed, and returns it.
    It takes effect when the builder starts the session's JVM (``getOrCreate()`` or a local
    Spark Connect server); a session already running (notebooks on Databricks, EMR) needs the
    jar attached to the cluster instead.

    >>> spark = with_corpus_encoder(SparkSession.builder.master("local[2]")).getOrCreate()
    """
    jar = jar_path(spark_version)
    options = getattr(builder, "_options", {})
    listed = [j for j in str(options.get("spark.jars", "")).split(",") if j]
    if jar not in listed:
        listed.append(jar)
    return builder.config("spark.jars", ",".join(listed))
