"""corpus_encoder.TextEncoder against the JVM class it wraps."""

import pytest
from conftest import TEXTS, float32_bits, model_core_bits
from pyspark.ml import Pipeline, PipelineModel
from pyspark.sql import DataFrame

from corpus_encoder import TextEncoder
from corpus_encoder.ml import JAVA_CLASS


def java_class(spark, name):
    obj = spark.sparkContext._jvm
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def test_params_are_the_java_classes(spark):
    # Python declares each Param and default; the Java class is the truth: any drift fails here.
    java = java_class(spark, JAVA_CLASS)()
    java_params = {p.name(): p for p in java.params()}
    python = TextEncoder()
    assert sorted(p.name for p in python.params) == sorted(java_params)
    for name, p in java_params.items():
        java_default = java.getDefault(p)
        expected = java_default.get() if java_default.isDefined() else None
        actual = python.getOrDefault(name) if python.hasDefault(name) else None
        assert actual == expected, f"default of {name}: Python {actual!r}, Java {expected!r}"


def test_transform_gives_model_cores_bits(spark):
    df = spark.createDataFrame([(i, t) for i, t in enumerate(TEXTS)], ["id", "text"])
    rows = TextEncoder(inputCol="text", outputCol="vec").transform(df).orderBy("id").collect()
    assert [r.text for r in rows] == TEXTS
    expected = model_core_bits(spark, TEXTS)
    for r, want in zip(rows, expected):
        assert len(r.vec) == 384
        assert float32_bits(r.vec) == want, f"text {r.id} {r.text!r}"


def test_prompt_and_dimensions_give_model_cores_bits(spark):
    df = spark.createDataFrame([(i, t) for i, t in enumerate(TEXTS)], ["id", "text"])
    enc = TextEncoder(outputCol="vec", promptText="query: ", dimensions=100)
    rows = enc.transform(df).orderBy("id").collect()
    expected = model_core_bits(spark, TEXTS, prompt="query: ", dimensions=100)
    plain = model_core_bits(spark, TEXTS)
    for r, want, without in zip(rows, expected, plain):
        assert len(r.vec) == 100
        assert abs(sum(x * x for x in r.vec) - 1.0) < 1e-5, "re-normalized after truncation"
        assert float32_bits(r.vec) == want, f"text {r.id} {r.text!r}"
        assert want != without[: 4 * 100], "the prompt changes the vector"
    with pytest.raises(Exception, match="dimensions 385"):
        TextEncoder(dimensions=385).transform(df).collect()


def test_params_reach_the_jvm(spark):
    df = spark.createDataFrame([(TEXTS[0],)], ["text"])
    unnormalized = TextEncoder(normalize=False).transform(df).head().embedding
    normalized = TextEncoder(normalize=True).transform(df).head().embedding
    assert abs(sum(x * x for x in normalized) - 1.0) < 1e-5
    assert abs(sum(x * x for x in unnormalized) - 1.0) > 1e-2
    with pytest.raises(Exception, match="pooling"):
        TextEncoder(pooling="median").transform(df)


def test_pipeline_saved_in_python_loads_in_java(spark, tmp_path):
    df = spark.createDataFrame([(t,) for t in TEXTS], ["text"])
    stage = TextEncoder(outputCol="vec", maxLength=8, normalize=False)
    path = str(tmp_path / "pipeline")
    Pipeline(stages=[stage]).fit(df).save(path)

    java_model = java_class(spark, "org.apache.spark.ml.PipelineModel").load(path)
    java_stage = java_model.stages()[0]
    assert java_stage.getClass().getName() == JAVA_CLASS
    assert java_stage.uid() == stage.uid
    assert java_stage.getOrDefault(java_stage.maxLength()) == 8
    assert java_stage.getOrDefault(java_stage.normalize()) == "false"
    by_java = DataFrame(java_model.transform(df._jdf), spark).collect()
    by_python = PipelineModel.load(path).transform(df).collect()
    assert [float32_bits(r.vec) for r in by_java] == [float32_bits(r.vec) for r in by_python]


def test_pipeline_saved_in_java_loads_in_python(spark, tmp_path):
    df = spark.createDataFrame([(t,) for t in TEXTS], ["text"])
    jvm = spark.sparkContext._jvm
    java_stage = java_class(spark, JAVA_CLASS)().setOutputCol("vec").setMaxLength(128)
    stages = spark.sparkContext._gateway.new_array(jvm.org.apache.spark.ml.PipelineStage, 1)
    stages[0] = java_stage
    path = str(tmp_path / "pipeline")
    jvm.org.apache.spark.ml.Pipeline().setStages(stages).fit(df._jdf).save(path)

    loaded = PipelineModel.load(path)
    stage = loaded.stages[0]
    assert isinstance(stage, TextEncoder)
    assert (stage.uid, stage.getOutputCol(), stage.getMaxLength()) == (java_stage.uid(), "vec", 128)
    rows = loaded.transform(df).collect()
    assert [float32_bits(r.vec) for r in rows] == model_core_bits(spark, TEXTS)


def test_save_and_load_the_stage_alone(spark, tmp_path):
    path = str(tmp_path / "stage")
    TextEncoder(model="all-minilm-l6-v2", batchSize=3).save(path)
    loaded = TextEncoder.load(path)
    assert isinstance(loaded, TextEncoder)
    assert (loaded.getModel(), loaded.getBatchSize()) == ("all-minilm-l6-v2", 3)
