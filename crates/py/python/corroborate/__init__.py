"""corroborate: turn a pile of news articles into stories people can trust, from Python.

The same pipeline, readers and store as the ``corroborate`` command line tool, in process:

- ``extract(html, url=None)``: the main text and metadata of one web page;
- ``read(paths)``: articles as ``corroborate digest`` reads them (text, JSONL, HTML, WARC,
  feeds, news-please JSON, gzip, directories);
- ``digest(articles)``: the schema-v1 JSON of ``corroborate digest --format json`` as a dict
  (``digest_json`` gives the exact text);
- ``similar(a, b)``: the same-fact probability the fact aligner uses (``same_fact(a, b)``:
  its decision);
- ``Store(path)``: the store of ``corroborate ingest`` (a SQLite file, or a PostgreSQL
  database given as a ``postgres://`` URL), with ``ingest``, ``stories`` and ``show``;
- ``files(path)``, ``prepare(path, source=i)`` and ``Store.ingest_prepared(rows)``: ingest
  split over a cluster (Spark, Dask): each file's articles prepared on their own into rows
  (``PREPARED_COLUMNS``, a Parquet table), then assigned to stories in one process, with the
  same stories as ``corroborate ingest`` of the same files.

The work runs in Rust with the GIL released, so other Python threads run meanwhile. Failures
raise ``corroborate.Error`` (a ``ValueError``) whose message names the path, store or story.
Reading notes (WARC records skipped, files left unread) are ``CorroborateWarning``s.

This module only checks and converts arguments and results: it never analyses text itself,
never opens an input file (the Rust readers do), and never prints.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Union, cast

from . import _corroborate
from ._corroborate import Error

__all__ = [
    "Error",
    "CorroborateWarning",
    "extract",
    "read",
    "digest",
    "digest_json",
    "similar",
    "same_fact",
    "Store",
    "DEFAULT_WORDS",
    "files",
    "prepare",
    "replaceable_output",
    "PREPARED_COLUMNS",
    "PREPARED_SPARK_SCHEMA",
]

#: Summary length in words when none is given (the CLI's ``--words`` default).
DEFAULT_WORDS: int = _corroborate.DEFAULT_WORDS

#: The columns of a prepared row (``prepare``), in table order.
PREPARED_COLUMNS: List[str] = list(_corroborate.ROW_KEYS)

_PREPARED_TYPES = {"source": "bigint", "seq": "bigint", "features": "binary"}

#: The prepared rows' schema as a Spark DDL string (``mapInPandas(f, PREPARED_SPARK_SCHEMA)``).
PREPARED_SPARK_SCHEMA: str = ", ".join(
    f"{c} {_PREPARED_TYPES.get(c, 'string')}" for c in PREPARED_COLUMNS
)

PathLike = Union[str, "os.PathLike[str]"]
#: What ``digest`` and ``Store.ingest`` take: a path, an article (a mapping with ``id`` and
#: ``text``), a list of both, or a pandas or polars DataFrame with one article a row.
Articles = Union[PathLike, Mapping[str, Any], Iterable[Union[PathLike, Mapping[str, Any]]], Any]

_STRING_FIELDS = ("title", "date", "outlet", "url", "language", "path")


class CorroborateWarning(UserWarning):
    """A note from reading: WARC records skipped, files of a directory left unread."""


def _warn(notes: Sequence[str]) -> None:
    for note in notes:
        warnings.warn(note, CorroborateWarning, stacklevel=3)


def _absent(value: Any) -> bool:
    # pandas and polars give None, NaN or NaT for a missing cell: the values unequal to
    # themselves.
    if value is None:
        return True
    try:
        return bool(value != value)
    except (TypeError, ValueError):
        return False


_FLAGS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def _switch(name: str, value: Any) -> bool:
    """A true/false argument: a text one is read as it says ("false" is False) or refused."""
    if isinstance(value, str):
        key = value.strip().lower()
        if key not in _FLAGS:
            raise ValueError(f"{name}: expected true or false, not {value!r}")
        return _FLAGS[key]
    return bool(value)


def _article(item: Mapping[str, Any], index: int) -> Dict[str, Any]:
    """One article given as a mapping, checked and normalised for the native module."""
    where = f"articles[{index}]"
    ident = item.get("id")
    if _absent(ident) or ident == "":
        raise Error(f'{where}: no "id" (a non-empty string is needed)')
    if not isinstance(ident, str):
        raise Error(f'{where}: "id" must be a string, not {type(ident).__name__}')
    where = f"articles[{index}] (id {ident})"
    text = item.get("text")
    if _absent(text) or not isinstance(text, str):
        raise Error(f'{where}: no "text" (a string is needed)')
    out: Dict[str, Any] = {"id": ident, "text": text, "path": f"articles[{index}]"}
    for key in _STRING_FIELDS:
        value: Any = item.get(key)
        if _absent(value):
            continue
        if key == "date" and not isinstance(value, str) and hasattr(value, "isoformat"):
            value = value.isoformat()  # datetime, date, pandas Timestamp
        if not isinstance(value, str):
            raise Error(f'{where}: "{key}" must be a string, not {type(value).__name__}')
        out[key] = value
    authors: Any = item.get("authors")
    if isinstance(authors, str):
        out["authors"] = [authors]
    elif not _absent(authors):
        try:
            out["authors"] = [str(a) for a in authors]
        except TypeError:
            raise Error(f'{where}: "authors" must be a string or a list of strings') from None
    for key in ("summary_only", "headline_in_text"):
        value = item.get(key)
        if isinstance(value, str):
            if value.strip().lower() not in _FLAGS:
                raise Error(f'{where}: "{key}" must be true or false, not {value!r}')
            out[key] = _FLAGS[value.strip().lower()]
        elif not _absent(value):
            out[key] = bool(value)
    for key, value in out.items():
        for v in value if isinstance(value, list) else [value]:
            if isinstance(v, str):
                try:
                    v.encode("utf-8")
                except UnicodeEncodeError as e:
                    raise Error(
                        f'{where}: "{key}" is not valid Unicode (a lone surrogate at '
                        f"character {e.start})"
                    ) from None
    return out


def _path(item: PathLike, where: str) -> str:
    """A path item, or a TypeError when it is plainly an article's text given bare (a column
    of texts, say): a name with a line break, or longer than a path can be (4096), that names
    nothing on disk. Without this each text would come back as a "no such file" rejection."""
    path = os.fspath(item)
    if ("\n" in path or len(path) > 4096) and not os.path.lexists(path):
        raise TypeError(
            f"{where}: a text of {len(path)} characters is not a path; digest and "
            "Store.ingest take an article as a dict with 'id' and 'text' (or a DataFrame "
            "with those columns)"
        )
    return path


def _split(articles: Articles) -> "tuple[List[str], str]":
    """PATHs and articles given as mappings (as a JSON array), in the order given."""
    if isinstance(articles, (str, os.PathLike)) or isinstance(articles, Mapping):
        articles = [articles]
    elif hasattr(articles, "to_dicts") and hasattr(articles, "columns"):
        articles = articles.to_dicts()  # a polars DataFrame: one dict a row
    elif hasattr(articles, "to_dict") and hasattr(articles, "columns"):
        articles = articles.to_dict("records")  # a pandas DataFrame: one dict a row
    paths: List[str] = []
    given: List[Dict[str, Any]] = []
    try:
        items = list(articles)
    except TypeError:
        raise TypeError(
            "articles: expected a path, a dict, or a list of paths and dicts, "
            f"not {type(articles).__name__}"
        ) from None
    for i, item in enumerate(items):
        if isinstance(item, (str, os.PathLike)):
            paths.append(_path(item, f"articles[{i}]"))
        elif isinstance(item, Mapping):
            given.append(_article(item, i))
        else:
            raise TypeError(
                f"articles[{i}]: expected a path or a dict, not {type(item).__name__}"
            )
    return paths, json.dumps(given) if given else ""


def _whole(name: str, value: Any, low: int, high: int) -> int:
    """An integer argument within the range the engine takes, or an error naming it."""
    try:
        v = int(value)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(f"{name}: expected an integer, not {type(value).__name__}") from None
    if not low <= v <= high:
        raise ValueError(f"{name}: {v} is out of range ({low} to {high})")
    return v


_I64 = 2**63 - 1


def _model(model: Optional[str]) -> Optional[str]:
    if model is not None and not isinstance(model, str):
        raise TypeError("model: expected 'auto', 'static', 'transformer', 'none' or None")
    return model


def extract(html: Union[str, bytes], url: Optional[str] = None) -> Dict[str, Any]:
    """The main text and metadata of one HTML page, as ``corroborate extract`` finds them.

    ``html`` is the page as text or bytes (bytes: the charset is read from the page); ``url``
    is where it came from (resolves relative canonical links; a date in the URL). Returns
    ``title``, ``text``, ``date`` (YYYY-MM-DD or None), ``authors``, ``outlet``,
    ``language``, ``url``, ``summary_only``. Raises ``Error`` for a page over 16 MB, binary
    data, or a page without article text.
    """
    data = html.encode("utf-8") if isinstance(html, str) else bytes(html)
    return cast(Dict[str, Any], json.loads(_corroborate.extract_page(data, url)))


def read(paths: Union[PathLike, Iterable[PathLike]], *, errors: str = "raise") -> List[Dict[str, Any]]:
    """The articles at ``paths``, read as ``corroborate digest`` reads them.

    Each article is a dict: ``id``, ``path``, ``title``, ``text``, ``date``, ``outlet``,
    ``url``, ``authors``, ``language``, ``summary_only``, ``headline_in_text`` (the text
    opens with its headline, as a plain-text file does). These dicts can be given back to
    ``digest`` and ``Store.ingest`` (with the same result as the paths themselves).

    With ``errors="raise"`` (the default) an input that cannot be read raises ``Error``
    naming its path (``PATH: reason``, ``PATH:LINE`` for JSON Lines, ``PATH@OFFSET`` for a
    WARC record); the exception's ``rejected`` holds every (path, reason) and its
    ``articles`` what was read. With ``errors="skip"`` they are left out.
    """
    if errors not in ("raise", "skip"):
        raise ValueError("errors: expected 'raise' or 'skip'")
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    listed = [_path(p, f"paths[{i}]") for i, p in enumerate(paths)]
    text, rejected, notes = _corroborate.read_articles(listed)
    _warn(notes)
    articles = cast(List[Dict[str, Any]], json.loads(text))
    if rejected and errors == "raise":
        shown = "; ".join(f"{p}: {r}" for p, r in rejected[:10])
        if len(rejected) > 10:
            shown += f"; and {len(rejected) - 10} more"
        err = Error(shown)
        err.rejected = list(rejected)
        err.articles = articles
        raise err
    return articles


def digest_json(
    articles: Articles,
    *,
    words: int = DEFAULT_WORDS,
    single_story: bool = False,
    model: Optional[str] = None,
) -> str:
    """The exact text ``corroborate digest --format json`` prints for the same articles.

    ``articles``: a path (file or directory, any format the CLI reads), a dict with ``id``
    and ``text`` (optional ``title``, ``date``, ``outlet``, ``url``, ``authors``,
    ``language``, ``summary_only``, ``headline_in_text``; as ``read`` gives them), a
    list of both, or a pandas or polars DataFrame with those columns (one article a row;
    missing cells as None or NaN). ``words``: summary length. ``single_story``: all inputs as one story.
    ``model``: ``"auto"``, ``"static"``, ``"transformer"`` or ``"none"`` (words only);
    ``None`` means ``$CORROBORATE_MODEL``, else ``"auto"``, as in the CLI. Inputs that cannot
    be read are listed under ``rejected``; ``Error`` when none is usable.
    """
    paths, given = _split(articles)
    text, notes = _corroborate.digest_json(
        paths,
        given,
        _whole("words", words, 0, _I64),
        _switch("single_story", single_story),
        _model(model),
    )
    _warn(notes)
    return text


def digest(
    articles: Articles,
    *,
    words: int = DEFAULT_WORDS,
    single_story: bool = False,
    model: Optional[str] = None,
) -> Dict[str, Any]:
    """The digest of ``articles`` as a dict: exactly the schema-v1 JSON of
    ``corroborate digest --format json`` (``schema_version``, ``articles``, ``rejected``,
    ``stories`` with facts, quotes, entities, numbers, conflicts and a cited summary).

    Arguments as for ``digest_json``; ``json.dumps(result, indent=2, ensure_ascii=False)``
    plus a newline gives the CLI's bytes.
    """
    text = digest_json(articles, words=words, single_story=single_story, model=model)
    return cast(Dict[str, Any], json.loads(text))


def similar(a: str, b: str, *, model: Optional[str] = None) -> float:
    """The probability that sentences ``a`` and ``b`` state the same fact, as the fact aligner
    judges two claims seen alone (``corroborate similar``); the aligner's decision is
    ``similar(a, b) >= 0.5`` unless the two name different actors or one negates the other:
    ``same_fact`` gives the decision itself. ``model`` as for ``digest``.
    """
    return _corroborate.similar(a, b, _model(model))[0]


def same_fact(a: str, b: str, *, model: Optional[str] = None) -> bool:
    """The aligner's decision for two sentences seen alone (the ``1|0`` of
    ``corroborate similar``)."""
    return _corroborate.similar(a, b, _model(model))[1]


class Store:
    """The store of ``corroborate ingest``: articles grouped into stories that grow as
    articles arrive. ``path`` is a SQLite file or a PostgreSQL database as a ``postgres://``
    (or ``postgresql://``) URL, the same store the CLI and ``corroborate serve`` read and
    write; several processes may share it. A ``Store`` holds only the location: every call
    opens it, so one object may be used from several threads. Messages name a URL without
    its password.
    """

    def __init__(self, path: PathLike) -> None:
        self.path = os.fspath(path)

    def __repr__(self) -> str:
        return f"Store({_corroborate.store_location(self.path)!r})"

    def ingest(
        self,
        articles: Articles,
        *,
        words: int = DEFAULT_WORDS,
        model: Optional[str] = None,
        analyse: bool = True,
        batch: int = 2000,
    ) -> Dict[str, Any]:
        """Add articles (paths, dicts, or a list of both, as for ``digest``) as
        ``corroborate ingest`` does: each joins its story or opens one, each batch of
        ``batch`` articles is one transaction, an article stored already (same id, same
        text) is skipped, and the stories touched are analysed and kept (``analyse=False``
        leaves them, as ``--defer-analysis``). The analyses use the built-in static model
        unless ``model`` names another (the environment is not asked, as in the CLI).
        Creates the store when the file does not exist (or the database is empty).

        Returns a report: ``read``, ``stored``, ``already``, ``renamed``, ``copies``,
        ``new_stories``, ``analysed``, ``unanalysed``, ``rejected`` (each ``path`` and
        ``reason``), ``articles_in_store``, ``stories_in_store``. Raises ``Error`` naming the
        store when it cannot be opened (for example a file that is not a corroborate store)
        or a batch fails.
        """
        paths, given = _split(articles)
        text, notes = _corroborate.store_ingest(
            self.path,
            paths,
            given,
            _whole("words", words, 0, _I64),
            _model(model),
            _switch("analyse", analyse),
            _whole("batch", batch, 0, _I64),
        )
        _warn(notes)
        return cast(Dict[str, Any], json.loads(text))

    def ingest_prepared(
        self,
        rows: Any,
        *,
        words: int = DEFAULT_WORDS,
        model: Optional[str] = None,
        analyse: bool = True,
        batch: int = 2000,
    ) -> Dict[str, Any]:
        """Add articles prepared by ``prepare`` (on a cluster, say) as ``ingest`` adds the
        files they came from: in (source, seq) order, batches of ``batch`` articles not
        stored yet, each one transaction, the same stories as ``corroborate ingest`` of the
        files in ``files(...)`` order. ``rows``: a Parquet file or a directory of them (read
        with pyarrow, streamed), an iterable of row dicts in order, or a pandas or polars
        DataFrame of rows. Rows with ``rejected`` set are reported under ``rejected``.

        Returns the report of ``ingest``. Raises ``Error`` naming the row or file when rows
        are out of order or were prepared by another corroborate version (batches before
        it stay committed; a Parquet layout is checked before anything is stored).
        """
        if isinstance(rows, (str, os.PathLike)):
            rows = _parquet_rows(os.fspath(rows))
        elif hasattr(rows, "to_dicts") and hasattr(rows, "columns"):
            rows = rows.to_dicts()
        elif hasattr(rows, "to_dict") and hasattr(rows, "columns"):
            rows = rows.to_dict("records")
        text = _corroborate.store_ingest_prepared(
            self.path,
            iter(rows),
            _whole("words", words, 0, _I64),
            _model(model),
            _switch("analyse", analyse),
            _whole("batch", batch, 0, _I64),
        )
        return cast(Dict[str, Any], json.loads(text))

    def stories(self, limit: int = 100) -> List[Dict[str, Any]]:
        """The stories, newest first (``corroborate stories --format json``): each ``id``,
        ``headline``, ``articles``, ``independent_sources``, ``first_date``, ``last_date``,
        ``analysed``. ``limit=0``: all."""
        listing = json.loads(_corroborate.store_stories(self.path, _whole("limit", limit, 0, _I64)))
        return cast(List[Dict[str, Any]], listing["stories"])

    def show_json(
        self, story_id: str, *, words: int = DEFAULT_WORDS, model: Optional[str] = None
    ) -> str:
        """The exact text ``corroborate show STORY_ID --format json`` prints."""
        return _corroborate.store_show(
            self.path, str(story_id), _whole("words", words, 0, _I64), _model(model)
        )

    def show(
        self, story_id: str, *, words: int = DEFAULT_WORDS, model: Optional[str] = None
    ) -> Dict[str, Any]:
        """One story as ``digest`` gives it (schema v1, one story), from its kept analysis;
        analysed afresh (not written) when the story grew since or ``model`` asks for another
        model. Raises ``Error`` naming the store and the id when there is no such story."""
        return cast(Dict[str, Any], json.loads(self.show_json(story_id, words=words, model=model)))


def files(path: PathLike) -> List[str]:
    """The files reading ``path`` reads, in the order ``corroborate ingest path`` reads them:
    ``path`` itself for a file (and for a path that does not exist, so that ``prepare`` reports
    it as a rejected row rather than it being skipped unnoticed), else the article-format files
    under the directory (sorted by name at every level, hidden files skipped). Number them for
    ``prepare``'s ``source``."""
    return _corroborate.files(os.fspath(path))


def replaceable_output(out: PathLike) -> bool:
    """True when a job may replace ``out`` with its Parquet files: it does not exist, or it is
    a directory holding only what a Parquet write leaves (``*.parquet``, ``*.crc``, ``_*`` and
    hidden files); never an input folder or anything else a mistyped ``--out`` names."""
    out = os.fspath(out)
    if not os.path.lexists(out):
        return True
    if not os.path.isdir(out) or os.path.islink(out):
        return False
    return all(
        (entry.startswith(("_", ".")) or entry.endswith((".parquet", ".crc")))
        and os.path.isfile(os.path.join(out, entry))
        for entry in os.listdir(out)
    )


def prepare(path: PathLike, *, source: int = 0) -> List[Dict[str, Any]]:
    """The articles of one file (any format ``ingest`` reads), each prepared on its own:
    cleaned, titled and featurized, the map step of an ingest split over a cluster.

    Returns one dict per article with the keys ``PREPARED_COLUMNS``: ``source`` (as given:
    the file's index in ``files(...)``), ``seq`` (its place in the file), ``path``, ``id``,
    ``title``, ``date``, ``outlet``, ``url`` (for queries), ``format``, ``body_hash``,
    ``given_title``, ``article`` (JSON) and ``features`` (bytes), which
    ``Store.ingest_prepared`` reads back; ``rejected`` is None. An input that cannot be read
    is a row of its own with ``path`` and ``rejected`` (the reason) and the rest None, so
    nothing is lost silently. Reading notes are ``CorroborateWarning``s.
    """
    rows, notes = _corroborate.prepare(os.fspath(path), _whole("source", source, -_I64 - 1, _I64))
    _warn(notes)
    return rows


def _parquet_rows(path: str) -> Iterable[Dict[str, Any]]:
    """The rows of prepared Parquet files in (source, seq) order, streamed file by file.

    Each file must hold its rows in order and files must not interleave (what
    ``orderBy("source", "seq")`` in Spark, or one file per partition of consecutive sources
    in Dask, writes); the files are read in the order of their first row. Checked from the
    two key columns before any row is given, so a wrong layout stores nothing.
    """
    import numpy as np
    import pyarrow.parquet as pq  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if os.path.isdir(path):
        found = sorted(
            os.path.join(d, f)
            for d, _, names in os.walk(path)
            for f in names
            if f.endswith(".parquet") and not f.startswith((".", "_"))
        )
        if not found:
            raise Error(f"{path}: no Parquet files of prepared rows here")
    else:
        found = [path]
    spans = []
    for f in found:
        try:
            missing = [c for c in PREPARED_COLUMNS if c not in pq.read_schema(f).names]
            keys = pq.read_table(f, columns=["source", "seq"])
        except Exception as e:  # pyarrow's errors: not Parquet, no such file, ...
            raise Error(f"{f}: not a Parquet file of prepared rows ({e})") from None
        if missing:
            raise Error(f"{f}: not a Parquet file of prepared rows (no column {', '.join(missing)})")
        if keys.num_rows == 0:
            continue
        src = keys.column("source").to_numpy(zero_copy_only=False)
        seq = keys.column("seq").to_numpy(zero_copy_only=False)
        ascending = (src[1:] > src[:-1]) | ((src[1:] == src[:-1]) & (seq[1:] > seq[:-1]))
        if not bool(np.all(ascending)):
            raise Error(
                f"{f}: rows are not in (source, seq) order; write them sorted "
                "(Spark: orderBy('source', 'seq'))"
            )
        spans.append(((int(src[0]), int(seq[0])), (int(src[-1]), int(seq[-1])), f))
    spans.sort()
    for before, after in zip(spans, spans[1:]):
        if after[0] <= before[1]:
            raise Error(f"{after[2]}: its rows interleave with those of {before[2]}")

    def rows() -> Iterable[Dict[str, Any]]:
        for _, _, f in spans:
            try:
                batches = pq.ParquetFile(f).iter_batches(batch_size=1024, columns=PREPARED_COLUMNS)
                for b in batches:
                    yield from b.to_pylist()
            except Exception as e:  # a damaged page: name the file
                raise Error(f"{f}: {e}") from None

    return rows()
