"""Backup and restore of the whole portal: database, MEDIA_ROOT, PRIVATE_MEDIA_ROOT and the Whoosh index.

One archive, ``backup-YYYYMMDD-HHMMSS.tar.gz``::

    manifest.json        date, engine, Django/Wagtail versions, row counts per model, SHA-256 of every file
    database.sqlite3     SQLite: a consistent copy made with sqlite3's online backup API
    database.dump        PostgreSQL: ``pg_dump --format=custom``
    media/…              MEDIA_ROOT (public: Wagtail images and documents)
    private/…            PRIVATE_MEDIA_ROOT (evidence, application documents, award entries, comment attachments)
    search_index/…       the Whoosh index directory, when the default search backend is Whoosh

``restore`` checks every file against the manifest before it touches anything, refuses to overwrite a database
that already has tables unless forced, then puts the database, media, private files and index back and compares the
row counts. (An archive made before PRIVATE_MEDIA_ROOT existed holds private files under media/: restore moves them
over.)
Errors are ``BackupError`` with a translated message (the management commands turn them into CommandError).
"""

import glob
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

import django
import wagtail
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone
from django.utils.translation import gettext as _

from .files import move_into_private_storage, private_fields

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
MEDIA_DIR = "media"
PRIVATE_DIR = "private"
INDEX_DIR = "search_index"
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is meant for the operator."""


# --- helpers ------------------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _engine(alias="default") -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(_("Unsupported database engine: %(engine)s.") % {"engine": vendor})
    return vendor


def index_path() -> Path | None:
    """The Whoosh index directory of the default search backend, or None for another backend."""
    backend = getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).get("default", {})
    if "whoosh" not in str(backend.get("BACKEND", "")).lower() or not backend.get("PATH"):
        return None
    return Path(backend["PATH"])


def _counted_models():
    return [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]


def row_counts(alias="default") -> dict[str, int]:
    """Rows per model (auto-created many-to-many tables included); -1 for a model whose table is missing."""
    tables = set(connections[alias].introspection.table_names())
    return {
        m._meta.label: m._default_manager.using(alias).count() if m._meta.db_table in tables else -1
        for m in sorted(_counted_models(), key=lambda m: m._meta.label)
    }


def sqlite_row_counts(path: str) -> dict[str, int]:
    """Row counts read from a SQLite file (the copy in a backup, so that they match it exactly)."""
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {
            m._meta.label: db.execute(f'SELECT COUNT(*) FROM "{m._meta.db_table}"').fetchone()[0]  # noqa: S608
            if m._meta.db_table in tables else -1
            for m in sorted(_counted_models(), key=lambda m: m._meta.label)
        }
    finally:
        db.close()


def database_has_tables(alias="default") -> bool:
    return bool(connections[alias].introspection.table_names())


def find_pg_binary(name: str) -> str:
    """pg_dump/pg_restore: $PG_BINDIR, then PATH, then pg_config --bindir, then the newest /usr/lib/postgresql."""
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    if shutil.which(name):
        candidates.append(Path(shutil.which(name)))
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)  # noqa: S603
        candidates.append(Path(out.stdout.strip()) / name)

    def version(bindir):
        name = Path(bindir).parent.name
        return int(name) if name.isdigit() else 0

    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    candidates += [Path(d) / name for d in versions]
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise BackupError(_("%(name)s was not found. Install the PostgreSQL client tools or set PG_BINDIR.")
                      % {"name": name})


def _pg_args(alias="default") -> tuple[list[str], dict]:
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = dict(os.environ)
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return args + ["--dbname", str(conf["NAME"])], env


def _run(cmd: list[str], env: dict) -> None:
    # The executable is a resolved path to pg_dump/pg_restore; the arguments come from settings.
    result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(_("%(cmd)s failed: %(error)s") % {"cmd": Path(cmd[0]).name,
                                                          "error": result.stderr.strip()[-2000:]})


def _sqlite_name(alias="default") -> str:
    name = str(connections[alias].settings_dict["NAME"])
    if name == ":memory:" or name.startswith("file::memory:"):
        raise BackupError(_("An in-memory SQLite database cannot be backed up or restored."))
    return name


def _sqlite_copy(source: str, target: str) -> None:
    """Copy one SQLite database into another with the online backup API (consistent while in use)."""
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()


def _add_tree(tar: tarfile.TarFile, root: Path, arcroot: str, hashes: dict) -> int:
    count = 0
    if not root.is_dir():
        return 0
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink()):
        arcname = f"{arcroot}/{path.relative_to(root).as_posix()}"
        hashes[arcname] = _sha256(path)
        tar.add(path, arcname=arcname, recursive=False)
        count += 1
    return count


# --- backup -------------------------------------------------------------------------------------------


def create_backup(output_dir, alias="default") -> tuple[Path, dict]:
    """Write one archive into ``output_dir``; return its path and the manifest."""
    engine = _engine(alias)
    output_dir = Path(output_dir)
    output_dir.mkdir(parents=True, exist_ok=True)
    now = timezone.localtime()
    archive = output_dir / f"backup-{now:%Y%m%d-%H%M%S}.tar.gz"
    n = 1
    while archive.exists():
        archive = output_dir / f"backup-{now:%Y%m%d-%H%M%S}-{n}.tar.gz"
        n += 1
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as tmp:
        if engine == "sqlite":
            db_file = Path(tmp) / SQLITE_FILE
            _sqlite_copy(_sqlite_name(alias), str(db_file))
        else:
            db_file = Path(tmp) / PG_FILE
            args, env = _pg_args(alias)
            _run([find_pg_binary("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  "--file", str(db_file), *args], env)
        hashes = {db_file.name: _sha256(db_file)}
        partial = archive.with_name(archive.name + ".part")
        try:
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(db_file, arcname=db_file.name)
                media_files = _add_tree(tar, Path(settings.MEDIA_ROOT), MEDIA_DIR, hashes)
                private_files = _add_tree(tar, Path(settings.PRIVATE_MEDIA_ROOT), PRIVATE_DIR, hashes)
                index = index_path()
                index_files = _add_tree(tar, index, INDEX_DIR, hashes) if index else 0
                manifest = {
                    "format": FORMAT_VERSION, "date": now.isoformat(), "engine": engine,
                    "django": django.get_version(), "wagtail": wagtail.__version__,
                    "database_file": db_file.name, "media_files": media_files,
                    "private_files": private_files, "index_files": index_files,
                    "has_index": index is not None, "files": hashes,
                    # SQLite: counted in the copy itself; PostgreSQL: counted right after pg_dump.
                    "row_counts": sqlite_row_counts(str(db_file)) if engine == "sqlite" else row_counts(alias),
                }
                data = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode()
                manifest_file = Path(tmp) / MANIFEST
                manifest_file.write_bytes(data)
                tar.add(manifest_file, arcname=MANIFEST)
            partial.rename(archive)
        finally:
            partial.unlink(missing_ok=True)
    return archive, manifest


# --- restore ------------------------------------------------------------------------------------------


def _extract(archive: Path, target: Path) -> dict:
    """Unpack and check the archive against its manifest. Nothing outside ``target`` is written."""
    if not archive.is_file():
        raise BackupError(_("Backup archive not found: %(path)s") % {"path": archive})
    try:
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(target, filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError(_("The backup archive is damaged or not a backup: %(error)s") % {"error": exc}) from exc
    try:
        manifest = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        files, counts = manifest["files"], manifest["row_counts"]
        database_file = manifest["database_file"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BackupError(_("The backup archive has no valid manifest.json.")) from exc
    if database_file not in files:
        raise BackupError(_("The backup archive has no database file."))
    for name, digest in files.items():
        path = target / name
        if not path.is_file() or _sha256(path) != digest:
            raise BackupError(_("The file %(name)s in the backup archive is missing or damaged.") % {"name": name})
    if not isinstance(counts, dict):
        raise BackupError(_("The backup archive has no valid manifest.json."))
    return manifest


def _replace_tree(source: Path, target: Path) -> None:
    if target.exists():
        shutil.rmtree(target)
    if source.is_dir():
        shutil.copytree(source, target)
    else:
        target.mkdir(parents=True, exist_ok=True)


def restore_backup(archive, *, force: bool = False, alias="default") -> dict:
    """Restore database, media, private files and index from ``archive``; return a summary. Row counts are checked
    after."""
    engine = _engine(alias)
    with tempfile.TemporaryDirectory(prefix="portal-restore-") as tmp:
        tmp = Path(tmp)
        manifest = _extract(Path(archive), tmp)
        if manifest.get("engine") != engine:
            raise BackupError(_("This backup was made on %(made)s and cannot be restored into %(current)s.")
                              % {"made": manifest.get("engine"), "current": engine})
        if database_has_tables(alias) and not force:
            raise BackupError(_("The database is not empty. Restoring would overwrite it; run again with --force "
                                "to do so."))
        connection = connections[alias]
        if engine == "sqlite":
            name = _sqlite_name(alias)
            connection.close()
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            _sqlite_copy(str(tmp / SQLITE_FILE), name)
        else:
            connection.close()
            args, env = _pg_args(alias)
            _run([find_pg_binary("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
                  "--single-transaction", *args, str(tmp / PG_FILE)], env)
        connection.close()
        _replace_tree(tmp / MEDIA_DIR, Path(settings.MEDIA_ROOT))
        _replace_tree(tmp / PRIVATE_DIR, Path(settings.PRIVATE_MEDIA_ROOT))
        if "private_files" not in manifest:  # an older archive: its private files came back into MEDIA_ROOT
            move_into_private_storage(*private_fields())(apps, None)
        index = index_path()
        if index and manifest.get("has_index"):
            _replace_tree(tmp / INDEX_DIR, index)
    counts = row_counts(alias)
    expected = manifest["row_counts"]
    mismatches = {label: (n, counts.get(label)) for label, n in expected.items() if counts.get(label) != n}
    if mismatches:
        detail = "; ".join(f"{label}: {want} → {got}" for label, (want, got) in sorted(mismatches.items()))
        raise BackupError(_("Restored, but the row counts differ from the backup: %(detail)s") % {"detail": detail})
    return {"date": manifest.get("date"), "engine": engine, "models": len(expected),
            "rows": sum(n for n in expected.values() if n > 0), "media_files": manifest.get("media_files", 0),
            "private_files": manifest.get("private_files", 0),
            "index_files": manifest.get("index_files", 0)}
