"""
Builds corpus_encoder with the job jars of Maven's build (run `mvn -DskipTests package`, or
scripts/setup.sh, first). Each jar under ../*/target/*-job.jar says its Spark and Scala versions
in its corpus-encoder.properties; it goes into corpus_encoder/jars/ under its line's name.
"""

import glob
import os
import re
import shutil
import sys
import zipfile

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(HERE, "corpus_encoder"))
from _jars import JARS, spark_line  # noqa: E402  (this package's one table of jar names)

SCALA = {"3.5": "2.12", "4": "2.13"}


def _properties(jar):
    with zipfile.ZipFile(jar) as z:
        text = z.read("corpus-encoder.properties").decode("utf-8")
    return dict(line.split("=", 1) for line in text.splitlines() if "=" in line)


def job_jars():
    """{line: (path, properties)} for the newest job jar of each Spark line Maven built."""
    found = {}
    jars = glob.glob(os.path.join(REPO, "*", "target", "*-job.jar"))
    jars += glob.glob(os.path.join(REPO, "*", "*", "target", "*-job.jar"))
    for jar in sorted(jars, key=os.path.getmtime):
        props = _properties(jar)
        line = spark_line(props["spark.version"])
        if props.get("scala.binary.version") != SCALA[line]:
            raise SystemExit(f"{jar}: Spark {props['spark.version']} with Scala "
                             f"{props.get('scala.binary.version')}; expected Scala {SCALA[line]}")
        if line in found:
            print(f"corpus_encoder: {jar} replaces the older {found[line][0]}", file=sys.stderr)
        found[line] = (jar, props)
    if not found:
        raise SystemExit(f"no job jar under {REPO}/*/target: build them first "
                         "(mvn -DskipTests package, or scripts/setup.sh)")
    versions = {props["version"] for _, props in found.values()}
    if len(versions) != 1:
        raise SystemExit(f"the job jars have different versions {sorted(versions)}: rebuild all")
    return found


def python_version(maven_version):
    """Maven's 0.1.0-SNAPSHOT is PEP 440's 0.1.0.dev0."""
    return re.sub(r"-SNAPSHOT$", ".dev0", maven_version)


class BuildPyWithJars(build_py):
    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "corpus_encoder", "jars")
        os.makedirs(target, exist_ok=True)
        for line, (jar, props) in sorted(JOBS.items()):
            shutil.copyfile(jar, os.path.join(target, JARS[line]))
            print(f"corpus_encoder: Spark {props['spark.version']} jar {jar}", file=sys.stderr)


JOBS = job_jars()
setup(
    version=python_version(next(iter(JOBS.values()))[1]["version"]),
    cmdclass={"build_py": BuildPyWithJars},
)
