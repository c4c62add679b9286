"""README.md's PySpark section, run as written: its example, its jar names, its Java 17 claim."""

import json
import os
import re
import struct
import zipfile

import pytest
from conftest import float32_bits, model_core_bits

from corpus_encoder import jar_path
from corpus_encoder._jars import JARS

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def pyspark_section():
    with open(README, encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n## PySpark\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def test_readme_example_runs(spark, tmp_path):
    example = re.search(r"```python\n(.*?)```", pyspark_section(), re.S).group(1)
    with open(tmp_path / "docs.jsonl", "w", encoding="utf-8") as f:
        for i, text in enumerate(["An example document.", "Ein Beispiel.", ""]):
            f.write(json.dumps({"id": f"e{i}", "text": text, "lang": "de" if i else "en"}) + "\n")
    # The JVM resolves relative paths against its own working directory: make them absolute.
    for name in ("docs.jsonl", "vectors", "encoder-pipeline"):
        assert f'"{name}"' in example
        example = example.replace(f'"{name}"', repr(str(tmp_path / name)))
    scope = {}
    exec(compile(example, "README.md (PySpark)", "exec"), scope)

    assert scope["spark"] is spark  # getOrCreate: the test's session, which has the jar
    rows = scope["vectors"].orderBy("id").collect()
    assert [float32_bits(r.embedding) for r in rows] == model_core_bits(
        spark, ["Spark computes the embeddings.", "Short."])
    report = scope["report"]
    assert (report["records_written"], report["counts_add_up"]) == (3, True)
    assert report["settings"]["doc-vector"] == "true"
    documents = spark.read.parquet(str(tmp_path / "vectors")).where("chunk = -1").select("id", "lang").collect()
    assert sorted((r.id, r.lang) for r in documents) == [("e0", "en"), ("e1", "de"), ("e2", "de")]


def test_readme_names_the_jars_the_package_carries():
    named = set(re.findall(r"corpus-encoder-spark[\w.]+?\.jar", pyspark_section()))
    assert named == set(JARS.values())


def class_file_major(jar):
    with zipfile.ZipFile(jar) as z:
        majors = {struct.unpack(">H", z.read(n)[6:8])[0]
                  for n in z.namelist()
                  if n.startswith("io/corpusencoder/") and not n.startswith("io/corpusencoder/shaded/")
                  and n.endswith(".class")}
    return majors


def test_jar_is_java_17_bytecode_as_readme_says():
    assert "Java 17 bytecode" in pyspark_section().replace("\n", " ")
    assert class_file_major(jar_path()) == {61}
