"""The job jars this package carries (one per Spark line) and the one a Spark version needs."""

import os
import re
from typing import Optional

# Spark line -> the jar's file name in corpus_encoder/jars/ (setup.py copies them there from
# Maven's build outputs, naming each by the Spark and Scala versions recorded inside it).
JARS = {
    "3.5": "corpus-encoder-spark3.5_2.12.jar",
    "4": "corpus-encoder-spark4_2.13.jar",
}


def spark_line(spark_version: str) -> str:
    """The Spark line ("3.5" or "4") whose jar runs on Spark ``spark_version``."""
    m = re.match(r"(\d+)\.(\d+)\.(\d+)", spark_version)
    if not m:
        raise ValueError(f"Spark version {spark_version!r}: expected MAJOR.MINOR.PATCH")
    major, minor, patch = (int(g) for g in m.groups())
    if (major, minor) == (3, 5):
        return "3.5"
    if major == 4 and (minor, patch) != (0, 0):
        return "4"
    if (major, minor, patch) == (4, 0, 0):
        # Spark 4.0.0's Param lost the (parent, name, doc) constructor Java stages call
        # (SPARK-52259, restored in 4.0.1).
        raise ValueError("Spark 4.0.0 is not supported: use 4.0.1 or later")
    raise ValueError(
        f"Spark {spark_version} is not supported: corpus_encoder runs on Spark 3.5.x "
        "(Scala 2.12) and 4.0.1 or later 4.x (Scala 2.13)"
    )


def jar_path(spark_version: Optional[str] = None) -> str:
    """Path of the job jar for ``spark_version`` (default: the installed pyspark's)."""
    if spark_version is None:
        import pyspark

        spark_version = pyspark.__version__
    line = spark_line(spark_version)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars", JARS[line])
    if not os.path.isfile(path):
        raise FileNotFoundError(
            f"{path}: this corpus_encoder was built without the Spark {line} jar "
            f"(needed by Spark {spark_version}); build both lines with `mvn package` and "
            "reinstall with `pip install ./python`"
        )
    return path
