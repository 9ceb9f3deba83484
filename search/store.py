"""The Whoosh index on disk: schema, safe writes from several processes, zero-downtime rebuilds.

Plain Whoosh + :mod:`search.analysis`; no Django, so a subprocess (or a test) can use it directly.

Directory layout (``PATH``)::

    CURRENT          name of the live index (e.g. ``v1i6b033e0fa1b2c3d4``), replaced atomically
    REBUILDING       name of the index being rebuilt, while ``update_index`` runs
    control.lock     flock: shared by writers, exclusive while CURRENT/REBUILDING change
    _<name>_<gen>.toc, <name>_<segment>.*   Whoosh's own files, several named indexes side by side

Writes take Whoosh's write lock (an ``flock``, released by the kernel if a process dies, so a crashed worker
never leaves a stale lock) and wait up to ``write_timeout`` seconds for it; a writer that gets it applies its
changes and commits, so concurrent gunicorn workers serialise instead of failing. While a rebuild runs, live
writes go to both the old and the new index, so nothing edited during a rebuild is lost when it is switched in.
A document whose fields hash to the stored ``digest`` is not written again (Wagtail saves a page several times
per publish). Searches read CURRENT on each call (a ``stat``) and reuse one searcher per thread until a commit
makes it stale — a fresh one, not ``Searcher.refresh()``, which in whoosh-reloaded 2.7.5 keeps deleted documents
visible. ``cached()`` is the per-process result cache, emptied by the first lookup after any commit.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, NUMERIC, TEXT, Schema
from whoosh.index import LockError

from .analysis import ChineseAnalyzer

# Bump when the schema or the analyzer changes: an index built by another version is refused until
# ``manage.py update_index`` has rebuilt it (index names carry the version: v<version>i<time><random>).
SCHEMA_VERSION = 1


def make_schema() -> Schema:
    analyzer = ChineseAnalyzer()
    return Schema(
        key=ID(stored=True, unique=True),  # "<root model label>:<pk>"
        pk=ID(stored=True, sortable=True),
        models=KEYWORD(scorable=False),  # the object's model label and its indexed parents' labels
        content=TEXT(analyzer=analyzer, phrase=False),  # catch-all: every SearchField, one per line
        title=TEXT(analyzer=analyzer, phrase=False),  # ranking boost and fields=["title"]
        head=TEXT(analyzer=analyzer, phrase=False),  # short plain fields (文号, summary, keywords): ranking boost
        docnum=KEYWORD(scorable=True),  # '#…' terms of the object's own 文号: ranking boost
        auto=TEXT(analyzer=analyzer, phrase=False),  # AutocompleteField values
        fresh=NUMERIC(bits=64, signed=True, stored=True, sortable=True),  # publication time (s), for ties
        digest=ID(stored=True),  # hash of the fields above: an unchanged object is not written again
    )


def document_digest(doc: dict) -> str:
    payload = "\x1f".join(f"{k}={doc[k]}" for k in sorted(doc) if k != "digest")
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


CACHE_MAX_ITEMS = 50_000  # pks per cached value


class IndexWriteTimeout(RuntimeError):
    pass


class IndexSchemaOutdated(RuntimeError):
    pass


class IndexStore:
    """One index directory. Use :func:`get_store` so a process shares one instance per directory."""

    def __init__(self, path: str | os.PathLike, *, write_timeout: float = 10.0, cache_size: int = 256):
        self.path = Path(path)
        self.write_timeout = write_timeout
        self._lock = threading.Lock()
        self._indexes: dict[str, whoosh_index.FileIndex] = {}
        self._local = threading.local()
        self._current: tuple[float, int, str] | None = None  # (mtime, inode, name) of CURRENT
        self.cache_size = cache_size
        self._cache: OrderedDict = OrderedDict()
        self._cache_generation = None

    # --- control files ---------------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _control(self, exclusive: bool):
        self.path.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path / "control.lock", os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)

    def _read_name(self, filename: str) -> str | None:
        try:
            return (self.path / filename).read_text(encoding="ascii").strip() or None
        except FileNotFoundError:
            return None

    def _write_name(self, filename: str, name: str) -> None:
        tmp = self.path / f".{filename}.{os.getpid()}.tmp"
        tmp.write_text(name, encoding="ascii")
        os.replace(tmp, self.path / filename)

    @staticmethod
    def _new_name() -> str:
        return f"v{SCHEMA_VERSION}i{int(time.time()):x}{secrets.token_hex(4)}"

    def _checked(self, name: str) -> str:
        if not name.startswith(f"v{SCHEMA_VERSION}i"):
            raise IndexSchemaOutdated(
                f"The search index in {self.path} was built by another version of the search module "
                f"(index {name!r}, expected schema version {SCHEMA_VERSION}): run `manage.py update_index`."
            )
        return name

    def _create(self, name: str) -> None:
        self.path.mkdir(parents=True, exist_ok=True)
        ix = whoosh_index.create_in(str(self.path), make_schema(), indexname=name)
        ix.close()

    def current_name(self) -> str:
        """The live index's name, creating an empty index on first use."""
        try:
            st = os.stat(self.path / "CURRENT")
        except FileNotFoundError:
            with self._control(exclusive=True):
                name = self._read_name("CURRENT")
                if name is None:
                    name = self._new_name()
                    self._create(name)
                    self._write_name("CURRENT", name)
            return self._checked(name)
        cached = self._current
        if cached and cached[0] == st.st_mtime and cached[1] == st.st_ino:
            return cached[2]
        name = self._checked(self._read_name("CURRENT"))
        self._current = (st.st_mtime, st.st_ino, name)
        return name

    def rebuilding_name(self) -> str | None:
        return self._read_name("REBUILDING")

    def _index(self, name: str) -> whoosh_index.FileIndex:
        with self._lock:
            ix = self._indexes.get(name)
            if ix is None:
                ix = whoosh_index.open_dir(str(self.path), indexname=name)
                self._indexes[name] = ix
            return ix

    # --- reading ---------------------------------------------------------------------------------------------
    def searcher(self):
        """A searcher on the live index, reused by this thread while it is up to date. Do not close it."""
        name = self.current_name()
        cache = getattr(self._local, "searchers", None)
        if cache is None:
            cache = self._local.searchers = {}
        searcher = cache.get(name)
        if searcher is not None and not searcher.up_to_date():
            # Not Searcher.refresh(): in whoosh-reloaded 2.7.5 it reuses segment readers whose deletions have
            # changed (deleted documents stay visible) and re-adds segments that were merged away.
            searcher.close()
            searcher = None
            del cache[name]
        if searcher is None:
            for old in cache.values():  # the live index was switched (rebuild): drop the old searcher
                old.close()
            cache.clear()
            searcher = self._index(name).searcher()
        cache[name] = searcher
        return searcher

    def cached(self, searcher, key, compute):
        """Result cache for hot queries (管理, 城市 … cost Whoosh ~100 ms each at 20k documents).

        Entries belong to one index generation: the first lookup after any commit (by any process) or after a
        rebuild switch empties the cache. Values larger than CACHE_MAX_ITEMS are not kept."""
        if not self.cache_size:
            return compute()
        generation = (self.current_name(), searcher.reader().generation())
        with self._lock:
            if generation != self._cache_generation:
                self._cache.clear()
                self._cache_generation = generation
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = compute()
        size = len(value[0]) if isinstance(value, tuple) else len(value)
        if size <= CACHE_MAX_ITEMS:
            with self._lock:
                if self._cache_generation == generation:
                    self._cache[key] = value
                    while len(self._cache) > self.cache_size:
                        self._cache.popitem(last=False)
        return value

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    # --- writing ---------------------------------------------------------------------------------------------
    def _write_one(self, name: str, docs: list[dict], delete_keys: Iterable[str]) -> None:
        ix = self._index(name)
        try:
            writer = ix.writer(timeout=self.write_timeout, delay=0.02)
        except LockError as exc:
            raise IndexWriteTimeout(
                f"search index {self.path} ({name}) stayed locked for {self.write_timeout} s"
            ) from exc
        try:
            for key in delete_keys:
                writer.delete_by_term("key", key)
            for doc in docs:
                writer.update_document(**doc)
        except BaseException:
            writer.cancel()
            raise
        writer.commit()

    def _unchanged_filtered(self, docs: list[dict], delete_keys: list[str]) -> tuple[list[dict], list[str]]:
        """Drop documents already indexed with the same digest and deletions of keys not in the index.
        Wagtail saves a page several times per publish (revision, publish, …); most saves change nothing here."""
        searcher = self.searcher()
        kept = []
        for doc in docs:
            stored = searcher.document(key=doc["key"])
            if stored is None or stored.get("digest") != doc["digest"]:
                kept.append(doc)
        return kept, [key for key in delete_keys if searcher.document_number(key=key) is not None]

    def write(self, docs: list[dict] = (), delete_keys: Iterable[str] = ()) -> None:
        """Add or replace ``docs`` (by ``key``) and delete ``delete_keys`` in the live index — and in the index
        being rebuilt, if a rebuild is running — in one commit each."""
        docs = [{**doc, "digest": document_digest(doc)} for doc in docs]
        delete_keys = list(delete_keys)
        if self.rebuilding_name() is None:
            # Also creates the index on first use, and refuses an index of another schema version.
            docs, delete_keys = self._unchanged_filtered(docs, delete_keys)
        if not docs and not delete_keys:
            return
        with self._control(exclusive=False):
            targets = [self._read_name("CURRENT"), self.rebuilding_name()]
            targets = [t for t in targets if t and t.startswith(f"v{SCHEMA_VERSION}i")]
            for name in dict.fromkeys(targets):
                self._write_one(name, docs, delete_keys)

    # --- rebuilding ------------------------------------------------------------------------------------------
    def start_rebuild(self) -> str:
        """Create an empty index beside the live one; live writes go to both until :meth:`finish_rebuild`."""
        name = self._new_name()
        with contextlib.suppress(IndexSchemaOutdated):
            self.current_name()  # make sure there is a live index for writes during the rebuild
        with self._control(exclusive=True):
            stale = self.rebuilding_name()
            self._create(name)
            self._write_name("REBUILDING", name)
        if stale:  # an interrupted earlier rebuild
            self._remove_files(stale)
        return name

    def write_rebuild(self, name: str, docs: list[dict]) -> None:
        if docs:
            self._write_one(name, [{**doc, "digest": document_digest(doc)} for doc in docs], ())

    def finish_rebuild(self, name: str, *, optimize: bool = False) -> None:
        """Switch the rebuilt index in (atomically) and delete the old one's files."""
        if optimize:
            ix = self._index(name)
            ix.optimize()
        with self._control(exclusive=True):
            old = self._read_name("CURRENT")
            self._write_name("CURRENT", name)
            with contextlib.suppress(FileNotFoundError):
                (self.path / "REBUILDING").unlink()
        if old and old != name:
            self._remove_files(old)

    def abort_rebuild(self, name: str) -> None:
        with self._control(exclusive=True):
            if self.rebuilding_name() == name:
                (self.path / "REBUILDING").unlink()
        self._remove_files(name)

    def reset(self) -> None:
        """Replace the live index with an empty one."""
        self.finish_rebuild(self.start_rebuild())

    def _remove_files(self, name: str) -> None:
        with self._lock:
            ix = self._indexes.pop(name, None)
        if ix is not None:
            ix.close()
        # Open searchers of other processes keep reading the unlinked files (POSIX); new ones use CURRENT.
        for entry in os.listdir(self.path):
            if entry.startswith((f"_{name}_", f"{name}_", f"{name}.")):
                path = self.path / entry
                with contextlib.suppress(OSError):
                    if path.is_dir():
                        for child in path.iterdir():
                            child.unlink()
                        path.rmdir()
                    else:
                        path.unlink()


_stores: dict[tuple[str, float, int], IndexStore] = {}
_stores_lock = threading.Lock()


def get_store(path: str | os.PathLike, *, write_timeout: float = 10.0, cache_size: int = 256) -> IndexStore:
    key = (str(Path(path).resolve()), write_timeout, cache_size)
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = IndexStore(path, write_timeout=write_timeout, cache_size=cache_size)
        return store
