"""corpus_encoder.encode: the batch job on the test's session."""

import json

import pytest
from conftest import TEXTS, float32_bits, model_core_bits

from corpus_encoder import encode, option_names


def write_corpus(path, texts, malformed=()):
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"doc-{i}", "text": t, "lang": "xx"}) + "\n")
        for line in malformed:
            f.write(line + "\n")


def test_encode_returns_the_report_and_model_cores_bits(spark, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, TEXTS, malformed=['{"id": "bad", "text": 42}'])
    out = tmp_path / "vectors"
    report = encode(spark, input=str(corpus), output=out, keep_columns=["lang"],
                    max_bad_fraction=0.5, batch_size=2)
    with open(out / "_report.json", encoding="utf-8") as f:
        assert report == json.load(f)
    assert report["records_read"] == len(TEXTS) + 1
    assert report["records_written"] == len(TEXTS)
    assert report["records_quarantined"] == 1
    assert report["empty_texts"] == 1
    assert report["counts_add_up"] is True
    assert (report["settings"]["batch-size"], report["settings"]["keep-columns"]) == ("2", "lang")
    assert report["spark"]["master"] == spark.sparkContext.master

    rows = {r.id: r for r in spark.read.parquet(str(out)).collect()}
    assert sorted(rows) == [f"doc-{i}" for i in range(len(TEXTS))]
    expected = model_core_bits(spark, TEXTS)
    for i, want in enumerate(expected):
        row = rows[f"doc-{i}"]
        assert (row.chunk, row.lang) == (0, "xx")
        assert float32_bits(row.embedding) == want, f"doc-{i} {TEXTS[i]!r}"


def test_encode_with_a_prompt_and_dimensions_gives_model_cores_bits(spark, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, TEXTS)
    out = tmp_path / "vectors"
    report = encode(spark, input=str(corpus), output=out, prompt_text="query: ", dimensions=64)
    assert (report["settings"]["prompt-text"], report["settings"]["dimensions"]) == ("query: ", "64")
    assert (report["model"]["prompt"], report["model"]["truncate_dim"]) == ("query: ", 64)
    rows = {r.id: r for r in spark.read.parquet(str(out)).collect()}
    expected = model_core_bits(spark, TEXTS, prompt="query: ", dimensions=64)
    for i, want in enumerate(expected):
        assert float32_bits(rows[f"doc-{i}"].embedding) == want, f"doc-{i} {TEXTS[i]!r}"


def test_options_are_the_command_lines(spark):
    names = option_names(spark)
    assert {"input", "output", "input_format", "keep_columns", "long_text", "doc_vector"} <= set(names)


def test_unknown_option_is_refused_before_the_job(spark, tmp_path):
    with pytest.raises(TypeError, match="unknown option.*colour"):
        encode(spark, input=str(tmp_path), output=str(tmp_path / "o"), colour="red")
    with pytest.raises(TypeError, match="unknown option.*master"):
        encode(spark, input=str(tmp_path), output=str(tmp_path / "o"), master="local[1]")


def test_bad_value_is_the_jobs_message(spark, tmp_path):
    corpus = tmp_path / "corpus.jsonl"
    write_corpus(corpus, TEXTS[:1])
    with pytest.raises(ValueError, match="--pooling"):
        encode(spark, input=str(corpus), output=str(tmp_path / "o"), pooling="median")
    with pytest.raises(ValueError, match="does not exist"):
        encode(spark, input=str(tmp_path / "missing.jsonl"), output=str(tmp_path / "o"))
