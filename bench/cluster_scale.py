"""Ingest split over a cluster, measured: the per-article stage (read, extract, clean,
features) in one process, on Spark ``local[W]`` and on a Dask ``LocalCluster`` of W workers,
then story assignment in one process over the precomputed features, beside
``corroborate ingest`` doing both in one process. All runs in one go, so the ratios hold on a
noisy machine.

    python bench/cluster_scale.py --corpus corpus-100000.jsonl --shards 16 --workers 2 \\
        --bin target/release/corroborate

The corpus is a ``cargo xtask gen-corpus N OUT.jsonl`` file, a directory of shards an earlier
``--keep`` run split, or ``--corpus - --articles N``
with ``cargo xtask gen-corpus N /dev/stdout`` piped in; it is split into ``--shards``
JSON Lines files (a crawl's many WARC files; ``--gzip`` gzips them). ``--stages`` runs a subset
of ``ingest,one,web,spark,dask,assign`` and ``--discard`` deletes each stage's Parquet once it
is measured (all but the one assignment reads), so a corpus of millions fits on a small disk. Prints articles/s and peak memory of each stage,
checks that every path gives the same stories, and prints the figures as a Markdown table.
Needs the ``corroborate`` wheel, PySpark (``PYSPARK_PYTHON`` set to this python), Dask,
pyarrow and ``pandas<3``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Dict, List, Tuple

import corroborate

REPO = Path(__file__).resolve().parents[1]


def count_lines(path: Path) -> int:
    """Lines of a JSON Lines file, gzipped or not."""
    import gzip

    with (gzip.open(path, "rb") if path.suffix == ".gz" else open(path, "rb")) as f:
        return sum(1 for _ in f)


def split(corpus: Path, shards: int, out: Path, compress: bool = False,
          articles: int = 0) -> Tuple[List[str], int]:
    """The corpus as `shards` JSON Lines files of consecutive lines (names sort in order),
    streamed (a 10-million-article corpus does not fit in memory); gzipped with `compress`
    (a crawl's files usually are, and the corpus takes a quarter of the disk). A corpus of
    `-` is read from stdin (a generator piped in, so the uncompressed corpus never touches the
    disk), sized by `articles`."""
    import contextlib
    import gzip

    if str(corpus) == "-":
        n = articles
        opened = contextlib.nullcontext(sys.stdin.buffer)
    else:
        n = count_lines(corpus)
        opened = gzip.open(corpus, "rb") if corpus.suffix == ".gz" else open(corpus, "rb")
    out.mkdir(parents=True, exist_ok=True)
    size = max(1, -(-n // shards))
    files: List[str] = []
    dst = None
    i = -1
    with opened as src:
        for i, line in enumerate(src):
            if i % size == 0:
                if dst:
                    dst.close()
                name = out / f"shard-{i // size:04d}.jsonl{'.gz' if compress else ''}"
                dst = gzip.open(name, "wb", compresslevel=1) if compress else open(name, "wb")
                files.append(str(name))
            dst.write(line)
    if dst:
        dst.close()
    if i + 1 != n:
        sys.exit(f"{corpus}: {i + 1} articles, expected {n}")
    return files, n


def size_mb(path: Path) -> float:
    """Bytes under a file or directory, in MB."""
    if path.is_file():
        return path.stat().st_size / 2**20
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20


def tree_rss_mb(root: int) -> float:
    """Resident memory of a process and all its descendants (MB), from /proc."""
    children: Dict[int, List[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    total, todo = 0, [root]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as f:
                total += int(f.read().split()[1]) * page
        except (OSError, IndexError, ValueError):
            pass
    return total / 2**20


def timed(cmd: List[str], env: Dict[str, str] | None = None,
          limit: float | None = None) -> Tuple[float, float]:
    """Wall seconds and the peak resident memory (MB) of the command's whole process tree
    (a Spark job's JVM and workers included), sampled every 0.2 s. With `limit` (seconds) the
    command is stopped (SIGTERM) when it runs longer."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    peak = 0.0
    stopped = False
    while proc.poll() is None:
        peak = max(peak, tree_rss_mb(proc.pid))
        if limit is not None and time.perf_counter() - t > limit:
            proc.terminate()
            proc.wait()
            stopped = True
            break
        time.sleep(0.2)
    secs = time.perf_counter() - t
    _, err = proc.communicate()
    if stopped:
        return secs, peak
    if proc.returncode not in (0, 1):
        sys.exit(f"{' '.join(cmd[:3])} failed:\n{err[-3000:]}")
    return secs, peak


def listing(binary: str, db: Path) -> str:
    return subprocess.run(
        [binary, "stories", "--format", "json", "--limit", "0", "--db", str(db)],
        capture_output=True, text=True, check=True,
    ).stdout


def wcxb_warc(shared: Path, out: Path, copies: int) -> int:
    """A .warc.gz of the WCXB dev pages, each `copies` times (under distinct URLs): web pages
    as a crawl holds them, one gzip member per record. Returns the number of records."""
    import gzip

    wcxb = shared / "data" / "wcxb-articles"
    meta = json.loads((wcxb / "metadata.json").read_text())["files"]
    pages = sorted((wcxb / "dev" / "html").glob("*.html.gz"))
    n = 0
    with open(out, "wb") as f:
        for c in range(copies):
            for page in pages:
                key = page.name.split(".")[0]
                html = gzip.decompress(page.read_bytes())
                http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + html
                head = (f"WARC/1.0\r\nWARC-Type: response\r\n"
                        f"WARC-Target-URI: https://{meta[key]['domain']}/{c}/{key}\r\n"
                        "Content-Type: application/http; msgtype=response\r\n"
                        f"Content-Length: {len(http)}\r\n\r\n").encode()
                f.write(gzip.compress(head + http + b"\r\n\r\n", compresslevel=1))
                n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", required=True, type=Path,
                    help="a gen-corpus JSON Lines file, or - for stdin (with --articles)")
    ap.add_argument("--articles", type=int, default=0,
                    help="how many articles stdin carries (with --corpus -)")
    ap.add_argument("--shards", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--bin", default=str(REPO / "target" / "release" / "corroborate"))
    ap.add_argument("--keep", type=Path, default=None, help="work directory to keep")
    ap.add_argument("--stages", default="ingest,one,web,spark,dask,assign",
                    help="comma-separated subset of ingest,one,web,spark,dask,assign")
    ap.add_argument("--gzip", action="store_true", help="gzip the shards")
    ap.add_argument("--assign-minutes", type=float, default=0,
                    help="stop assignment after this many minutes; its rate is then that of "
                         "the articles stored so far")
    ap.add_argument("--discard", action="store_true",
                    help="delete each stage's Parquet once measured (but the one assign reads)")
    args = ap.parse_args()
    stages = set(args.stages.split(","))
    unknown = stages - {"ingest", "one", "web", "spark", "dask", "assign"}
    if unknown:
        sys.exit(f"unknown stages: {sorted(unknown)}")
    if str(args.corpus) == "-" and args.articles <= 0:
        sys.exit("--corpus - needs --articles N")
    work = args.keep or Path(tempfile.mkdtemp(prefix="cluster-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    shards = work / "shards"
    if args.corpus.is_dir():
        # Shards split by an earlier run (`--keep`): used as they are.
        shards = args.corpus
        files = sorted(str(p) for p in shards.iterdir() if ".jsonl" in p.name)
        n = args.articles or sum(count_lines(Path(f)) for f in files)
    else:
        files, n = split(args.corpus, args.shards, shards, args.gzip, args.articles)
    print(f"{n} articles in {len(files)} shards, {size_mb(shards):,.0f} MB", flush=True)
    py = sys.executable
    env = dict(os.environ, PYSPARK_PYTHON=py, CORROBORATE_MODEL="static")
    rows: List[Tuple[str, float, float]] = []

    # 1. corroborate ingest: both stages in one process (analysis deferred: assignment only).
    cli_db = work / "cli.db"
    if "ingest" in stages:
        secs, mb = timed([args.bin, "ingest", "--quiet", "--defer-analysis", "--db", str(cli_db),
                          str(shards)], env)
        rows.append(("`corroborate ingest` (prepare + assign, one process)", n / secs, mb))

    # 2. The per-article stage alone, in one process (its threads use every core).
    code = (
        "import corroborate, sys, pyarrow as pa, pyarrow.parquet as pq\n"
        "files = corroborate.files(sys.argv[1])\n"
        "w = None\n"
        "for i, f in enumerate(files):\n"
        "    t = pa.Table.from_pylist(corroborate.prepare(f, source=i))\n"
        "    w = w or pq.ParquetWriter(sys.argv[2], t.schema)\n"
        "    w.write_table(t)\n"
        "w.close()\n"
    )
    one = work / "one.parquet"
    outputs: List[Tuple[str, Path]] = []
    # Assignment reads Spark's output when Spark runs (else the first made); with --discard
    # every other output is deleted as soon as it is measured, so at most one Parquet copy of
    # the corpus is on disk beside the next stage's (or the store).
    kept = None
    if "assign" in stages:
        kept = next(name for stage, name in [("spark", "Spark"), ("one", "one process"),
                                             ("dask", "Dask")] if stage in stages)

    def made(name: str, out: Path) -> None:
        print(f"{name}: Parquet {size_mb(out):,.0f} MB", flush=True)
        outputs.append((name, out))
        if args.discard and name != kept:
            shutil.rmtree(out, ignore_errors=True) if out.is_dir() else out.unlink()

    if "one" in stages:
        secs, mb = timed([py, "-c", code, str(shards), str(one)], env)
        rows.append(("prepare, one process (`corroborate.prepare` per file)", n / secs, mb))
        made("one process", one)

    # 2b. Web pages (extraction included): WCXB's pages in a WARC, in one process.
    if "web" in stages:
        warc = work / "wcxb.warc.gz"
        pages = wcxb_warc(REPO.parent / "shared", warc, 4)
        secs, mb = timed([py, "-c", code, str(warc), str(work / "pages.parquet")], env)
        rows.append(("prepare web pages from a WARC (WCXB, extraction included), one process",
                     pages / secs, mb))

    # 3. The same on Spark local[W] and on a Dask LocalCluster of W workers (startup included).
    spark_out, dask_out = work / "spark.parquet", work / "dask.parquet"
    if "spark" in stages:
        secs, mb = timed([py, str(REPO / "examples" / "spark_ingest.py"), "--no-ingest",
                          "--master", f"local[{args.workers}]", "--out", str(spark_out),
                          str(shards)], env)
        rows.append((f"prepare on Spark `local[{args.workers}]`", n / secs, mb))
        made("Spark", spark_out)
    if "dask" in stages:
        secs, mb = timed([py, str(REPO / "examples" / "dask_ingest.py"), "--no-ingest",
                          "--workers", str(args.workers), "--out", str(dask_out),
                          str(shards)], env)
        rows.append((f"prepare on Dask `LocalCluster` ({args.workers} workers)", n / secs, mb))
        made("Dask", dask_out)
    # 4. Assignment over the precomputed features, in one process.
    code = (
        "import corroborate, sys\n"
        "r = corroborate.Store(sys.argv[1]).ingest_prepared(sys.argv[2], analyse=False)\n"
        "assert r['stored'] == int(sys.argv[3]), r\n"
    )
    same = []
    checked = [o for o in outputs if o[0] == kept or not args.discard]
    limit = args.assign_minutes * 60 if args.assign_minutes else None
    for name, out in checked if "assign" in stages else []:
        db = work / f"assign-{name.split()[0].lower()}.db"
        secs, mb = timed([py, "-c", code, str(db), str(out), str(n)], env, limit)
        try:
            with sqlite3.connect(db) as c:
                stored = c.execute("SELECT count(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:  # stopped before the store was made
            stored = 0
        print(f"assign from {name}: {stored} articles stored in {secs:,.0f} s, "
              f"store {size_mb(db):,.0f} MB", flush=True)
        stopped = limit is not None and secs >= limit and stored != n
        if stored != n and not stopped:
            sys.exit(f"assign from {name}: {stored} of {n} articles stored")
        if name == kept:
            part = f"; stopped after {secs / 60:.0f} min at {stored:,}" if stopped else ""
            rows.append(("assign over precomputed features (`Store.ingest_prepared`, "
                         f"from {name}'s Parquet{part})", stored / secs, mb))
        if stopped:
            continue
        if "ingest" in stages:
            same.append(listing(args.bin, db) == listing(args.bin, cli_db))

    # Ratios against `corroborate ingest` when it ran, else against the first stage.
    base = rows[0][1]
    print(f"\n{n} articles in {len(files)} files, {args.workers} workers, "
          f"{os.cpu_count()} cores\n")
    print(f"| stage | articles/s | × {'`ingest`' if 'ingest' in stages else 'first row'} | peak RSS MB |")
    print("|---|---:|---:|---:|")
    for name, rate, mb in rows:
        print(f"| {name} | {rate:,.0f} | {rate / base:.2f} | {mb:,.0f} |")
    if same:
        print(f"\nsame stories as `corroborate ingest`: {all(same)} "
              f"({', '.join(name for name, _ in checked)})")
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if all(same) else 1


if __name__ == "__main__":
    sys.exit(main())
