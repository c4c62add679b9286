"""One local SparkSession for the whole run (a session costs 5-60 s on 2 busy cores)."""

import os
import struct

import pytest

os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

# Short texts in several scripts: each is one chunk, so the Transformer's vector (the first
# window) and the job's (the text's only chunk) are the same computation.
TEXTS = [
    "Corpus Encoder computes contextual embeddings on Spark.",
    "Die Katze sitzt auf der Matte.",
    "東京は日本の首都です。",
    "",
    "short",
]


@pytest.fixture(scope="session")
def spark():
    from pyspark.sql import SparkSession

    from corpus_encoder import with_corpus_encoder

    builder = SparkSession.builder.master("local[2]").appName("corpus_encoder tests")
    builder = builder.config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2")
    # local mode: driver and executor share this JVM, which holds the Transformer's broadcasts
    # (serialized and deserialized) and the reference models below; 1g, Spark's default, ran out
    builder = builder.config("spark.driver.memory", "2g")
    session = with_corpus_encoder(builder).getOrCreate()
    yield session
    session.stop()


def float32_bits(values):
    """The float32 bytes of a vector (Spark returns array<float> as Python floats, exactly)."""
    return struct.pack(f"<{len(values)}f", *values)


_MODELS = {}


def _loaded(spark, model):
    """model-core's model of `model`, loaded once per session (each load is a fresh copy)."""
    if model not in _MODELS:
        _MODELS[model] = spark.sparkContext._jvm.io.corpusencoder.core.embed.ModelLoader.load(model)
    return _MODELS[model]


def model_core_bits(spark, texts, model="all-minilm-l6-v2", prompt="", dimensions=0):
    """Each text's vector from model-core itself (EmbeddingModel.embed, no Spark), as float32
    bytes: the reference every door must match bit for bit; with a prompt text put before each
    text and the first `dimensions` values kept (0 all)."""
    jvm = spark.sparkContext._jvm
    m = _loaded(spark, model).withPrompt(prompt).withDimensions(dimensions)
    out = []
    for e in m.embed(jvm.java.util.ArrayList(list(texts))):
        vector = e.vector()
        buf = jvm.java.nio.ByteBuffer.allocate(4 * len(vector))
        buf.order(jvm.java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().put(vector)
        out.append(bytes(buf.array()))
    return out

