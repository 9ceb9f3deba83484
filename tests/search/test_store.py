"""The index directory: versioned index names, rebuild switch-over, lock timeouts."""

import os

import pytest

from search.store import IndexSchemaOutdated, IndexStore, IndexWriteTimeout


def doc(key, text="城市照明"):
    return {"key": key, "pk": key.rsplit(":", 1)[-1], "models": "test.item", "content": text, "title": "",
            "head": "", "auto": "", "docnum": "", "fresh": 0}


def test_an_index_of_another_schema_version_is_refused_until_rebuilt(tmp_path):
    store = IndexStore(tmp_path)
    store.write([doc("t:1")])
    (tmp_path / "CURRENT").write_text("v0i123abc", encoding="ascii")
    fresh = IndexStore(tmp_path)
    with pytest.raises(IndexSchemaOutdated, match="update_index"):
        fresh.searcher()
    name = fresh.start_rebuild()
    fresh.write_rebuild(name, [doc("t:2")])
    fresh.finish_rebuild(name)
    assert fresh.doc_count() == 1


def test_finishing_a_rebuild_removes_the_old_index_files(tmp_path):
    store = IndexStore(tmp_path)
    store.write([doc("t:1")])
    old = store.current_name()
    name = store.start_rebuild()
    store.write([doc("t:2")])  # goes to both
    store.finish_rebuild(name)
    assert store.current_name() == name
    assert not [f for f in os.listdir(tmp_path) if old in f]
    assert not (tmp_path / "REBUILDING").exists()
    assert store.doc_count() == 1  # only what was written after the rebuild started


def test_an_interrupted_rebuild_is_cleaned_up_by_the_next(tmp_path):
    store = IndexStore(tmp_path)
    store.write([doc("t:1")])
    stale = store.start_rebuild()
    name = store.start_rebuild()
    assert not [f for f in os.listdir(tmp_path) if stale in f]
    store.finish_rebuild(name)


def test_a_write_gives_up_after_the_timeout_when_another_writer_holds_the_lock(tmp_path):
    store = IndexStore(tmp_path, write_timeout=0.2)
    store.write([doc("t:1")])
    holder = store._index(store.current_name()).writer()
    try:
        with pytest.raises(IndexWriteTimeout):
            store.write([doc("t:2")])
    finally:
        holder.cancel()
    store.write([doc("t:2")])
    assert store.doc_count() == 2


def test_unchanged_documents_and_unknown_deletes_are_not_written(tmp_path):
    store = IndexStore(tmp_path)
    store.write([doc("t:1")])
    generation = store.searcher().reader().generation()
    store.write([doc("t:1")], ["t:404"])
    assert store.searcher().reader().generation() == generation
    store.write([doc("t:1", "城市道路")])
    assert store.searcher().reader().generation() > generation


def test_the_result_cache_lives_until_the_next_commit(tmp_path):
    store = IndexStore(tmp_path)
    store.write([doc("t:1")])
    calls = []

    def compute():
        calls.append(1)
        return ["1"]

    assert store.cached(store.searcher(), "k", compute) == ["1"]
    assert store.cached(store.searcher(), "k", compute) == ["1"]
    assert len(calls) == 1
    IndexStore(tmp_path).write([doc("t:2")])  # another process's commit
    store.cached(store.searcher(), "k", compute)
    assert len(calls) == 2
    assert IndexStore(tmp_path, cache_size=0).cached(store.searcher(), "k", compute) and len(calls) == 3
