"""Open a run's report.html in headless Chromium and check it as a reader would see it.

    python3 tests/python/report_browser.py OUT [--shots DIR]

- Every headline figure (data-value, data-previous, and the text shown) equals the
  value computed here with duckdb from the published tables under OUT/current.
- No console error, page error, failed or external request.
- At 390 px and 1280 px wide, with every <details> open, no element is wider than the
  page, and axe-core (npm, pinned below) finds no serious or critical accessibility
  violation (WCAG 2.x A/AA and Section 508 rules); a full-page screenshot of each width goes to DIR, and the page printed to an A4
  PDF (the print style sheet) too.
Exits non-zero with every failure listed.
"""

import argparse
import datetime as dt
import json
import math
import os
import sys

import duckdb
from playwright.sync_api import sync_playwright

import shutil

CHROMIUM = shutil.which(os.environ.get("CHROMIUM", "chromium")) or "/usr/bin/chromium"

# axe-core from npm, installed under target/ on first use (scripts/test does it up front).
AXE_VERSION = "4.14.1"
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def axe_source():
    path = os.environ.get("AXE_CORE_JS") or os.path.join(
        REPO, "target", "axe", "node_modules", "axe-core", "axe.min.js")
    if not os.path.exists(path):
        import subprocess
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                        "--prefix", os.path.join(REPO, "target", "axe"), f"axe-core@{AXE_VERSION}"],
                       check=True)
    with open(path, encoding="utf-8") as f:
        return f.read()


def accessibility(page, axe):
    """Serious and critical axe-core violations of the page, one line each."""
    page.add_script_tag(content=axe)
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'section508', 'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    out = []
    for v in result["violations"]:
        if v.get("impact") in ("serious", "critical"):
            targets = ", ".join(" ".join(n["target"]) for n in v["nodes"][:3])
            out.append(f"{v['impact']} {v['id']}: {v['help']} ({len(v['nodes'])} nodes, e.g. {targets})")
    return out


def fmt(v, kind, currency):
    """The report's display rules (src/report/html.rs)."""
    if v is None or not math.isfinite(v):
        return "—"

    def half_away(x):
        return int(math.copysign(math.floor(abs(x) + 0.5), x))

    if kind == "int":
        return f"{half_away(v):,}"
    if kind == "pct":
        return f"{v * 100:.1f}%"
    if kind == "signed3":
        return f"{v:+.3f}"
    if kind == "minutes":
        m = half_away(v)
        if m < 60:
            return f"{m} min"
        if m < 1440:
            return f"{m // 60} h {m % 60:02d} min"
        return f"{m // 1440} d {(m % 1440) // 60} h"
    if kind == "money":
        cents = half_away(v * 100)
        sign = "-" if cents < 0 else ""
        c = abs(cents)
        return f"{currency} {sign}{c // 100:,}.{c % 100:02d}"
    raise ValueError(kind)


def add_working_days(day, n, holidays):
    d = day
    left = n
    while left > 0:
        d += dt.timedelta(days=1)
        if d.weekday() < 5 and d not in holidays:
            left -= 1
    return d


def expected(out):
    cur = os.path.join(out, "current")
    manifest = json.load(open(os.path.join(cur, "_run.json")))
    s = manifest["report"]
    tz = s["timezone"]
    con = duckdb.connect()
    for t in ["daily_volume", "posts", "responsiveness", "escalations", "unanswered",
              "cost_benefit"]:
        con.execute(
            f"create view {t} as select * from read_parquet('{cur}/{t}/**/*.parquet', hive_partitioning=false)"
        )
    end = con.execute("select max(date) from daily_volume").fetchall()[0][0]
    n = s["period_days"]
    periods = {
        "cur": (end - dt.timedelta(days=n - 1), end),
        "prev": (end - dt.timedelta(days=2 * n - 1), end - dt.timedelta(days=n)),
    }
    local = f"cast(timezone('{tz}', created_at) as date)"
    # Followers-only and direct messages are out of the metrics unless the config includes them.
    public = "true" if s["private_messages"] == "include" else "coalesce(visibility, '') not in ('private', 'direct')"
    target = s["response_target_minutes"]
    figs = {}

    def one(sql, *args):
        return con.execute(sql, list(args)).fetchall()[0][0]

    for which, (a, b) in periods.items():
        f = {}
        for d, name in [("inbound", "posts_in"), ("outbound", "posts_out")]:
            f[name] = one(
                "select coalesce(sum(posts), 0) from daily_volume where direction = ? and date between ? and ?",
                d, a, b)
        f["unique_authors"] = one(
            f"select count(distinct (platform, author_id)) from posts where direction = 'inbound' and author_id is not null and {public} and {local} between ? and ?",
            a, b)
        # Recomputed from the posts themselves, not from daily_sentiment.
        f["mean_sentiment"] = one(
            f"select avg(sentiment_compound) from posts where direction = 'inbound' and {public} and {local} between ? and ?",
            a, b)
        # Rows whose rate is not measured (no own reply links to their account) are
        # counted apart: the rate is over the measured rows only.
        need, done, open_ = con.execute(
            "select coalesce(sum(needs_response) filter (where unmeasured_reason is null), 0), coalesce(sum(responded), 0), coalesce(sum(unanswered), 0) from responsiveness where date between ? and ?",
            [a, b]).fetchall()[0]
        f["response_rate"] = done / need if need else None
        f["unanswered"] = open_
        med, p90, within = con.execute(
            "select quantile_cont(m, 0.5), quantile_cont(m, 0.9), avg(case when m <= ? then 1.0 else 0.0 end) "
            "from (select unnest(response_minutes) as m from responsiveness where date between ? and ?)",
            [target, a, b]).fetchall()[0]
        f["median_response"], f["p90_response"], f["within_target"] = med, p90, within
        f["escalations"] = one(
            f"select count(*) from escalations where {local} between ? and ?", a, b)
        for prio, count in con.execute(
                f"select priority, count(*) filter (where {local} between ? and ?) from escalations group by priority",
                [a, b]).fetchall():
            f[f"escalations_p{prio}"] = count
        cost, responses, net, rows = con.execute(
            "select sum(total_cost), sum(responses), sum(net_benefit), count(*) from cost_benefit "
            "where period_start <= ? and (case when period = 'month' then period_start + interval 1 month - interval 1 day else period_start end) >= ?",
            [b, a]).fetchall()[0]
        # Cost cards only when [cost] sets an amount.
        if s["cost_configured"]:
            f["cost_per_response"] = cost / responses if rows and cost is not None and responses else None
            f["net_benefit"] = net if rows else None
        figs[which] = f
    holidays = {dt.date.fromisoformat(h) for h in s["holidays"]}
    as_of = one(f"select max(cast(timezone('{tz}', as_of) as date)) from unanswered")
    due_soon = overdue = 0
    if as_of is not None:
        by = add_working_days(as_of, s["due_soon_working_days"], holidays)
        overdue = one(
            "select count(*) from unanswered where list_contains(reasons, 'info_request') and info_request_due < ?",
            as_of)
        due_soon = one(
            "select count(*) from unanswered where list_contains(reasons, 'info_request') and info_request_due between ? and ?",
            as_of, by)
    figs["cur"]["info_due_soon"] = due_soon
    figs["cur"]["info_overdue"] = overdue
    currency = one("select any_value(currency) from cost_benefit") or ""
    return figs, currency, periods


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shots")
    args = ap.parse_args()
    figs, currency, periods = expected(args.out)
    report = os.path.realpath(os.path.join(args.out, "report.html"))
    url = "file://" + report
    failures = []
    axe = axe_source()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for width in (390, 1280):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.on("console", lambda m: m.type == "error" and failures.append(f"console error: {m.text}"))
            page.on("pageerror", lambda e: failures.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: failures.append(f"failed request: {r.url}"))
            page.on("request", lambda r: r.url != url and failures.append(f"request beyond the file: {r.url}"))
            page.goto(url)
            if width == 1280:
                period = page.locator("p.period")
                for attr, (which, end) in {"data-start": ("cur", 0), "data-end": ("cur", 1),
                                           "data-prev-start": ("prev", 0), "data-prev-end": ("prev", 1)}.items():
                    if period.get_attribute(attr) != str(periods[which][end]):
                        failures.append(f"period {attr}: {period.get_attribute(attr)} != {periods[which][end]}")
                kpis = page.locator("div.kpi")
                seen = set()
                for i in range(kpis.count()):
                    k = kpis.nth(i)
                    metric = k.get_attribute("data-metric")
                    kind = k.get_attribute("data-format")
                    seen.add(metric)
                    raw = k.get_attribute("data-value")
                    value = float(raw) if raw else None
                    want = figs["cur"].get(metric, "missing")
                    if want == "missing":
                        failures.append(f"{metric}: not computed by the test")
                        continue
                    if not close(value, want):
                        failures.append(f"{metric}: page {value} != duckdb {want}")
                    shown = k.locator(".kpi-value").inner_text().strip()
                    # A figure nothing measured says so instead of a number.
                    expect = "not measurable" if k.get_attribute("data-unmeasured") == "true" else fmt(want, kind, currency)
                    if shown != expect:
                        failures.append(f"{metric}: shows {shown!r}, duckdb gives {expect!r}")
                    prev = k.get_attribute("data-previous")
                    if prev is not None:
                        pv = float(prev) if prev else None
                        pw = figs["prev"].get(metric)
                        if not close(pv, pw):
                            failures.append(f"{metric} (previous period): page {pv} != duckdb {pw}")
                        ps = k.locator(".kpi-prev-value").inner_text().strip()
                        if ps != fmt(pw, kind, currency):
                            failures.append(f"{metric} (previous period): shows {ps!r}, duckdb gives {fmt(pw, kind, currency)!r}")
                missing = set(figs["cur"]) - seen
                if missing:
                    failures.append(f"figures missing from the page: {sorted(missing)}")
                print(f"{len(seen)} headline figures checked against duckdb")
            # Every folded table open: tables are checked for width too.
            page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
            wide = page.evaluate(
                """() => {
                    const w = document.documentElement.clientWidth;
                    const out = [];
                    if (document.documentElement.scrollWidth > w) out.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
                    for (const e of document.body.querySelectorAll('*')) {
                        const r = e.getBoundingClientRect();
                        if (r.width === 0 && r.height === 0) continue;
                        if (r.right > w + 0.5 || r.left < -0.5) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
                    }
                    return out.slice(0, 10);
                }"""
            )
            for e in wide:
                failures.append(f"at {width} px wider than the page: {e}")
            # The page forbids script (its Content-Security-Policy): axe-core runs in a
            # second page that lifts the policy for the test alone, while this one keeps
            # it and reports any violation as a console error.
            if "Content-Security-Policy" not in page.content():
                failures.append("the page has no Content-Security-Policy")
            audit_ctx = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
            audit = audit_ctx.new_page()
            audit.goto(url)
            violations = accessibility(audit, axe)
            audit_ctx.close()
            for v in violations:
                failures.append(f"at {width} px, accessibility: {v}")
            print(f"axe-core {AXE_VERSION} at {width} px: {len(violations)} serious or critical violations")
            if args.shots:
                os.makedirs(args.shots, exist_ok=True)
                page.screenshot(path=os.path.join(args.shots, f"report-{width}.png"), full_page=True)
                if width == 1280:
                    # Printed to PDF as a manager would: A4, the print style sheet.
                    page.emulate_media(media="print")
                    pdf = os.path.join(args.shots, "report.pdf")
                    page.pdf(path=pdf, format="A4", print_background=True)
                    with open(pdf, "rb") as f:
                        head = f.read(5)
                    if head != b"%PDF-" or os.path.getsize(pdf) < 10_000:
                        failures.append("printing to PDF gave no document")
            page.close()
        browser.close()
    if failures:
        print("\n".join(failures))
        sys.exit(1)
    print("report checked at 390 and 1280 px: figures equal duckdb's, no errors, nothing wider than the page, no serious or critical accessibility violation")


if __name__ == "__main__":
    main()
