"""Type stubs of corroborate._corroborate, the native half of the package (Rust, PyO3).

Use the functions of ``corroborate`` itself: these take and return JSON text, never analyse
anything in Python, and are not a stable interface.
"""

from typing import Any, Dict, Iterator, List, Optional, Tuple

DEFAULT_WORDS: int
ROW_KEYS: List[str]

class Error(ValueError):
    """What corroborate could not do: the message names the path, store or story id."""

    # Set on the Error ``read`` raises: every (path, reason) rejected, and what was read.
    rejected: List[Tuple[str, str]]
    articles: List[Dict[str, Any]]

def extract_page(html: bytes, url: Optional[str] = None) -> str: ...
def read_articles(paths: List[str]) -> Tuple[str, List[Tuple[str, str]], List[str]]: ...
def digest_json(
    paths: List[str],
    articles: str,
    words: int,
    single_story: bool,
    model: Optional[str] = None,
) -> Tuple[str, List[str]]: ...
def similar(a: str, b: str, model: Optional[str] = None) -> Tuple[float, bool]: ...
def store_ingest(
    db: str,
    paths: List[str],
    articles: str,
    words: int,
    model: Optional[str],
    analyse: bool,
    batch: int,
) -> Tuple[str, List[str]]: ...
def store_stories(db: str, limit: int) -> str: ...
def store_show(db: str, story: str, words: int, model: Optional[str] = None) -> str: ...
def files(path: str) -> List[str]: ...
def store_location(db: str) -> str: ...
def prepare(path: str, source: int) -> Tuple[List[Dict[str, Any]], List[str]]: ...
def store_ingest_prepared(
    db: str,
    rows: Iterator[Any],
    words: int,
    model: Optional[str],
    analyse: bool,
    batch: int,
) -> str: ...
