"""corpus_encoder.encode: the batch job (scripts/encode.sh's) on the caller's SparkSession."""

import json
import os
from typing import Any, Dict, List

JAVA_JOB = "io.corpusencoder.spark.job.EncodeJob"


def _java_class(spark: Any, name: str) -> Any:
    jvm = getattr(spark, "_jvm", None) or getattr(spark.sparkContext, "_jvm", None)
    obj = jvm
    for part in name.split("."):
        obj = getattr(obj, part)
    return obj


def _classic_session(spark: Any) -> Any:
    """The JVM session behind a classic (py4j) SparkSession; Spark Connect has none."""
    jsession = getattr(spark, "_jsparkSession", None)
    if jsession is None:
        raise TypeError(
            "encode() runs the job in the driver's JVM and needs a classic SparkSession; over "
            "Spark Connect use corpus_encoder.TextEncoder, or spark-submit the job jar "
            "(corpus_encoder.jar_path())"
        )
    return jsession


def option_names(spark: Any) -> List[str]:
    """The job's options as keyword arguments (``input-format`` -> ``input_format``)."""
    _classic_session(spark)
    return [n.replace("-", "_") for n in _java_class(spark, JAVA_JOB).optionNames()]


def _option_value(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float, str)):
        return str(value)
    if isinstance(value, os.PathLike):
        return os.fspath(value)
    if isinstance(value, (list, tuple)) and all(isinstance(v, (str, os.PathLike)) for v in value):
        return ",".join(os.fspath(v) for v in value)
    raise TypeError(
        f"encode(): {key}={value!r} is a {type(value).__name__}; expected a str, number, bool, "
        "path, or a list of str/paths"
    )


def encode(spark: Any, input: Any, output: Any, **options: Any) -> Dict[str, Any]:
    """
    Encodes ``input`` into ``output`` with the batch job on ``spark`` (a classic SparkSession
    whose classpath has the job jar: see ``with_corpus_encoder``) and returns the job's report,
    the content of ``OUTPUT/_report.json``. ``options`` are the command line's options with
    ``_`` for ``-`` (``input_format="text"``, ``doc_vector=True``, ``keep_columns=["lang"]``);
    ``scripts/encode.sh --help`` lists them. ``master`` is not one: the session's is used.

    >>> report = encode(spark, input="docs.jsonl", output="vectors", model="all-minilm-l6-v2")
    >>> report["counts_add_up"]
    True
    """
    jsession = _classic_session(spark)
    known = set(option_names(spark)) - {"master", "input", "output"}
    unknown = sorted(set(options) - known)
    if unknown:
        raise TypeError(
            f"encode() got unknown option(s) {', '.join(unknown)}; the options are: "
            + ", ".join(sorted(known))
        )
    given = {"input": input, "output": output, **options}
    args = {k.replace("_", "-"): _option_value(k, v) for k, v in given.items()}
    from pyspark.errors import IllegalArgumentException

    try:
        report = _java_class(spark, JAVA_JOB).encode(jsession, args)
    except IllegalArgumentException as e:
        # A bad option or input, named by the job as on the command line.
        raise ValueError(f"encode(): {e}") from None
    return json.loads(report)
