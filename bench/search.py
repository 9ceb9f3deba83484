"""Whoosh search benchmark: index N generated Chinese documents, then time a fixed query mix.

    .venv/bin/python bench/search.py --docs 20000 [--dir var/bench_index] [--keep]     (make bench-search DOCS=20000)

Measures the index layer the site uses (search.store + the backend's query compiler), without the database:
indexing documents/s, index size, and per-query p50/p95 for
  * "top10"        search, top 10 hits with freshness tie-break (what a results page needs), and
  * "top10+count"  the same plus the exact total (an unfiltered queryset), and
  * "top10+pks"    the same plus every matching pk (what a filtered queryset — live(), public() — sends to the
                   database as one array parameter for the count).
The database's share (one `pk IN (array)` count) is not included; it is small next to Whoosh's at these sizes.

Then a steady-state run: a stream of --stream requests drawn Zipf(1.0) from a query vocabulary whose head is the
fixed mix above (common words most popular) and whose tail is ~1,000 generated specific queries; each request does
what a results page does (compile, top hits + every matching pk) through the backend's per-process result cache
(search.store.IndexStore.cached), and every --commit-every requests one document is rewritten and committed, which
empties the cache as in production. The same stream is also timed with the cache off.
The corpus has very common words in most documents (管理, 城市, 工作), a Zipf-distributed long tail of specific
terms, names and 文号, like ../shared/reference/search-scale.md.
"""

import argparse
import os
import random
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from modelsearch.query import PlainText  # noqa: E402

from portal.policies.models import PolicyPage  # noqa: E402
from search import docsets  # noqa: E402
from search.analysis import docnum_terms, normalize  # noqa: E402
from search.backends.whoosh import (  # noqa: E402
    WhooshSearchQueryCompiler,
    matched_bits,
    matching_pks,
    ranked_hits,
)
from search.store import IndexStore  # noqa: E402

COMMON = ["管理", "城市", "工作", "加强", "规定", "部门", "落实", "推进", "开展", "单位"]
SPECIFIC = [
    "餐厨垃圾", "窨井盖", "二次供水", "户外广告招牌", "渣土运输", "智慧灯杆", "第三卫生间", "桥梁健康监测", "首违不罚",
    "一网统管", "道路照明", "环境卫生", "垃圾分类", "建筑垃圾", "再生资源", "机动车清洗", "园林绿化", "占道经营",
    "违法建设", "油烟污染", "噪声扰民", "共享单车", "电子围栏", "城市家具", "易涝积水点", "绿道", "公厕", "泵站",
    "架空线缆", "背街小巷", "门前三包", "夜间经济", "外摆位", "养犬", "飞灰", "扬尘", "路灯电缆", "燃气管道",
]
OBJECTS = ["道路", "井盖", "路灯", "桥梁", "隧道", "泵站", "广告", "招牌", "公厕", "绿地", "河道", "管网", "灯杆",
           "护栏"]
ACTIONS = ["巡查", "维修", "清淤", "检测", "更换", "整治", "养护", "改造", "清洗", "拆除", "审批", "考核"]
LATIN = ["LED", "5G", "PM2.5", "GIS", "BIM", "NB-IoT", "4K", "AI"]
DISTRICTS = ["锦江区", "青羊区", "金牛区", "武侯区", "成华区", "龙泉驿区", "新都区", "温江区", "双流区", "郫都区"]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何罗高林谭鲁"
ORGS = ["成城管发", "成城管函", "成城管规", "成办发", "川建城管发"]
SENTENCES = [
    "为{c1}{t1}{c2}，根据有关法律法规，结合本市实际，制定本办法。",
    "各区（市）县{c1}部门应当{c2}{t1}，{c3}责任分工。",
    "{d}共检查{t2}点位{n}处，发现问题{m}个，已{a}{k}个。",
    "对{o}{a}不到位的，由{c1}部门责令限期改正，处{n}元以上{m}元以下罚款。",
    "推广{l}技术在{t1}中的应用，提升{c1}{c2}水平。",
    "联系人：{name}，联系电话：028-{tel}。",
    "根据{org}〔{year}〕{seq}号文件要求，{c2}{t2}{c3}工作。",
    "本办法自{year}年{mon}月1日起施行。",
    "{d}{c1}{t1}工作取得阶段性成效，{o}{a}完成率达到{p}%。",
    "市民可通过12345热线反映{t2}问题。",
]


def zipf_pick(rnd, items, s=1.1):
    weights = [1 / (i + 1) ** s for i in range(len(items))]
    return rnd.choices(items, weights)[0]


def generate(n, seed=1):
    rnd = random.Random(seed)
    tail = SPECIFIC + [o + a for o in OBJECTS for a in ACTIONS]
    rnd.shuffle(tail)
    for i in range(n):
        topics = [zipf_pick(rnd, tail) for _ in range(rnd.randint(1, 3))]

        def fill(t, rnd=rnd, topics=topics):
            return t.format(
                c1=rnd.choice(COMMON), c2=rnd.choice(COMMON), c3=rnd.choice(COMMON),
                t1=rnd.choice(topics), t2=rnd.choice(topics) if rnd.random() < 0.6 else zipf_pick(rnd, tail),
                d=rnd.choice(DISTRICTS), n=rnd.randint(10, 900), m=rnd.randint(5, 300), k=rnd.randint(1, 200),
                o=rnd.choice(OBJECTS), a=rnd.choice(ACTIONS), l=rnd.choice(LATIN), p=rnd.randint(50, 99),
                name=rnd.choice(SURNAMES) + rnd.choice("建国红梅伟洋静帆磊敏杰芳丽强") + rnd.choice("明华军平"),
                tel=rnd.randint(60000000, 89999999), org=rnd.choice(ORGS), year=rnd.randint(2018, 2025),
                seq=rnd.randint(1, 120), mon=rnd.randint(1, 12),
            )

        title = rnd.choice([
            "关于加强{t}管理的通知", "成都市{t}管理办法", "关于开展{t}专项整治工作的通知", "{t}技术规范",
            "《成都市{t}管理细则（征求意见稿）》公开征求意见", "{d}{t}工作情况通报",
        ]).format(t=topics[0], d=rnd.choice(DISTRICTS))
        number = f"{rnd.choice(ORGS)}〔{rnd.randint(2018, 2025)}〕{rnd.randint(1, 120)}号"
        body = "".join(fill(rnd.choice(SENTENCES)) for _ in range(rnd.randint(4, 25)))
        yield {
            "key": f"bench.doc:{i}", "pk": str(i), "models": "portal.policypage wagtailcore.page",
            "content": "\n".join([title, number, body[:60], body]), "title": title,
            "head": "\n".join([number, body[:60]]), "auto": title,
            "docnum": " ".join(docnum_terms(normalize(number))), "fresh": 1_600_000_000 + i * 600,
        }


QUERIES = {
    "rare": ["第三卫生间", "桥梁健康监测", "首违不罚", "一网统管", "易涝积水点"],
    "mid": ["渣土运输", "窨井盖", "LED", "PM2.5", "绿道", "道路巡查"],
    "common": ["管理", "城市", "工作", "城市管理"],
    "2-term": ["窨井盖 维修", "餐厨垃圾 收运", "渣土运输 锦江区"],
    "3-term": ["城市 管理 规定", "道路 照明 维修"],
    "docnum": ["成城管发〔2024〕41号", "〔2024〕41号", "成城管发 2024", "成城管发"],
    "surname": ["谭", "鲁"],
}


def compiled(text, searcher=None):
    compiler = WhooshSearchQueryCompiler(PolicyPage.objects.none(), PlainText(text, operator="and"))
    return compiler.whoosh_query(searcher)


POPULARITY = ["common", "mid", "2-term", "docnum", "3-term", "rare", "surname"]  # head of the stream, in order


def query_stream(n, seed=7, s=1.0):
    """n query texts, Zipf(s) over [fixed mix (common words first)] + ~1,000 generated tail queries."""
    rnd = random.Random(seed)
    head = [q for cls in POPULARITY for q in QUERIES[cls]]
    tail = SPECIFIC + [o + a for o in OBJECTS for a in ACTIONS]
    tail += [f"{d} {t}" for d in DISTRICTS for t in SPECIFIC[:20]]
    tail += [f"{t} {a}" for t in SPECIFIC for a in ACTIONS[:8]]
    tail += [f"{o} {c}" for o in OBJECTS for c in COMMON[:6]]
    tail += [f"{org}〔{y}〕{n}号" for org in ORGS[:2] for y in (2022, 2023, 2024) for n in range(1, 30)]
    rnd.shuffle(tail)
    vocab = list(dict.fromkeys(head + tail))
    weights = [1 / (i + 1) ** s for i in range(len(vocab))]
    return rnd.choices(vocab, weights, k=n), len(vocab)


def percentile(values, pct):
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(pct / 100 * len(values)) - 1))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=20000)
    parser.add_argument("--dir", default=str(ROOT / "var" / "bench_index"))
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="reuse an existing index of the same size")
    parser.add_argument("--stream", type=int, default=2000, help="requests in the steady-state stream (0: skip)")
    parser.add_argument("--commit-every", type=int, default=100, help="one index commit per N stream requests")
    parser.add_argument("--skip-classes", action="store_true", help="only the steady-state stream")
    parser.add_argument("--cached-only", action="store_true", help="time the stream with the result cache only")
    parser.add_argument("--bm25-limit", type=int, default=0,
                        help="BM25_RANKING_LIMIT: results up to this size are scored by Whoosh BM25F")
    args = parser.parse_args()

    path = Path(args.dir) / str(args.docs)
    store = IndexStore(path)
    if not (args.keep and (path / "CURRENT").exists()):
        shutil.rmtree(path, ignore_errors=True)
        started = time.perf_counter()
        name = store.start_rebuild()
        chunk = []
        for doc in generate(args.docs):
            chunk.append(doc)
            if len(chunk) == 1000:
                store.write_rebuild(name, chunk)
                chunk = []
                print(".", end="", flush=True)
        store.write_rebuild(name, chunk)
        store.finish_rebuild(name)
        elapsed = time.perf_counter() - started
        print(f"\nindexed {args.docs} documents in {elapsed:.0f} s: {args.docs / elapsed:.0f} docs/s")
    size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
    print(f"index size {size / 1e6:.1f} MB, {store.doc_count()} documents")

    searcher = store.searcher()
    limit = args.bm25_limit

    def top10(cq):
        return ranked_hits(searcher, cq, 50, limit)[0][:10]

    def matching(cq):
        return matching_pks(searcher, cq)

    def cold(fn):
        def run(cq):
            docsets.clear_caches(columns=False)
            return fn(cq)
        return run

    modes = {
        "top10": top10,
        "top10+count": lambda cq: (top10(cq), docsets.count(matched_bits(searcher, cq))),
        "top10+pks": lambda cq: (top10(cq), matching(cq)),
        "cold+pks": cold(lambda cq: (top10(cq), matching(cq))),
    }
    print(f"{'class':<10} {'mode':<12} {'p50 ms':>8} {'p95 ms':>8}   hits")
    all_samples = {mode: [] for mode in modes}
    for cls, texts in ({} if args.skip_classes else QUERIES).items():
        for mode, fn in modes.items():
            samples, hits = [], []
            for text in texts:
                q = compiled(text, searcher)
                fn(q)  # warm-up
                for _ in range(args.runs):
                    started = time.perf_counter()
                    fn(q)
                    samples.append((time.perf_counter() - started) * 1000)
                hits.append(len(matching(q)))
            all_samples[mode].extend(samples)
            print(f"{cls:<10} {mode:<12} {statistics.median(samples):8.1f} {percentile(samples, 95):8.1f}   {hits}")
    for mode, samples in all_samples.items():
        if samples:
            print(f"{'mix':<10} {mode:<12} {statistics.median(samples):8.1f} {percentile(samples, 95):8.1f}")
    if args.stream:
        caches = (True,) if args.cached_only else (True, False)
        steady_state(store, args.stream, args.commit_every, caches, limit)


def steady_state(store, n, commit_every, caches=(True, False), bm25_limit=0):
    """The Zipf stream through the result cache, with one index commit every ``commit_every`` requests."""
    texts, vocab = query_stream(n)
    rewrite = list(generate(50, seed=99))
    model = PolicyPage._meta.label_lower

    def request(text, cache, misses):
        searcher = store.searcher()
        cq = compiled(text, searcher)
        if cq is None:
            return

        def ranked():
            return ranked_hits(searcher, cq, 50, bm25_limit)

        def pks():
            return matching_pks(searcher, cq)

        if cache:
            def counted(fn):
                def compute():
                    misses.append(1)
                    return fn()
                return compute
            store.cached(searcher, ("ranked", repr(cq.ranked), model, 50), counted(ranked))
            store.cached(searcher, ("pks", repr(cq.match), model), counted(pks))
        else:
            ranked()
            pks()

    print(f"\nsteady state: {n} requests, Zipf(1.0) over {vocab} distinct queries "
          f"({len(set(texts))} distinct in the stream), one commit every {commit_every} requests")
    for cache in caches:
        saved = store.cache_size
        store.cache_size = saved if cache else 0
        samples, commit_ms, misses = [], [], []
        for i, text in enumerate(texts):
            if i and i % commit_every == 0:
                doc = dict(rewrite[(i // commit_every) % len(rewrite)])
                doc["key"], doc["pk"] = "bench.doc:0", "0"
                doc["fresh"] = 1_600_000_000 + i
                started = time.perf_counter()
                store.write([doc])
                commit_ms.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            request(text, cache, misses)
            samples.append((time.perf_counter() - started) * 1000)
        store.cache_size = saved
        label = "cache on" if cache else "cache off"
        print(f"stream {label:<10} p50 {statistics.median(samples):7.1f} ms  p95 {percentile(samples, 95):7.1f} ms  "
              f"p99 {percentile(samples, 99):7.1f} ms  mean {statistics.mean(samples):6.1f} ms  "
              f"(commit p50 {statistics.median(commit_ms):.0f} ms, excluded)"
              + (f"; cache hits {1 - len(misses) / (2 * n):.0%} of lookups" if cache else ""))


if __name__ == "__main__":
    main()
