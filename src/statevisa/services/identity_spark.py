"""A local Spark session for `identity dedupe --backend spark`, set up so it runs on one machine.

Spark needs a Java runtime (17 or later for pyspark 4): `JAVA_HOME`, or ``java`` on the PATH,
or a JDK in the usual Debian place. The session binds to 127.0.0.1 only, keeps its UI off, runs
two local cores, and loads splink's string-similarity functions (Jaro-Winkler, Damerau-
Levenshtein) from the jar splink ships.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from statevisa.errors import InputError, problem

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

JDK_GLOB = "/usr/lib/jvm/java-*-openjdk-*"


def find_java() -> Path | None:
    """The Java home Spark will use: `JAVA_HOME`, the ``java`` on the PATH, or an installed JDK."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return Path(home)
    on_path = shutil.which("java")
    if on_path:
        return Path(on_path).resolve().parent.parent
    found = sorted(Path("/").glob(JDK_GLOB.lstrip("/")))
    return found[-1] if found else None


def local_session(checkpoints: Path, cores: int = 2) -> SparkSession:
    """Start (or reuse) a local Spark session that checkpoints into `checkpoints`, or refuse
    naming what is missing. Checkpoints cut the lineage of splink's iterative steps (EM,
    connected components), which otherwise grows with every iteration."""
    java = find_java()
    if java is None:
        message = "needs a Java runtime (17 or later): set JAVA_HOME or put java on the PATH"
        raise InputError(problem("spark-unavailable", message, field="--backend spark"))
    try:
        from pyspark.sql import SparkSession
        from splink.backends.spark import similarity_jar_location
    except ImportError:
        message = "needs pyspark: install the 'spark' extra (pip install 'statevisa[spark]')"
        raise InputError(problem("spark-unavailable", message, field="--backend spark")) from None
    os.environ.setdefault("JAVA_HOME", str(java))
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        SparkSession.builder.master(f"local[{cores}]")
        .appName("statevisa-identity-dedupe")
        .config("spark.jars", similarity_jar_location())
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.shuffle.partitions", str(2 * cores))
        .config("spark.default.parallelism", str(2 * cores))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.driver.memory", "2g")
        .config("spark.sql.adaptive.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    session.sparkContext.setCheckpointDir(str(checkpoints))
    return session
