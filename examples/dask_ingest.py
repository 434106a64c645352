"""Ingest split over Dask: each file's articles prepared by a Dask worker, written to
Parquet, then assigned to stories in one process, with the same stories as
``corroborate ingest``.

    python examples/dask_ingest.py --out prepared.parquet --db corroborate.db  crawl/

1. The client lists the files of every PATH in the order ``corroborate ingest`` reads them
   (``corroborate.files``) and numbers them: that number is each row's ``source``.
2. One task per file runs ``corroborate.prepare`` (a partition per file, its rows in
   (source, seq) order), and ``to_parquet`` writes a Parquet file per partition.
3. Unless ``--no-ingest``, ``Store(db).ingest_prepared(out)`` assigns them to stories in one
   process, reading the Parquet files in order.

``--scheduler`` is a ``dask.distributed`` address; without it a ``LocalCluster`` of
``--workers`` processes runs here. Every worker needs the ``corroborate`` wheel and the files
at the same paths (give absolute paths on a real cluster).
"""

from __future__ import annotations

import argparse
import json
import sys

import corroborate


def prepared_frame(source: int, path: str) -> "pandas.DataFrame":  # noqa: F821
    """The map step for one file."""
    import pandas as pd

    rows = corroborate.prepare(path, source=source)
    frame = pd.DataFrame(rows, columns=corroborate.PREPARED_COLUMNS)
    return frame.astype({"source": "int64", "seq": "int64"})


def arrow_schema() -> "pyarrow.Schema":  # noqa: F821
    import pyarrow as pa

    kinds = {"source": pa.int64(), "seq": pa.int64(), "features": pa.binary()}
    return pa.schema([(c, kinds.get(c, pa.string())) for c in corroborate.PREPARED_COLUMNS])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+", help="files or directories (any format ingest reads)")
    ap.add_argument("--out", required=True, help="the Parquet directory to write (replaced when it holds only Parquet output)")
    ap.add_argument("--db", default="corroborate.db", help="the store to ingest into")
    ap.add_argument("--scheduler", default=None, help="a dask.distributed scheduler address")
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes")
    ap.add_argument("--no-ingest", action="store_true", help="only write the Parquet files")
    ap.add_argument("--model", default=None, help="model of the kept analyses (as ingest --model)")
    args = ap.parse_args()

    import dask
    import dask.dataframe as dd
    import pandas as pd
    from dask.distributed import Client, LocalCluster

    if not corroborate.replaceable_output(args.out):
        print(f"dask_ingest: {args.out}: exists and holds more than Parquet output; not replaced "
              "(choose another --out)", file=sys.stderr)
        return 2
    files = [f for p in args.paths for f in corroborate.files(p)]
    if not files:
        print("dask_ingest: no readable files in " + ", ".join(args.paths), file=sys.stderr)
        return 2
    # The features column is bytes: dask must not turn object columns into strings.
    dask.config.set({"dataframe.convert-string": False})
    schema = arrow_schema()
    meta = pd.DataFrame(
        {c: pd.Series(dtype="int64" if c in ("source", "seq") else "object")
         for c in corroborate.PREPARED_COLUMNS}
    )
    cluster = None if args.scheduler else LocalCluster(
        n_workers=args.workers, threads_per_worker=1, dashboard_address=None
    )
    with Client(args.scheduler or cluster) as client:
        del client
        parts = [dask.delayed(prepared_frame)(i, f) for i, f in enumerate(files)]
        dd.from_delayed(parts, meta=meta, verify_meta=False).to_parquet(
            args.out, write_index=False, schema=schema, overwrite=True
        )
    if cluster is not None:
        cluster.close()
    if args.no_ingest:
        return 0
    report = corroborate.Store(args.db).ingest_prepared(args.out, model=args.model)
    print(json.dumps(report, indent=2))
    return 1 if report["rejected"] else 0


if __name__ == "__main__":
    sys.exit(main())
