"""Consultation export benchmark: one consultation with N comments, then time every export.

    .venv/bin/python bench/consultations_export.py [--comments 5000] [--duplicates 300] [--runs 1] [--out DIR]

Builds the data in a throwaway test database (SQLite in memory by default; a `test_…` database on PostgreSQL
when DATABASE_URL is set), with bulk_create for speed: 40 associations and 120 firms commenting, one published
response per comment that leads a group, a few hundred duplicates, some withdrawn and hidden comments. Then it
times export_outcome (xlsx, docx, csv) and export_comments_xlsx and prints seconds (wall clock and CPU, the
second is steadier on a busy machine), file sizes and the number of database queries (which must not grow with
the number of comments). ``--out`` keeps the files for a look.
"""

import argparse
import os
import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from associations.models import Association, Firm, Sector  # noqa: E402
from consultations.exports import export_comments_xlsx, export_outcome  # noqa: E402
from consultations.models import (  # noqa: E402
    Article,
    Channel,
    Comment,
    Consultation,
    DraftVersion,
    Kind,
    Response,
    Result,
)

PROBLEMS = [
    "<p>第{n}条规定的收运时间过于集中，建议结合餐饮单位营业时间分时段收运，避免早晚高峰集中作业影响交通。</p>",
    "<p>“密闭化运输车辆”的标准不明确，建议明确参照的国家或行业标准，并给出过渡期安排。</p><p>现有车辆改造成本较高。</p>",
    "<p>在线监控设备的数据接入要求未作规定，建议明确接入平台、数据格式和保存期限，避免重复建设。</p>",
    "<p>罚款幅度与违法情节不相适应，建议区分首次违法与多次违法，体现过罚相当原则。</p>",
]
REASONS = ["<p>依据《城市市容和环境卫生管理条例》第{n}条及本市实施办法，结合会员单位调研情况。</p>", ""]
SUGGESTIONS = ["<p>修改为：“收运单位应当按照与产生单位约定的时间收运，每日不少于一次。”</p>", ""]
ANSWERS = [
    (Result.ADOPTED, ""), (Result.PARTLY, "已对收运时间作出弹性规定，车辆标准由实施细则明确。"),
    (Result.NOT_ADOPTED, "上位法已有明确规定，本办法不再重复。"), (Result.ALREADY, "第十二条已有规定。"),
    (Result.OUT_OF_SCOPE, "该意见涉及的事项由其他部门规章调整。"),
]


def build(n_comments: int, n_duplicates: int, seed: int = 1) -> Consultation:
    rnd = random.Random(seed)
    now = timezone.now()
    associations = Association.objects.bulk_create(
        Association(name=f"成都市基准测试行业协会{i}", short_name=f"基准协会{i}", uscc=f"515101000000{i:05d}X"[:18],
                    sector=Sector.LIGHTING) for i in range(40))
    firms = Firm.objects.bulk_create(
        Firm(name=f"成都基准环境服务有限公司{i}", uscc=f"915101000000{i:05d}Y"[:18]) for i in range(120))
    consultation = Consultation.objects.create(
        title="成都市餐厨垃圾管理办法（征求意见稿）", kind=Kind.STANDARD, department="市城管委环卫处",
        starts_at=now - timedelta(days=40), ends_at=now - timedelta(days=10), year=now.year, sequence=1,
        published_at=now - timedelta(days=41), outcome_published_at=now - timedelta(days=1),
        outcome_note="<p>本次共收到意见若干条，已逐条研究。</p><p>采纳情况如下。</p>", comment_counter=n_comments)
    consultation.invited_associations.set(associations)
    version = DraftVersion.objects.create(consultation=consultation, number=1, title=consultation.title,
                                          published_at=consultation.published_at)
    articles = Article.objects.bulk_create(
        Article(version=version, key=f"k{i}", position=i, kind=Article.NodeKind.ARTICLE, label=f"第{i + 1}条",
                text=f"第{i + 1}条的条文内容，规定收运单位和产生单位的义务。" * 3) for i in range(60))

    comments = []
    for i in range(1, n_comments + 1):
        article = rnd.choice(articles) if rnd.random() < 0.85 else None
        as_firm = rnd.random() < 0.3
        association, firm = (None, rnd.choice(firms)) if as_firm else (rnd.choice(associations), None)
        offline = rnd.random() < 0.05
        withdrawn = rnd.random() < 0.01
        comments.append(Comment(
            consultation=consultation, version=version, article=article,
            quoted_label=article.label if article else "", quoted_text=article.text if article else "",
            author_kind=Comment.AuthorKind.FIRM if as_firm else Comment.AuthorKind.ASSOCIATION,
            association=association, firm=firm, author_name=(firm or association).name,
            problem=rnd.choice(PROBLEMS).format(n=i), reason=rnd.choice(REASONS).format(n=i),
            suggestion=rnd.choice(SUGGESTIONS), channel=Channel.LETTER if offline else Channel.ONLINE,
            received_on=(now - timedelta(days=20)).date(), sequence=i,
            receipt_number=f"{consultation.number}-{i:04d}", fingerprint="0" * 64,
            submitted_at=now - timedelta(days=20, minutes=i), is_late=rnd.random() < 0.02,
            status=Comment.Status.WITHDRAWN if withdrawn else Comment.Status.SUBMITTED,
            withdrawn_at=now - timedelta(days=15) if withdrawn else None,
            hidden_at=now - timedelta(days=12) if rnd.random() < 0.005 else None,
        ))
    comments = Comment.objects.bulk_create(comments, batch_size=1000)
    for c in comments:
        if c.hidden_at:
            c.hidden_reason = "含有个人信息"
    Comment.objects.bulk_update([c for c in comments if c.hidden_at], ["hidden_reason"])

    submitted = [c for c in comments if c.status == Comment.Status.SUBMITTED]
    duplicates = rnd.sample(submitted[50:], min(n_duplicates, max(0, len(submitted) - 50)))
    duplicate_ids = {c.pk for c in duplicates}
    leaders = [c for c in submitted if c.pk not in duplicate_ids]
    for dup in duplicates:
        dup.duplicate_of = rnd.choice([c for c in leaders[:50] if c.sequence < dup.sequence] or leaders[:1])
    Comment.objects.bulk_update(duplicates, ["duplicate_of"], batch_size=1000)

    through = Comment.consulted_firms.through
    through.objects.bulk_create(
        through(comment_id=c.pk, firm_id=f.pk) for c in submitted if c.association_id and rnd.random() < 0.2
        for f in rnd.sample(firms, 3))

    responses = []
    for c in leaders:
        result, reason = rnd.choice(ANSWERS)
        responses.append(Response(comment=c, result=result, reason=reason, answered_at=now - timedelta(days=5),
                                  published_at=now - timedelta(days=1),
                                  new_article=rnd.choice(articles) if result == Result.PARTLY else None))
    Response.objects.bulk_create(responses, batch_size=1000)
    return consultation


def measure(label: str, fn, runs: int, out: Path | None, filename: str):
    timings, cpu = [], []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started, started_cpu = time.perf_counter(), time.process_time()
            content = fn()
            timings.append(time.perf_counter() - started)
            cpu.append(time.process_time() - started_cpu)
    if out is not None:
        (out / filename).write_bytes(content)
    print(f"{label:<24} {min(timings):7.2f} s {min(cpu):7.2f} s CPU {len(content) / 1024:8.0f} KiB"
          f" {len(queries):4d} queries")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--comments", type=int, default=5000)
    parser.add_argument("--duplicates", type=int, default=300)
    parser.add_argument("--runs", type=int, default=1, help="repeat each export and keep the fastest time")
    parser.add_argument("--out", help="directory to keep the exported files in")
    args = parser.parse_args()
    out = Path(args.out) if args.out else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        started = time.perf_counter()
        consultation = build(args.comments, args.duplicates)
        print(f"built {args.comments} comments ({args.duplicates} duplicates) on {connection.vendor} "
              f"in {time.perf_counter() - started:.1f} s")
        for fmt in ("xlsx", "docx", "csv"):
            measure(f"export_outcome {fmt}", lambda fmt=fmt: export_outcome(consultation, fmt)[0], args.runs, out,
                    f"outcome.{fmt}")
        measure("export_comments_xlsx", lambda: export_comments_xlsx(consultation, published_only=False),
                args.runs, out, "comments.xlsx")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
