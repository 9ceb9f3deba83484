"""Backup → restore into an empty database → the same rows, fingerprints, media files and index.

The commands run in subprocesses against a file database (pytest's own SQLite database is in memory), with the
demo data set, so the round trip covers every app, private media and the Whoosh index.
"""

import hashlib
import json
import os
import subprocess
import sys
import textwrap
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
FACTS = textwrap.dedent("""
    import json
    from consultations.models import Comment
    from core.backup import row_counts
    print(json.dumps({"rows": row_counts(),
                      "fingerprints": dict(Comment.objects.values_list("receipt_number", "fingerprint"))}))
""")


def _tree(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


class Site:
    """One portal installation: a database URL, a media directory, a private files directory and an index directory."""

    def __init__(self, tmp: Path, name: str, database_url: str):
        self.media, self.private, self.index = tmp / f"{name}-media", tmp / f"{name}-private", tmp / f"{name}-index"
        (tmp / "backup_test_settings.py").write_text(textwrap.dedent("""
            import os
            from portal.settings.test import *  # noqa: F403
            MEDIA_ROOT = os.environ["BACKUP_TEST_MEDIA"]
            PRIVATE_MEDIA_ROOT = os.environ["BACKUP_TEST_PRIVATE"]
            WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends.whoosh",
                                                  "PATH": os.environ["BACKUP_TEST_INDEX"]}}
        """))
        self.env = {**os.environ, "PYTHONPATH": f"{tmp}{os.pathsep}{ROOT}",
                    "DJANGO_SETTINGS_MODULE": "backup_test_settings", "DATABASE_URL": database_url,
                    "BACKUP_TEST_MEDIA": str(self.media), "BACKUP_TEST_PRIVATE": str(self.private),
                    "BACKUP_TEST_INDEX": str(self.index)}

    def run(self, *args, check=True) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=600, check=False)
        if check:
            assert result.returncode == 0, result.stderr[-3000:]
        return result

    def facts(self) -> dict:
        return json.loads(self.run("shell", "-v", "0", "-c", FACTS).stdout.strip().splitlines()[-1])


def _round_trip(tmp_path: Path, source: Site, target: Site):
    source.run("migrate", "--noinput", "-v", "0")
    source.run("seed_demo")
    for path in (source.media / "public.bin", source.private / "credit" / "evidence.bin"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(os.urandom(4096))
    before = source.facts()
    assert before["rows"]["consultations.Comment"] > 0 and before["fingerprints"]
    assert before["rows"]["core.AuditEntry"] > 0 and before["rows"]["credit.Rating"] > 0

    out = tmp_path / "backups"
    source.run("backup", "--output", str(out))
    [archive] = list(out.glob("backup-*.tar.gz"))
    assert archive.name[len("backup-"):-len(".tar.gz")].replace("-", "").isdigit()

    restored = target.run("restore", str(archive))
    assert restored.returncode == 0 and ("一致" in restored.stdout or "match" in restored.stdout)
    after = target.facts()
    assert after["rows"] == before["rows"]
    assert after["fingerprints"] == before["fingerprints"]
    assert _tree(target.media) == _tree(source.media) and "public.bin" in _tree(target.media)
    assert _tree(target.private) == _tree(source.private) and "credit/evidence.bin" in _tree(target.private)
    assert not set(_tree(target.private)) & set(_tree(target.media))
    assert _tree(target.index) == _tree(source.index) and _tree(target.index)
    target.run("verify_fingerprints")

    refused = target.run("restore", str(archive), check=False)
    assert refused.returncode != 0 and "--force" in refused.stderr and "Traceback" not in refused.stderr
    target.run("restore", str(archive), "--force")
    return archive


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
                    reason="the SQLite round trip runs in the SQLite suite")
def test_sqlite_backup_restores_into_an_empty_database_with_the_same_rows_fingerprints_and_files(tmp_path):
    source = Site(tmp_path, "source", f"sqlite:///{tmp_path / 'source.sqlite3'}")
    target = Site(tmp_path, "target", f"sqlite:///{tmp_path / 'target.sqlite3'}")
    archive = _round_trip(tmp_path, source, target)

    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    empty = Site(tmp_path, "empty", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    for path in (damaged, tmp_path / "missing.tar.gz"):
        result = empty.run("restore", str(path), check=False)
        assert result.returncode != 0 and "CommandError" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
                    reason="run by make test under scripts/with-postgres.sh")
def test_postgres_backup_restores_into_an_empty_database_with_the_same_rows_fingerprints_and_files(tmp_path):
    import psycopg

    base = urllib.parse.urlsplit(os.environ["DATABASE_URL"])
    conf = settings.DATABASES["default"]
    names = ["backup_test_source", "backup_test_target"]
    with psycopg.connect(dbname="postgres", host=conf.get("HOST") or None, port=conf.get("PORT") or None,
                         user=conf.get("USER") or None, password=conf.get("PASSWORD") or None,
                         autocommit=True) as admin:
        for name in names:
            admin.execute(f"DROP DATABASE IF EXISTS {name}")
            admin.execute(f"CREATE DATABASE {name}")
    try:
        source, target = (Site(tmp_path, name, urllib.parse.urlunsplit(base._replace(path=f"/{name}")))
                          for name in names)
        _round_trip(tmp_path, source, target)
    finally:
        with psycopg.connect(dbname="postgres", host=conf.get("HOST") or None, port=conf.get("PORT") or None,
                             user=conf.get("USER") or None, password=conf.get("PASSWORD") or None,
                             autocommit=True) as admin:
            for name in names:
                admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
