"""TextEncoder from a Spark Connect client (Spark 4 finds the JVM class via META-INF/services)."""

import json
import os
import subprocess
import sys

import pyspark
import pytest
from conftest import TEXTS, float32_bits, model_core_bits

pytestmark = pytest.mark.skipif(
    pyspark.__version__.startswith("3."), reason="Spark Connect ML needs Spark 4"
)


def test_text_encoder_over_spark_connect(spark, tmp_path):
    # A Connect client cannot share a process with a classic session: its own process, its own
    # local Connect server (pyspark starts it with the job jar from with_corpus_encoder).
    client = os.path.join(os.path.dirname(__file__), "connect_client.py")
    run = subprocess.run([sys.executable, client, json.dumps(TEXTS), str(tmp_path)],
                         capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-4000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["session"] == "pyspark.sql.connect.session"
    assert (got["stage"], got["maxLength"]) == ("TextEncoder", 64)
    expected = model_core_bits(spark, TEXTS)
    assert [float32_bits(v) for v in got["direct"]] == expected
    assert [float32_bits(v) for v in got["reloaded"]] == expected
