"""A Spark Connect client of a local Connect server (Spark 4): encodes texts through TextEncoder,
saves and reloads a Pipeline, and prints what it got as JSON (run by test_connect.py)."""

import json
import sys

from pyspark.ml import Pipeline, PipelineModel
from pyspark.sql import SparkSession

from corpus_encoder import TextEncoder, with_corpus_encoder

texts, workdir = json.loads(sys.argv[1]), sys.argv[2]
spark = with_corpus_encoder(SparkSession.builder.remote("local[2]")).getOrCreate()
df = spark.createDataFrame([(i, t) for i, t in enumerate(texts)], ["id", "text"])
encoder = TextEncoder(outputCol="vec", maxLength=64)
direct = encoder.transform(df).orderBy("id").collect()
Pipeline(stages=[encoder]).fit(df).save(workdir + "/pipeline")
loaded = PipelineModel.load(workdir + "/pipeline")
reloaded = loaded.transform(df).orderBy("id").collect()
print(json.dumps({
    "session": type(spark).__module__,
    "direct": [r.vec for r in direct],
    "reloaded": [r.vec for r in reloaded],
    "stage": type(loaded.stages[0]).__name__,
    "maxLength": loaded.stages[0].getMaxLength(),
}))
spark.stop()
