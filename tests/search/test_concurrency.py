"""Several processes writing to one index directory at once (gunicorn workers) leave a healthy, complete index."""

import subprocess
import sys
import textwrap
from pathlib import Path

from whoosh import query as wq

from search.store import IndexStore

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from search.store import IndexStore

    path, prefix, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    store = IndexStore(path, write_timeout=60)
    for i in range(count):
        key = f"{prefix}:{i}"
        store.write([{
            "key": key, "pk": str(i), "models": f"test.{prefix}",
            "content": f"{prefix}进程写入的第{i}号文档\\n城市照明设施维护",
            "title": f"{prefix}文档{i}", "head": "", "auto": "", "docnum": "", "fresh": i,
        }])
        if i % 5 == 4:  # deletes interleave with adds
            store.write(delete_keys=[f"{prefix}:{i - 1}"])
    """
)


def _spawn(path, prefix, count):
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), prefix, str(count)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    path = tmp_path / "index"
    IndexStore(path).current_name()  # created up front, as a deployment's update_index would
    count = 30
    procs = [_spawn(path, "alpha", count), _spawn(path, "beta", count)]
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err

    store = IndexStore(path)
    searcher = store.searcher()
    deleted = {i - 1 for i in range(count) if i % 5 == 4}
    expected = {f"{p}:{i}" for p in ("alpha", "beta") for i in range(count) if i not in deleted}
    stored = {fields["key"] for fields in searcher.all_stored_fields()}
    assert stored == expected
    assert searcher.doc_count() == len(expected)
    assert len(searcher.search(wq.Term("content", "照明"), limit=None)) == len(expected)
    assert len(searcher.search(wq.Term("models", "test.beta"), limit=None)) == count - len(deleted)


def test_both_processes_create_the_index_at_once(tmp_path):
    path = tmp_path / "fresh"
    procs = [_spawn(path, "alpha", 3), _spawn(path, "beta", 3)]
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert IndexStore(path).doc_count() == 6
