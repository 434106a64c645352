"""Ingest split over a cluster: ``files``, ``prepare`` and ``Store.ingest_prepared``, and the
example jobs ``examples/spark_ingest.py`` (PySpark ``local[2]``) and
``examples/dask_ingest.py`` (a Dask ``LocalCluster``) run as a user runs them, on the labelled
story sets and on WARC archives made from WCXB pages: their stores must hold exactly the
stories of ``corroborate ingest`` of the same inputs.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Dict, List

import pytest

import corroborate

SHARED = Path(os.environ.get("CORROBORATE_SHARED", Path(__file__).resolve().parents[4] / "shared"))


def _warc_record(url: str, html: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + html
    head = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2024-05-01T00:00:00Z\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http)}\r\n\r\n"
    ).encode()
    return head + http + b"\r\n\r\n"


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> List[str]:
    """The two labelled story sets, the seeds, and two .warc.gz archives of 40 WCXB article
    pages (one gzip member per record, as crawlers write them) plus a corrupt file."""
    wcxb = SHARED / "data" / "wcxb-articles"
    meta = json.loads((wcxb / "metadata.json").read_text())["files"]
    pages = sorted((wcxb / "dev" / "html").glob("*.html.gz"))[:40]
    if len(pages) < 40:
        pytest.fail(f"expected WCXB pages in {wcxb / 'dev' / 'html'}")
    out = tmp_path_factory.mktemp("warc")
    for half, chunk in enumerate((pages[:20], pages[20:])):
        with open(out / f"crawl-{half}.warc.gz", "wb") as f:
            for page in chunk:
                key = page.name.split(".")[0]
                url = f"https://{meta[key]['domain']}/articles/{key}"
                f.write(gzip.compress(_warc_record(url, gzip.decompress(page.read_bytes()))))
    (out / "broken.jsonl").write_text('{"id": "x", "text": "fine article text here."}\nnot json\n')
    stories = SHARED / "data" / "stories"
    return [str(stories / "basil.jsonl"), str(stories / "ecbplus.jsonl"),
            str(SHARED / "seeds"), str(out)]


def _listing(cli, db: Path) -> Dict:
    return json.loads(cli("stories", "--format", "json", "--limit", "0", "--db", str(db)))


@pytest.fixture(scope="module")
def cli_listing(cli, inputs, tmp_path_factory) -> Dict:
    """What ``corroborate ingest`` of the inputs stores (static model, as the jobs use)."""
    db = tmp_path_factory.mktemp("cli") / "cli.db"
    cli("ingest", "--quiet", "--model", "static", "--db", str(db), *inputs)
    listing = _listing(cli, db)
    assert len(listing["stories"]) > 100
    return listing


def _rows(inputs: List[str]) -> List[Dict]:
    files = [f for p in inputs for f in corroborate.files(p)]
    return [row for i, f in enumerate(files) for row in corroborate.prepare(f, source=i)]


def test_files_are_listed_in_reading_order(inputs):
    files = corroborate.files(inputs[2])
    assert [Path(f).name for f in files] == sorted(Path(f).name for f in files)
    assert len(files) == 5
    assert corroborate.files(inputs[0]) == [inputs[0]]
    warcs = corroborate.files(inputs[3])
    assert [Path(f).name for f in warcs] == ["broken.jsonl", "crawl-0.warc.gz", "crawl-1.warc.gz"]


def test_a_missing_path_is_listed_and_prepared_as_a_rejection(tmp_path):
    missing = str(tmp_path / "typo")
    assert corroborate.files(missing) == [missing]
    (row,) = corroborate.prepare(missing, source=3)
    assert row["path"] == missing and row["source"] == 3
    assert "no such file" in row["rejected"].lower()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert corroborate.files(empty) == []


def test_a_file_name_that_is_not_utf8_is_listed_and_read_as_it_is_on_disk(tmp_path):
    # A crawl folder may hold names in another encoding: Python sees them with surrogate
    # escapes (os.fsdecode); they must reach the reader as the bytes on disk.
    name = os.fsdecode(b"caf\xe9.txt")
    (tmp_path / name).write_text("Cafe reopens\n\nThe cafe on the square reopened on Monday.\n")
    (listed,) = corroborate.files(tmp_path)
    assert os.fsencode(listed) == os.fsencode(str(tmp_path / name))
    (row,) = corroborate.prepare(listed, source=0)
    assert row["rejected"] is None and row["id"] is not None
    assert "The cafe on the square reopened" in row["article"]
    (article,) = corroborate.read(listed)
    assert "The cafe on the square reopened" in article["text"]


def test_prepared_rows_carry_their_order_columns_and_rejections(inputs):
    rows = corroborate.prepare(Path(inputs[3]) / "broken.jsonl", source=7)
    assert [r["seq"] for r in rows] == [0, 1] and {r["source"] for r in rows} == {7}
    ok, bad = rows
    assert set(ok) == set(corroborate.PREPARED_COLUMNS)
    assert ok["id"] == "x" and ok["rejected"] is None and isinstance(ok["features"], bytes)
    assert json.loads(ok["article"])["text"] == "fine article text here."
    assert bad["path"].endswith("broken.jsonl:2") and "JSON" in bad["rejected"]
    assert bad["id"] is None and bad["features"] is None
    pages = corroborate.prepare(Path(inputs[3]) / "crawl-0.warc.gz")
    assert len(pages) == 20 and all(r["url"].startswith("https://") for r in pages)


def test_prepared_rows_ingest_into_the_clis_stories(cli, inputs, cli_listing, tmp_path):
    rows = _rows(inputs)
    db = tmp_path / "rows.db"
    report = corroborate.Store(db).ingest_prepared(rows, model="static")
    assert report["stored"] == report["read"] == len(rows) - 1
    assert [r["path"].rsplit("/", 1)[-1] for r in report["rejected"]] == ["broken.jsonl:2"]
    assert _listing(cli, db) == cli_listing
    # Again: everything is stored already.
    again = corroborate.Store(db).ingest_prepared(rows, model="static")
    assert again["stored"] == 0 and again["already"] == len(rows) - 1


def test_prepared_rows_in_a_dataframe_or_small_batches(cli, inputs, tmp_path):
    import pandas as pd

    seeds = corroborate.prepare(inputs[2] + "/000_6b6353b012742a64.txt", source=0)
    seeds += [r for i, f in enumerate(corroborate.files(inputs[2])[1:], 1)
              for r in corroborate.prepare(f, source=i)]
    frame = pd.DataFrame(seeds, columns=corroborate.PREPARED_COLUMNS)
    db = tmp_path / "frame.db"
    report = corroborate.Store(db).ingest_prepared(frame, model="static", batch=2)
    assert report["stored"] == 5 and report["new_stories"] == 1
    cli_db = tmp_path / "cli.db"
    cli("ingest", "--quiet", "--model", "static", "--batch", "2", "--db", str(cli_db), inputs[2])
    assert _listing(cli, db) == _listing(cli, cli_db)


def test_rows_out_of_order_or_of_another_version_are_refused(inputs, tmp_path):
    rows = corroborate.prepare(inputs[2] + "/000_6b6353b012742a64.txt", source=3)
    rows += corroborate.prepare(inputs[2] + "/001_4d4304c35ad6780e.txt", source=1)
    store = corroborate.Store(tmp_path / "s.db")
    with pytest.raises(corroborate.Error, match=r"row 1 \(source 1, seq 0\): rows must come in ascending"):
        store.ingest_prepared(rows, model="none")
    old = dict(rows[0], format="corroborate-prepared/0 0.0.1")
    with pytest.raises(corroborate.Error, match=r"row 0: .*000_6b6353b012742a64.txt: .*prepared by .*prepare it again"):
        store.ingest_prepared([old], model="none")
    # Each bad row is named by its place among the rows given, and by its file.
    good = rows[1:]
    with pytest.raises(corroborate.Error, match=r"row 1: .*000_6b.*\"features\" must be bytes"):
        store.ingest_prepared(good + [dict(rows[0], features="text")], model="none")
    with pytest.raises(corroborate.Error, match=r"row 1: \"source\" is missing"):
        store.ingest_prepared(good + [dict(rows[0], source=None)], model="none")
    with pytest.raises(corroborate.Error, match=r"row 1: \"seq\" must be a whole number, not 'x{39}…"):
        store.ingest_prepared(good + [dict(rows[0], seq="x" * 10_000)], model="none")
    with pytest.raises(corroborate.Error, match=r"row 0: no \"features\" column"):
        store.ingest_prepared([{k: v for k, v in rows[0].items() if k != "features"}], model="none")
    with pytest.raises(corroborate.Error, match=r"row 0: \"id\" must be a string or None, not int"):
        store.ingest_prepared([dict(rows[0], id=7)], model="none")
    # pandas turns an integer column with a gap into floats: 3.0 is taken as 3.
    report = store.ingest_prepared([dict(rows[1], source=1.0, seq=0.0)], model="none")
    assert report["stored"] == 1
    # Numbers out of the engine's range name their argument.
    with pytest.raises(ValueError, match=r"source: .* out of range"):
        corroborate.prepare(inputs[2], source=2**70)
    with pytest.raises(ValueError, match=r"batch: .* out of range"):
        store.ingest_prepared(good, model="none", batch=-1)


def test_parquet_files_are_checked_for_order_before_anything_is_stored(inputs, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _rows(inputs[2:3])
    out = tmp_path / "parts"
    out.mkdir()
    table = pa.Table.from_pylist(rows)
    pq.write_table(table.slice(0, 3), out / "b.parquet")
    pq.write_table(table.slice(3), out / "a.parquet")
    db = tmp_path / "p.db"
    # Files named out of order are read in the order of their rows.
    assert corroborate.Store(db).ingest_prepared(out, model="none")["stored"] == 5
    pq.write_table(table.take([1, 0, 2]), out / "b.parquet")
    with pytest.raises(corroborate.Error, match=r"b.parquet: rows are not in \(source, seq\) order"):
        corroborate.Store(tmp_path / "q.db").ingest_prepared(out, model="none")
    assert not (tmp_path / "q.db").exists()
    (out / "b.parquet").write_text("not parquet")
    with pytest.raises(corroborate.Error, match=r"b.parquet: not a Parquet file of prepared rows"):
        corroborate.Store(tmp_path / "q.db").ingest_prepared(out, model="none")
    # A later file without a column is refused before the first one's rows are stored.
    pq.write_table(table.slice(0, 3), out / "a.parquet")
    pq.write_table(table.slice(3).drop_columns(["features"]), out / "b.parquet")
    with pytest.raises(corroborate.Error, match=r"b.parquet: .*no column features"):
        corroborate.Store(tmp_path / "q.db").ingest_prepared(out, model="none")
    assert not (tmp_path / "q.db").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(corroborate.Error, match=r"empty: no Parquet files"):
        corroborate.Store(tmp_path / "q.db").ingest_prepared(empty, model="none")


def test_a_job_never_replaces_a_directory_of_articles(inputs, tmp_path):
    parquet = tmp_path / "earlier"
    parquet.mkdir()
    for name in ["part-0.parquet", "_SUCCESS", ".part-0.parquet.crc"]:
        (parquet / name).write_bytes(b"")
    assert corroborate.replaceable_output(parquet)
    assert corroborate.replaceable_output(tmp_path / "new")
    victim = tmp_path / "victim"
    victim.mkdir()
    (victim / "a.txt").write_text("Title\n\nSome article text that must survive.\n")
    assert not corroborate.replaceable_output(victim)
    assert not corroborate.replaceable_output(victim / "a.txt")
    for script in ["dask_ingest.py", "spark_ingest.py"]:
        repo = Path(__file__).resolve().parents[3]
        done = subprocess.run(
            [sys.executable, str(repo / "examples" / script), "--out", str(victim),
             "--db", str(tmp_path / "v.db"), str(victim)],
            capture_output=True, text=True, timeout=600,
        )
        assert done.returncode == 2, done.stderr
        assert "not replaced" in done.stderr
        assert sorted(p.name for p in victim.iterdir()) == ["a.txt"]


def _need(module: str) -> None:
    """A job's engine must be installed (.ci/run installs it): missing, the test fails."""
    try:
        __import__(module)
    except ImportError:
        pytest.fail(f"{module} is not installed: pip install 'pyspark' 'dask[distributed]' "
                    "'pandas<3' pyarrow (as .ci/run does)")


def _job(script: str, inputs: List[str], out: Path, db: Path, extra: List[str]) -> None:
    env = dict(os.environ, PYSPARK_PYTHON=sys.executable, PYSPARK_DRIVER_PYTHON=sys.executable)
    repo = Path(__file__).resolve().parents[3]
    done = subprocess.run(
        [sys.executable, str(repo / "examples" / script), "--out", str(out), "--db", str(db),
         "--model", "static", *extra, *inputs],
        capture_output=True, env=env, check=False, timeout=900,
    )
    # Exit 1: the job ran and reports the one line of broken.jsonl it could not read.
    assert done.returncode == 1, done.stderr.decode("utf-8", "replace")[-3000:]
    report = json.loads(done.stdout)
    assert [r["path"].rsplit("/", 1)[-1] for r in report["rejected"]] == ["broken.jsonl:2"]


def test_spark_job_prepares_into_parquet_with_the_clis_stories(cli, inputs, cli_listing, tmp_path):
    _need("pyspark")
    out, db = tmp_path / "prepared.parquet", tmp_path / "spark.db"
    _job("spark_ingest.py", inputs, out, db, ["--master", "local[2]"])
    assert list(out.glob("part-*.parquet"))
    assert _listing(cli, db) == cli_listing


def test_dask_job_prepares_into_parquet_with_the_clis_stories(cli, inputs, cli_listing, tmp_path):
    _need("dask.distributed")
    out, db = tmp_path / "prepared.parquet", tmp_path / "dask.db"
    _job("dask_ingest.py", inputs, out, db, ["--workers", "2"])
    assert list(out.glob("part.*.parquet"))
    assert _listing(cli, db) == cli_listing
