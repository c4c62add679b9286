"""The jar of each Spark line, and with_corpus_encoder's choice of it."""

import zipfile

import pyspark
import pytest
from pyspark.sql import SparkSession

from corpus_encoder import jar_path, spark_line, with_corpus_encoder


@pytest.mark.parametrize(
    "version, line",
    [("3.5.0", "3.5"), ("3.5.9", "3.5"), ("4.0.1", "4"), ("4.1.4", "4"), ("4.2.0", "4"),
     ("4.1.0.dev0", "4")],
)
def test_spark_line(version, line):
    assert spark_line(version) == line


@pytest.mark.parametrize("version", ["3.4.4", "4.0.0", "5.0.0", "2.4.8", "four"])
def test_unsupported_spark_is_refused(version):
    with pytest.raises(ValueError, match=version):
        spark_line(version)


def jar_properties(path):
    with zipfile.ZipFile(path) as z:
        text = z.read("corpus-encoder.properties").decode()
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def test_the_installed_pysparks_jar_was_built_for_its_line():
    props = jar_properties(jar_path())
    built, installed = props["spark.version"], pyspark.__version__
    assert spark_line(built) == spark_line(installed)
    assert props["scala.binary.version"] == ("2.12" if installed.startswith("3.") else "2.13")


def test_builder_gets_the_jar_and_keeps_its_own():
    builder = SparkSession.Builder().config("spark.jars", "/opt/a.jar,/opt/b.jar")
    jars = with_corpus_encoder(builder)._options["spark.jars"].split(",")
    assert jars == ["/opt/a.jar", "/opt/b.jar", jar_path()]
    # twice is once
    assert with_corpus_encoder(builder)._options["spark.jars"].split(",") == jars


def test_the_session_runs_that_jar(spark):
    assert jar_path() in spark.sparkContext.getConf().get("spark.jars").split(",")
    jvm = spark.sparkContext._jvm
    source = jvm.io.corpusencoder.spark.ml.TextEncoder._java_lang_class.getProtectionDomain()
    assert source.getCodeSource().getLocation().getPath() == jar_path()
