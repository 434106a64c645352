"""Ingest split over Spark: each file's articles prepared on the cluster, written to Parquet,
then assigned to stories in one process, with the same stories as ``corroborate ingest``.

    PYSPARK_PYTHON=$(which python) python examples/spark_ingest.py \
        --out prepared.parquet --db corroborate.db  crawl/ more.warc.gz

1. The driver lists the files of every PATH in the order ``corroborate ingest`` reads them
   (``corroborate.files``) and numbers them: that number is each row's ``source``.
2. Spark runs ``corroborate.prepare`` once per file (``mapInPandas``; the file list is
   range-partitioned by ``source``, so every task writes its rows in (source, seq) order and
   no prepared text is shuffled), and writes the rows to Parquet.
3. Unless ``--no-ingest``, ``Store(db).ingest_prepared(out)`` assigns them to stories in one
   process, reading the Parquet files in order.

Every executor needs the ``corroborate`` wheel installed and the files at the same paths (a
shared or distributed file system: give absolute paths). ``--master`` defaults to ``local[2]``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Iterator

import corroborate


def prepared_frames(batches: Iterator["pandas.DataFrame"]) -> Iterator["pandas.DataFrame"]:  # noqa: F821
    """The map step: every (source, path) of a partition prepared, in the order given."""
    import pandas as pd

    for files in batches:
        for source, path in zip(files["source"], files["path"]):
            rows = corroborate.prepare(path, source=int(source))
            yield pd.DataFrame(rows, columns=corroborate.PREPARED_COLUMNS)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="files or directories (any format ingest reads)")
    ap.add_argument("--out", required=True, help="the Parquet directory to write (replaced when it holds only Parquet output)")
    ap.add_argument("--db", default="corroborate.db", help="the store to ingest into")
    ap.add_argument("--master", default="local[2]", help="the Spark master")
    ap.add_argument("--partitions", type=int, default=0, help="tasks (default: one per file, at most 64)")
    ap.add_argument("--no-ingest", action="store_true", help="only write the Parquet files")
    ap.add_argument("--model", default=None, help="model of the kept analyses (as ingest --model)")
    args = ap.parse_args()

    from pyspark.sql import SparkSession

    if not corroborate.replaceable_output(args.out):
        print(f"spark_ingest: {args.out}: exists and holds more than Parquet output; not replaced "
              "(choose another --out)", file=sys.stderr)
        return 2
    files = [f for p in args.paths for f in corroborate.files(p)]
    if not files:
        print("spark_ingest: no readable files in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    spark = (
        SparkSession.builder.master(args.master)
        .appName("corroborate-prepare")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    try:
        parts = args.partitions or min(len(files), 64)
        listed = spark.createDataFrame(
            list(enumerate(files)), "source bigint, path string"
        )
        (
            listed.repartitionByRange(parts, "source")
            .sortWithinPartitions("source")
            .mapInPandas(prepared_frames, corroborate.PREPARED_SPARK_SCHEMA)
            .write.mode("overwrite")
            .parquet(args.out)
        )
    finally:
        spark.stop()
    if args.no_ingest:
        return 0
    report = corroborate.Store(args.db).ingest_prepared(args.out, model=args.model)
    print(json.dumps(report, indent=2))
    return 1 if report["rejected"] else 0


if __name__ == "__main__":
    sys.exit(main())
