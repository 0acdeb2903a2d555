"""Read socialpulse output the way analysts do: pandas, pyarrow, polars, duckdb.

Usage: python3 check_posts.py OUT_DIR EXPECTED_POSTS EXPECTED_REJECTS EXPECTED_PARTITIONS
Exits non-zero with a message on the first disagreement.
"""
import json
import sys
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.dataset as ds

out = Path(sys.argv[1])
want_posts, want_rejects, want_parts = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])


def check(cond, msg):
    if not cond:
        print(f"FAIL: {msg}", file=sys.stderr)
        sys.exit(1)


def check_rows(name, sql_rows, rust_rows, exact, tol):
    """Rows agree: the first `exact` columns equal, the rest within `tol` (None == None)."""
    check(len(sql_rows) == len(rust_rows) and len(rust_rows) > 0, f"{name} rows {len(sql_rows)} vs {len(rust_rows)}")
    for a, b in zip(sql_rows, rust_rows):
        check(a[:exact] == b[:exact], f"{name} {a} != {b}")
        for x, y in zip(a[exact:], b[exact:]):
            check((x is None and y is None) or (x is not None and y is not None and abs(float(x) - float(y)) < tol),
                  f"{name} values {a} != {b}")


# pandas straight on the table directory (Hive partitions discovered by pyarrow).
df = pd.read_parquet(out / "posts")
check(len(df) == want_posts, f"pandas rows {len(df)} != {want_posts}")
check("date" in df.columns, "partition column `date` missing in pandas")
check(str(df["created_at"].dtype) == "datetime64[us, UTC]", f"created_at dtype {df['created_at'].dtype}")
check(df["date"].nunique() == want_parts, f"partitions {df['date'].nunique()} != {want_parts}")
# The partition value is the UTC date of created_at.
check((df["created_at"].dt.strftime("%Y-%m-%d") == df["date"].astype(str)).all(), "date != UTC date of created_at")

# pyarrow: exact column types of the contract.
dataset = ds.dataset(out / "posts", format="parquet", partitioning="hive")
schema = dataset.schema
expect = {
    "platform": pa.string(),
    "post_id": pa.string(),
    "created_at": pa.timestamp("us", tz="UTC"),
    "like_count": pa.int64(),
    "view_count": pa.int64(),
    "hashtags": pa.list_(pa.string()),
    "mentions": pa.list_(pa.string()),
    "sentiment_compound": pa.float64(),
    "sentiment_label": pa.string(),
    "source_position": pa.int64(),
}
for name, typ in expect.items():
    check(schema.field(name).type == typ, f"pyarrow {name}: {schema.field(name).type} != {typ}")
check(dataset.count_rows() == want_posts, "pyarrow row count")

# polars with hive partitioning.
pdf = pl.read_parquet(str(out / "posts" / "**" / "*.parquet"), hive_partitioning=True)
check(pdf.height == want_posts, f"polars rows {pdf.height}")
check(pdf.schema["created_at"] == pl.Datetime("us", "UTC"), f"polars created_at {pdf.schema['created_at']}")
check("date" in pdf.columns, "polars partition column")

# duckdb SQL over the files.
con = duckdb.connect()
glob = str(out / "posts" / "**" / "*.parquet")
n, parts, dupes = con.execute(
    f"""select count(*), count(distinct date),
               count(*) - count(distinct (platform, post_id))
        from read_parquet('{glob}', hive_partitioning = true)"""
).fetchone()
check(n == want_posts, f"duckdb rows {n}")
check(parts == want_parts, f"duckdb partitions {parts}")
check(dupes == 0, f"duckdb found {dupes} duplicate (platform, post_id)")
ctype = con.execute(
    f"select typeof(created_at) from read_parquet('{glob}', hive_partitioning = true) limit 1"
).fetchone()[0]
check(ctype == "TIMESTAMP WITH TIME ZONE", f"duckdb created_at type {ctype}")
# Null counts stay null: no fake zeros where the source lacks the counter.
nulls = con.execute(
    f"select count(*) from read_parquet('{glob}', hive_partitioning = true) where platform = 'mastodon' and like_count is null"
).fetchone()[0]
check(nulls >= 1, "mastodon outbox posts should have null like_count")

rj = pd.read_parquet(out / "rejects")
check(len(rj) == want_rejects, f"rejects {len(rj)} != {want_rejects}")
check(list(rj.columns) == ["source_file", "position", "position_kind", "format", "reason", "raw_excerpt"], f"rejects columns {list(rj.columns)}")

esc = pd.read_parquet(out / "escalations")
check(list(esc["queue_position"]) == list(range(1, len(esc) + 1)), "escalations queue_position")
check(esc["priority"].is_monotonic_increasing, "escalations sorted by priority")
check(str(esc["info_request_due"].dtype).startswith("date32") or esc["info_request_due"].dtype == object, f"due dtype {esc['info_request_due'].dtype}")
em = pd.read_parquet(out / "emerging_terms")
check(list(em.columns)[:4] == ["date", "rank", "term", "kind"], f"emerging_terms columns {list(em.columns)}")
# Flags agree between posts and escalations (duckdb over both tables).
n_esc = con.execute(f"select count(*) from read_parquet('{glob}', hive_partitioning = true) where escalate").fetchone()[0]
check(n_esc == len(esc), f"posts.escalate {n_esc} != escalations rows {len(esc)}")

# Metric tables recomputed independently with duckdb SQL over `posts` (reporting zone UTC).
# Followers-only and direct messages count only in responsiveness (docs/privacy.md).
PUBLIC = "coalesce(visibility, 'public') not in ('private', 'direct')"
vol_sql = con.execute(
    f"""select cast(date as varchar), platform, account, direction, kind,
               count(*), count(distinct author_id)
        from read_parquet('{glob}', hive_partitioning = true)
        where {PUBLIC}
        group by all order by all"""
).fetchall()
vol_rust = con.execute(
    f"""select cast(date as varchar), platform, account, direction, kind, posts, unique_authors
        from read_parquet('{out}/daily_volume/*.parquet') order by all"""
).fetchall()
check(len(vol_rust) > 5, f"daily_volume has {len(vol_rust)} rows")
check(vol_sql == vol_rust, f"daily_volume differs from SQL:\n{vol_sql}\n{vol_rust}")
sent_sql = con.execute(
    f"""select cast(date as varchar), platform, account, direction, count(*),
               count(sentiment_compound), avg(sentiment_compound), median(sentiment_compound),
               avg(case sentiment_label when 'positive' then 1.0 else 0.0 end) filter (where sentiment_label is not null),
               (count(*) filter (where sentiment_label = 'positive') - count(*) filter (where sentiment_label = 'negative'))
                 / nullif(count(*) filter (where sentiment_label in ('positive', 'negative')), 0)
        from read_parquet('{glob}', hive_partitioning = true)
        where {PUBLIC}
        group by all order by all"""
).fetchall()
sent_rust = con.execute(
    f"""select cast(date as varchar), platform, account, direction, posts, scored,
               mean_compound, median_compound, positive_share, net_sentiment
        from read_parquet('{out}/daily_sentiment/*.parquet') order by all"""
).fetchall()
check_rows("daily_sentiment", sent_sql, sent_rust, 6, 1e-9)

eng_sql = con.execute(
    f"""select cast(date as varchar), platform, account, count(*), sum(like_count), sum(repost_count),
               sum(reply_count), sum(view_count)
        from read_parquet('{glob}', hive_partitioning = true)
        where direction = 'outbound' and {PUBLIC} group by all order by all"""
).fetchall()
eng_rust = con.execute(
    f"""select cast(date as varchar), platform, account, posts, likes, reposts, replies, views
        from read_parquet('{out}/engagement/*.parquet') order by all"""
).fetchall()
check(eng_sql == eng_rust, f"engagement differs from SQL:\n{eng_sql}\n{eng_rust}")

# Items needing a response and their first responses, from the posts alone. The
# example runs with the default responsiveness.scope, `addressed`: an inbound post that
# addresses an own account, or a question, complaint or information request.
RESP_CTES = f"""with p as (select * from read_parquet('{glob}', hive_partitioning = true)),
        items as (select platform, post_id, account, created_at, cast(date as varchar) as d from p
                  where direction = 'inbound' and (addressed or is_question or is_complaint or info_request)),
        resp as (select i.platform, i.post_id, min(o.created_at) as first_at
                 from items i join p o on o.platform = i.platform and o.direction = 'outbound'
                   and (o.reply_to_id = i.post_id or o.conversation_id = i.post_id)
                   and o.post_id <> i.post_id and o.created_at >= i.created_at
                 group by all)"""
resp_sql = con.execute(
    f"""{RESP_CTES}
        select i.d, i.platform, i.account, count(*), count(r.first_at),
               median(epoch(r.first_at) / 60 - epoch(i.created_at) / 60),
               quantile_cont(epoch(r.first_at) / 60 - epoch(i.created_at) / 60, 0.9)
        from items i left join resp r on r.platform = i.platform and r.post_id = i.post_id
        group by all order by all"""
).fetchall()
resp_rust = con.execute(
    f"""select cast(date as varchar), platform, account, needs_response, responded,
               median_response_minutes, p90_response_minutes
        from read_parquet('{out}/responsiveness/*.parquet') order by all"""
).fetchall()
check_rows("responsiveness", resp_sql, resp_rust, 5, 1e-6)
# A platform and account with no answered item on any day has no rate, and the reason;
# every other row's rate is responded / needs_response.
rates = con.execute(
    f"""with r as (select * from read_parquet('{out}/responsiveness/*.parquet')),
            g as (select platform, account, sum(responded) as answered from r group by all)
        select r.platform, r.account, g.answered, r.response_rate, r.unmeasured_reason,
               r.responded, r.needs_response
        from r join g on g.platform = r.platform and g.account is not distinct from r.account"""
).fetchall()
check(any(x[4] is not None for x in rates), "some responsiveness row is unmeasured in the example")
for platform, account, answered, rate, why, done, need in rates:
    if answered == 0:
        check(rate is None and why == "no_linked_response", f"{platform}/{account}: rate {rate}, reason {why}")
    else:
        check(why is None and abs(rate - done / need) < 1e-12, f"{platform}/{account}: rate {rate}, reason {why}")
# The published minutes of every answered item give back each row's count and quantiles,
# and a period's quantiles are computed from them across rows (days and groups).
per_row = con.execute(
    f"""select cast(date as varchar), platform, account, responded, len(response_minutes),
               median_response_minutes, list_median(response_minutes),
               p90_response_minutes,
               (select quantile_cont(m, 0.9) from unnest(response_minutes) as t(m))
        from read_parquet('{out}/responsiveness/*.parquet') order by all"""
).fetchall()
for r in per_row:
    check(r[3] == r[4], f"responsiveness {r[:3]}: {r[4]} minutes for {r[3]} responded")
    for a, b in ((r[5], r[6]), (r[7], r[8])):
        check((a is None and b is None) or abs(a - b) < 1e-9, f"responsiveness {r[:3]}: {a} != {b}")
period_sql = con.execute(
    f"""{RESP_CTES}
        select count(*), median(epoch(r.first_at) / 60 - epoch(i.created_at) / 60),
               quantile_cont(epoch(r.first_at) / 60 - epoch(i.created_at) / 60, 0.9)
        from items i join resp r on r.platform = i.platform and r.post_id = i.post_id"""
).fetchone()
period_rust = con.execute(
    f"""select count(*), median(m), quantile_cont(m, 0.9)
        from (select unnest(response_minutes) as m from read_parquet('{out}/responsiveness/*.parquet'))"""
).fetchone()
check(period_sql[0] == period_rust[0] and period_sql[0] > 0, f"answered items {period_sql[0]} vs {period_rust[0]}")
for a, b in zip(period_sql[1:], period_rust[1:]):
    check(abs(a - b) < 1e-6, f"whole-period first response {a} != {b}")
topic_sql = con.execute(
    f"""with p as (select * from read_parquet('{glob}', hive_partitioning = true) where direction = 'inbound' and {PUBLIC}),
        day as (select cast(date as varchar) as d, count(*) as n from p group by all),
        t as (select cast(date as varchar) as d, unnest(topics) as topic from p)
        select t.d, topic, count(*), count(*) / any_value(day.n) from t join day using (d) group by all order by all"""
).fetchall()
topic_rust = con.execute(
    f"select cast(date as varchar), topic, volume, share_of_inbound from read_parquet('{out}/topic_daily/*.parquet') order by all"
).fetchall()
check_rows("topic_daily", topic_sql, topic_rust, 3, 1e-12)

manifest = json.loads((out / "_run.json").read_text())
check(manifest["posts_written"] == want_posts, "manifest posts_written")
check(manifest["rejects"] == want_rejects, "manifest rejects")
check(all(len(i["blake3"]) == 64 for i in manifest["inputs"]), "manifest content hashes")
print(f"ok: {want_posts} posts, {want_rejects} rejects, {want_parts} partitions read by pandas, pyarrow, polars, duckdb")
