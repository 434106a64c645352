"""Tests of the Python package ``corroborate`` against the CLI built from the same checkout:
the digest of the seeds is the CLI's JSON (the issue's "done when"), ``read`` and ``extract``
read as the CLI reads, ``similar`` gives the CLI's probability, the store round trip gives
the CLI's ``stories`` and ``show``, errors name the path or id, the GIL is released during
work, and pandas, polars and duckdb take what the package gives.

Every store and file these tests write is under pytest's ``tmp_path``; they never touch the
user's store, data directory or the repository.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

import corroborate


# --- digest ------------------------------------------------------------------------------


def test_digest_of_the_seeds_is_the_cli_json(seeds, cli):
    out = cli("digest", *seeds, "--format", "json", "--model", "static")
    got = corroborate.digest(seeds, model="static")
    assert got == json.loads(out)
    assert got["schema_version"] == 1
    assert len(got["articles"]) == 5 and len(got["stories"]) == 1
    # The same bytes: digest_json is the CLI's text, and the dict serialised the CLI's way.
    assert corroborate.digest_json(seeds, model="static") == out
    assert json.dumps(got, indent=2, ensure_ascii=False) + "\n" == out


def test_digest_takes_the_seed_directory_and_read_articles(seeds, cli):
    directory = str(Path(seeds[0]).parent)
    expected = json.loads(cli("digest", directory, "--format", "json", "--model", "static"))
    assert corroborate.digest(directory, model="static") == expected
    assert corroborate.digest(Path(directory), model="static") == expected
    # read() gives dicts that digest the same as the files themselves.
    assert corroborate.digest(corroborate.read(directory), model="static") == expected


def test_model_comes_from_the_environment_as_in_the_cli(seeds, cli, monkeypatch):
    out = cli("digest", *seeds, "--format", "json", env={"CORROBORATE_MODEL": "none"})
    monkeypatch.setenv("CORROBORATE_MODEL", "none")
    assert corroborate.digest_json(seeds) == out
    assert corroborate.digest_json(seeds, model="none") == out
    monkeypatch.setenv("CORROBORATE_MODEL", "bogus")
    with pytest.raises(corroborate.Error, match="CORROBORATE_MODEL=bogus"):
        corroborate.digest(seeds)
    with pytest.raises(corroborate.Error, match="bogus"):
        corroborate.digest(seeds, model="bogus")


def test_auto_model_is_the_clis(seeds, cli, monkeypatch):
    # No model named anywhere: both take the transformer when `models fetch` installed it in
    # $CORROBORATE_DATA (as in .ci/run), else the built-in static model.
    monkeypatch.delenv("CORROBORATE_MODEL", raising=False)
    assert corroborate.digest_json(seeds) == cli("digest", *seeds, "--format", "json")


def test_digest_of_dicts_is_the_digest_of_the_same_jsonl(seeds, cli, tmp_path):
    articles = []
    for i, path in enumerate(seeds):
        lines = Path(path).read_text(encoding="utf-8").split("\n", 1)
        articles.append(
            {"id": f"a{i}", "title": lines[0].strip(), "text": lines[1], "outlet": f"paper {i}",
             "date": "2025-02-27", "url": f"https://example.org/{i}", "authors": ["A. Writer"]}
        )
    jsonl = tmp_path / "pile.jsonl"
    jsonl.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    expected = json.loads(cli("digest", str(jsonl), "--format", "json", "--model", "static"))
    assert corroborate.digest(articles, model="static") == expected
    assert [a["outlet"] for a in expected["articles"]] == [f"paper {i}" for i in range(5)]


def test_digest_options_and_bad_articles(seeds, cli):
    out = cli("digest", *seeds, "--format", "json", "--model", "static", "--words", "40",
              "--single-story")
    assert corroborate.digest_json(seeds, model="static", words=40, single_story=True) == out
    # A switch given as text is read as it says, or refused naming itself.
    assert corroborate.digest_json(seeds, model="static", words=40, single_story="yes") == out
    assert corroborate.digest_json(seeds, model="none", single_story="false") == \
        corroborate.digest_json(seeds, model="none", single_story=False)
    with pytest.raises(ValueError, match=r"single_story: expected true or false, not 'maybe'"):
        corroborate.digest_json(seeds, single_story="maybe")
    with pytest.raises(corroborate.Error, match=r"articles\[1\].*no \"text\""):
        corroborate.digest([{"id": "a", "text": "One."}, {"id": "b"}])
    with pytest.raises(corroborate.Error, match=r"articles\[0\]: no \"id\""):
        corroborate.digest([{"text": "Something happened."}])
    with pytest.raises(TypeError, match=r"articles\[0\]"):
        corroborate.digest([42])
    with pytest.raises(corroborate.Error, match="no usable articles: articles\\[0\\]"):
        corroborate.digest([{"id": "a", "text": "   "}])


def test_a_bare_text_is_refused_as_a_path_but_a_file_so_named_is_read(tmp_path):
    text = "The council voted on Monday.\nIt passed the budget."
    with pytest.raises(TypeError, match=r"articles\[1\]: a text of 50 characters is not a path"):
        corroborate.digest([{"id": "a", "text": "One."}, text])
    with pytest.raises(TypeError, match=r"paths\[0\]: a text of 5000 characters"):
        corroborate.read(["x" * 5000])
    pd = pytest.importorskip("pandas")
    column = pd.DataFrame({"body": [text, text]})["body"]
    with pytest.raises(TypeError, match=r"articles\[0\].*as a dict with 'id' and 'text'"):
        corroborate.digest(column)
    # A file whose name has a line break is still a path.
    odd = tmp_path / "line\nbreak.txt"
    odd.write_text("Council passes budget\n\n" + text + "\n")
    read = corroborate.read([str(odd)])
    assert [a["path"] for a in read] == [str(odd)]
    assert corroborate.digest(str(odd), model="none")["rejected"] == []


def test_digest_lists_a_bad_file_as_the_cli_does(seeds, cli, tmp_path):
    bad = tmp_path / "broken.txt"
    bad.write_bytes(b"\x00\x01\x02binary\xff\xfe" * 50)
    out = cli("digest", *seeds, str(bad), "--format", "json", "--model", "static")
    got = corroborate.digest([*seeds, bad], model="static")
    assert got == json.loads(out)
    assert [r["path"] for r in got["rejected"]] == [str(bad)]


# --- read and extract ----------------------------------------------------------------------


def test_read_names_a_bad_file(seeds, tmp_path):
    bad = tmp_path / "image.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    missing = tmp_path / "nowhere.txt"
    with pytest.raises(corroborate.Error, match=str(bad)) as caught:
        corroborate.read([seeds[0], bad])
    assert [p for p, _ in caught.value.rejected] == [str(bad)]
    assert [a["id"] for a in caught.value.articles] == [Path(seeds[0]).stem]
    with pytest.raises(corroborate.Error, match=str(missing)):
        corroborate.read(missing)
    assert isinstance(caught.value, ValueError)
    # errors="skip" leaves them out.
    assert [a["id"] for a in corroborate.read([seeds[0], bad], errors="skip")] == [
        Path(seeds[0]).stem
    ]


def test_reading_notes_are_warnings(seeds, tmp_path):
    (tmp_path / "a.txt").write_bytes(Path(seeds[0]).read_bytes())
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4 not an article")
    with pytest.warns(corroborate.CorroborateWarning, match=r"1 file left unread.*1 \.pdf"):
        assert [a["id"] for a in corroborate.read(tmp_path)] == ["a"]
    with pytest.warns(corroborate.CorroborateWarning, match="left unread"):
        corroborate.digest(tmp_path, model="none")


def test_the_package_ships_its_type_stubs():
    here = Path(corroborate.__file__).parent
    assert (here / "py.typed").is_file() and (here / "_corroborate.pyi").is_file()


def test_the_types_check_with_mypy(tmp_path):
    api = pytest.importorskip("mypy.api")
    usage = tmp_path / "usage.py"
    usage.write_text(
        "import corroborate\n"
        "report: dict = corroborate.digest([{'id': 'a', 'text': 'Something happened.'}])\n"
        "p: float = corroborate.similar('a b', 'c d')\n"
        "rows: list = corroborate.Store('x.db').stories(limit=5)\n"
        "bad: int = corroborate.similar('a b', 'c d')\n"
        "def rejected(e: corroborate.Error) -> list:\n"
        "    return e.rejected + e.articles\n"
    )
    out, _, status = api.run(["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "c"),
                              "-p", "corroborate"])
    assert status == 0, out
    out, _, status = api.run(["--no-incremental", "--cache-dir", str(tmp_path / "c"), str(usage)])
    # Only the deliberate mistake is found: the package's own types are seen (py.typed).
    assert status == 1 and out.count("error:") == 1 and "usage.py:5" in out, out


def test_read_gives_the_article_fields(seeds):
    articles = corroborate.read(seeds)
    assert [a["id"] for a in articles] == [Path(s).stem for s in seeds]
    first = articles[0]
    assert set(first) == {"id", "path", "title", "text", "date", "outlet", "url", "authors",
                          "language", "summary_only", "headline_in_text"}
    assert first["path"] == seeds[0] and first["headline_in_text"] is True
    assert first["text"] == Path(seeds[0]).read_text(encoding="utf-8")


def test_extract_is_the_cli_record(repo, cli):
    page = repo / "test_data" / "stories" / "wcxb-fda-html" / "page.html"
    url = "https://www.fda.gov/news-events/example"
    [expected] = json.loads(cli("extract", str(page), "--format", "json", "--url", url))
    del expected["path"]
    assert corroborate.extract(page.read_bytes(), url=url) == expected
    got = corroborate.extract(page.read_text(encoding="utf-8"), url)
    assert got["text"] == expected["text"] and got["title"] == expected["title"]
    assert len(got["text"]) > 500
    with pytest.raises(corroborate.Error, match="no article text"):
        corroborate.extract("<html><body><nav><a href=/>Home</a></nav></body></html>")


# --- similar -------------------------------------------------------------------------------


def test_similar_is_the_cli_probability(cli, tmp_path):
    pairs = [
        ("Tariffs on steel will rise next month.", "Steel tariffs are going up next month."),
        ("The mayor resigned on Tuesday.", "The council approved the budget."),
    ]
    for a, b in pairs:
        tsv = tmp_path / "pair.tsv"
        tsv.write_text(f"{a}\t{b}\n", encoding="utf-8")
        score, decision = cli("similar", "--tsv", str(tsv), "--model", "static").split()
        assert f"{corroborate.similar(a, b, model='static'):.4f}" == score
        assert corroborate.same_fact(a, b, model="static") == (decision == "1")
    assert corroborate.similar(*pairs[0], model="static") > corroborate.similar(
        *pairs[1], model="static"
    )
    with pytest.raises(corroborate.Error, match="empty sentence"):
        corroborate.similar("", "Something.")


# --- the store -----------------------------------------------------------------------------


def test_store_round_trip_matches_the_cli(seeds, cli, tmp_path, monkeypatch):
    store = corroborate.Store(tmp_path / "news.db")
    # Ingest analyses with the built-in static model whatever the environment says, as the
    # CLI's ingest does (a model from here would change the kept analysis shown below).
    monkeypatch.setenv("CORROBORATE_MODEL", "none")
    report = store.ingest(seeds)
    monkeypatch.delenv("CORROBORATE_MODEL")
    assert report["stored"] == 5 and report["new_stories"] == 1 and report["analysed"] == 1
    assert report["rejected"] == [] and report["stories_in_store"] == 1
    stories = store.stories()
    assert len(stories) == 1 and sorted(stories[0]["articles"]) == sorted(
        Path(s).stem for s in seeds
    )
    assert stories[0]["analysed"] is True
    db = str(tmp_path / "news.db")
    assert stories == json.loads(cli("stories", "--db", db, "--format", "json"))["stories"]
    story_id = stories[0]["id"]
    out = cli("show", story_id, "--db", db, "--format", "json")
    assert store.show_json(story_id) == out
    shown = store.show(story_id)
    assert shown == json.loads(out) and shown["stories"][0]["id"] == story_id
    # The CLI's own ingest of the same files makes the same stories and analyses.
    cli_db = str(tmp_path / "cli.db")
    cli("ingest", *seeds, "--db", cli_db, "--quiet")
    assert json.loads(cli("stories", "--db", cli_db, "--format", "json"))["stories"] == stories
    assert cli("show", story_id, "--db", cli_db, "--format", "json") == out
    # Ingesting again stores nothing; dicts join the store as files do.
    again = store.ingest(corroborate.read(seeds))
    assert again["stored"] == 0 and again["already"] == 5
    extra = store.ingest([{"id": "other", "title": "Volcano erupts in Iceland",
                           "text": "A volcano erupted near Grindavik on Monday night, "
                                   "sending lava towards the town, officials said."}])
    assert extra["stored"] == 1 and extra["new_stories"] == 1
    assert len(store.stories()) == 2 and len(store.stories(limit=1)) == 1


def test_store_errors_name_the_store_and_the_id(seeds, tmp_path):
    missing = tmp_path / "none.db"
    with pytest.raises(corroborate.Error, match=str(missing)):
        corroborate.Store(missing).stories()
    assert not missing.exists()
    store = corroborate.Store(tmp_path / "news.db")
    store.ingest(seeds[:2])
    with pytest.raises(corroborate.Error, match=r"news\.db: no story nosuch-id"):
        store.show("nosuch-id")
    foreign = tmp_path / "foreign.db"
    foreign.write_text("not a database\n" * 100)
    with pytest.raises(corroborate.Error, match=rf"{foreign}: .*not a corroborate store"):
        corroborate.Store(foreign).ingest(seeds[:1])
    assert foreign.read_text() == "not a database\n" * 100


def test_an_article_with_a_lone_surrogate_is_named():
    bad = {"id": "x1", "text": "Some text \ud800 here."}
    with pytest.raises(corroborate.Error, match=r'articles\[0\] \(id x1\): "text" is not valid Unicode'):
        corroborate.digest([bad])
    with pytest.raises(corroborate.Error, match=r'"id" must be a string, not int'):
        corroborate.digest([{"id": 7, "text": "Some text."}])
    # A flag given as text is read as text says it, not as a non-empty string.
    one = {"id": "x1", "text": "The council approved the budget on Monday."}
    report = corroborate.digest([dict(one, summary_only="false")])
    assert report == corroborate.digest([one])
    with pytest.raises(corroborate.Error, match=r'"summary_only" must be true or false'):
        corroborate.digest([dict(one, summary_only="maybe")])


def test_similar_refuses_an_overlong_sentence():
    with pytest.raises(corroborate.Error, match="over 64 KB"):
        corroborate.similar("word " * 20_000, "a sentence")


def test_a_store_location_that_keeps_nothing_is_refused(seeds):
    for bad in ["", ":memory:"]:
        with pytest.raises(corroborate.Error, match="not a store location"):
            corroborate.Store(bad).ingest(seeds[:1])


def test_a_store_shows_its_url_without_the_password():
    shown = repr(corroborate.Store("postgres://news:secretpw@db.example/corr"))
    assert "secretpw" not in shown
    assert shown == "Store('postgres://news:***@db.example/corr')"
    assert repr(corroborate.Store("news.db")) == "Store('news.db')"


def test_store_deferred_analysis(seeds, tmp_path, cli):
    store = corroborate.Store(tmp_path / "news.db")
    report = store.ingest(seeds, analyse=False)
    assert report["analysed"] == 0 and report["unanalysed"] == 1
    [row] = store.stories()
    assert row["analysed"] is False
    # show analyses it afresh without writing, as the CLI does.
    out = cli("show", row["id"], "--db", str(tmp_path / "news.db"), "--format", "json",
              "--model", "static")
    assert store.show_json(row["id"], model="static") == out
    assert store.stories()[0]["analysed"] is False


# --- the GIL -------------------------------------------------------------------------------


def test_other_python_threads_run_during_a_digest(seeds):
    ticks = 0
    stop = threading.Event()

    def tick() -> None:
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.001)

    ticker = threading.Thread(target=tick)
    ticker.start()
    try:
        time.sleep(0.05)
        before = ticks
        start = time.perf_counter()
        calls = 0
        while calls < 2 or time.perf_counter() - start < 0.3:
            corroborate.digest(seeds, model="static", single_story=True)
            calls += 1
        elapsed = time.perf_counter() - start
        during = ticks - before
    finally:
        stop.set()
        ticker.join()
    # Holding the GIL for the whole call would leave the ticker at (nearly) no tick.
    assert during >= 10, f"{during} ticks in {elapsed:.2f} s: the GIL was held"


def test_two_threads_digest_at_once(seeds):
    expected = corroborate.digest_json(seeds, model="static")
    results = [None, None]

    def work(i: int) -> None:
        results[i] = corroborate.digest_json(seeds, model="static")

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert results == [expected, expected]


# --- dataframes ----------------------------------------------------------------------------


def test_pandas(seeds):
    pd = pytest.importorskip("pandas")
    articles = pd.DataFrame(corroborate.read(seeds))
    assert len(articles) == 5
    report = corroborate.digest(articles, model="static")
    assert report == corroborate.digest(seeds, model="static")
    facts = pd.DataFrame(report["stories"][0]["facts"])
    top = facts.sort_values("independent_sources", ascending=False).iloc[0]
    assert top["independent_sources"] >= 3
    # Missing cells (NaN, None) and Timestamps are read as absent values and dates.
    frame = pd.DataFrame(
        [{"id": "x", "text": "The council voted on Tuesday to approve the budget.",
          "title": None, "date": pd.Timestamp("2025-02-27")},
         {"id": "y", "text": "The council approved the budget on Tuesday, officials said.",
          "title": "Budget passes", "date": pd.NaT, "outlet": float("nan")}]
    )
    got = corroborate.digest(frame, model="static")
    assert [a["date"] for a in got["articles"]] == ["2025-02-27", None]


def test_polars(seeds):
    pl = pytest.importorskip("polars")
    articles = pl.DataFrame(corroborate.read(seeds))
    assert articles.height == 5
    report = corroborate.digest(articles, model="static")
    assert report == corroborate.digest(seeds, model="static")
    facts = pl.DataFrame(report["stories"][0]["facts"])
    assert facts.sort("independent_sources", descending=True)["independent_sources"][0] >= 3


def test_duckdb(seeds):
    duckdb = pytest.importorskip("duckdb")
    pd = pytest.importorskip("pandas")
    report = corroborate.digest(seeds, model="static")
    facts = pd.DataFrame(report["stories"][0]["facts"])  # noqa: F841 (read by duckdb)
    rows = duckdb.sql(
        "SELECT independent_sources, text FROM facts "
        "WHERE independent_sources >= 3 ORDER BY independent_sources DESC, text"
    ).fetchall()
    assert rows and all(n >= 3 for n, _ in rows)
    expected = sorted(
        ((f["independent_sources"], f["text"]) for f in report["stories"][0]["facts"]
         if f["independent_sources"] >= 3),
        key=lambda r: (-r[0], r[1]),
    )
    assert rows == expected


# --- the README ----------------------------------------------------------------------------


def test_the_readme_python_blocks_run(repo, seeds, tmp_path, monkeypatch):
    pytest.importorskip("pandas")
    pytest.importorskip("polars")
    pytest.importorskip("duckdb")
    readme = (repo / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python package\n", 1)[1].split("\n## ", 1)[0]
    blocks = [b.split("```", 1)[0] for b in section.split("```python\n")[1:]]
    assert len(blocks) == 2
    page = repo / "test_data" / "stories" / "wcxb-fda-html" / "page.html"
    (tmp_path / "page.html").write_bytes(page.read_bytes())
    monkeypatch.chdir(tmp_path)
    seed_dir = str(Path(seeds[0]).parent)
    scope: dict = {}
    for block in blocks:
        exec(block.replace('"../shared/seeds"', repr(seed_dir)), scope)  # noqa: S102
    assert scope["story"]["facts"] and scope["one"]["stories"][0]["id"] == scope["story_id"]
    assert scope["page"]["text"] and 0.0 <= scope["p"] <= 1.0
    assert (tmp_path / "news.db").exists()


def test_store_on_postgres_matches_the_cli(seeds, cli, postgres_db, monkeypatch):
    monkeypatch.delenv("CORROBORATE_MODEL", raising=False)
    store = corroborate.Store(postgres_db)
    report = store.ingest(seeds)
    assert report["stored"] == 5 and report["new_stories"] == 1 and report["analysed"] == 1
    stories = store.stories()
    assert stories == json.loads(cli("stories", "--db", postgres_db, "--format", "json"))["stories"]
    story_id = stories[0]["id"]
    assert store.show_json(story_id) == cli("show", story_id, "--db", postgres_db, "--format", "json")
    with pytest.raises(corroborate.Error, match="no story s-none"):
        store.show("s-none")
