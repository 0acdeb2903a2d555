"""Compare the published tables of two outputs with duckdb: every table but
run_summary must hold the same rows (EXCEPT ALL both ways, so duplicates count).

usage: same_tables.py OUT_A OUT_B TABLE...
"""
import sys
from pathlib import Path

import duckdb

a, b = Path(sys.argv[1]), Path(sys.argv[2])
tables = sys.argv[3:]
con = duckdb.connect()
problems = []
for t in tables:
    def rel(out):
        cur = (out / "current").resolve() / t
        if not any(cur.rglob("*.parquet")):
            return None
        return f"read_parquet('{cur}/**/*.parquet', hive_partitioning = true, union_by_name = true)"
    ra, rb = rel(a), rel(b)
    if ra is None or rb is None:
        if (ra is None) != (rb is None):
            problems.append(f"{t}: files in one output only")
        continue
    na = con.execute(f"select count(*) from {ra}").fetchone()[0]
    nb = con.execute(f"select count(*) from {rb}").fetchone()[0]
    only_a = con.execute(f"select count(*) from (select * from {ra} except all select * from {rb})").fetchone()[0]
    only_b = con.execute(f"select count(*) from (select * from {rb} except all select * from {ra})").fetchone()[0]
    if na != nb or only_a or only_b:
        problems.append(f"{t}: {na} vs {nb} rows, {only_a} only in {a}, {only_b} only in {b}")
    else:
        print(f"{t}: {na} rows equal")
if problems:
    print("\n".join(problems))
    sys.exit(1)
