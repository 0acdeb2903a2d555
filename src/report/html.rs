//! The HTML the sections write into, and how figures are formatted. The browser test
//! (`tests/python/report_browser.py`) formats duckdb's figures with the same rules and
//! compares them with what the page shows.

use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::fmt::Write;

/// How a figure is shown (`data-format` on the page).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format {
    /// 12,345
    Int,
    /// 12.3%
    Pct,
    /// +0.123
    Signed3,
    /// 42 min, 3 h 05 min, 2 d 4 h
    Minutes,
    /// NZD 1,234.56
    Money,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Int => "int",
            Format::Pct => "pct",
            Format::Signed3 => "signed3",
            Format::Minutes => "minutes",
            Format::Money => "money",
        }
    }
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A figure as shown; `—` when there is none.
pub fn show(v: Option<f64>, f: Format, currency: &str) -> String {
    let Some(v) = v.filter(|v| v.is_finite()) else {
        return "—".to_string();
    };
    match f {
        Format::Int => thousands(v.round() as i64),
        Format::Pct => format!("{:.1}%", v * 100.0),
        Format::Signed3 => format!("{v:+.3}"),
        Format::Minutes => {
            let m = v.round() as i64;
            if m < 60 {
                format!("{m} min")
            } else if m < 1440 {
                format!("{} h {:02} min", m / 60, m % 60)
            } else {
                format!("{} d {} h", m / 1440, (m % 1440) / 60)
            }
        }
        Format::Money => {
            let cents = (v * 100.0).round() as i64;
            let sign = if cents < 0 { "-" } else { "" };
            let c = cents.abs();
            format!("{currency} {sign}{}.{:02}", thousands(c / 100), c % 100)
        }
    }
}

/// The page under construction.
#[derive(Default)]
pub struct Html {
    pub body: String,
}

/// One figure of the headline block.
pub struct Kpi<'a> {
    pub metric: &'a str,
    pub label: &'a str,
    pub format: Format,
    pub value: Option<f64>,
    /// None when the figure has no previous period (a state as of now).
    pub previous: Option<Option<f64>>,
    pub note: Option<String>,
}

fn raw(v: Option<f64>) -> String {
    v.map_or(String::new(), |v| format!("{v}"))
}

impl Html {
    pub fn push(&mut self, s: &str) {
        self.body.push_str(s);
    }

    pub fn text(&mut self, s: &str) {
        self.body.push_str(&text(s));
    }

    pub fn p(&mut self, class: &str, s: &str) {
        let _ = write!(self.body, r#"<p class="{class}">{}</p>"#, text(s));
    }

    pub fn kpi(&mut self, k: &Kpi, currency: &str, prev_label: &str, better: Better) {
        let _ = write!(
            self.body,
            r#"<div class="kpi" data-metric="{}" data-format="{}" data-value="{}""#,
            attr(k.metric),
            k.format.name(),
            raw(k.value)
        );
        if let Some(p) = k.previous {
            let _ = write!(self.body, r#" data-previous="{}""#, raw(p));
        }
        let _ = write!(
            self.body,
            r#"><div class="kpi-label">{}</div><div class="kpi-value">{}</div>"#,
            text(k.label),
            text(&show(k.value, k.format, currency))
        );
        if let Some(p) = k.previous {
            let _ = write!(
                self.body,
                r#"<div class="kpi-prev">{}: <span class="kpi-prev-value">{}</span>{}</div>"#,
                text(prev_label),
                text(&show(p, k.format, currency)),
                delta(k.value, p, k.format, better)
            );
        }
        if let Some(n) = &k.note {
            let _ = write!(self.body, r#"<div class="kpi-note">{}</div>"#, text(n));
        }
        self.body.push_str("</div>");
    }

    /// A headline figure that could not be measured: "not measurable" and why, never a
    /// number.
    pub fn kpi_unmeasured(&mut self, k: &Kpi, why: &str) {
        let _ = write!(
            self.body,
            r#"<div class="kpi" data-metric="{}" data-format="{}" data-value="" data-unmeasured="true"><div class="kpi-label">{}</div><div class="kpi-value">not measurable</div><div class="kpi-note">{}</div></div>"#,
            attr(k.metric),
            k.format.name(),
            text(k.label),
            text(why)
        );
    }

    /// A table; on a narrow screen every row becomes a card whose cells carry their
    /// column name, so no table is wider than a phone.
    pub fn table(&mut self, caption: &str, head: &[&str], rows: &[Vec<Cell>]) {
        let _ = write!(
            self.body,
            r#"<table class="data"><caption>{}</caption><thead><tr>"#,
            text(caption)
        );
        for h in head {
            let _ = write!(self.body, "<th scope=\"col\">{}</th>", text(h));
        }
        self.body.push_str("</tr></thead><tbody>");
        for row in rows {
            self.body.push_str("<tr>");
            for (h, c) in head.iter().zip(row) {
                // Long text (posts, file paths) may break anywhere; short text keeps whole words.
                let class = if c.numeric {
                    " class=\"num\""
                } else if c.text.chars().count() > 24 {
                    " class=\"wrap\""
                } else {
                    ""
                };
                let _ = write!(self.body, r#"<td data-label="{}"{class}>"#, attr(h));
                match &c.link {
                    Some(href) => {
                        let _ = write!(
                            self.body,
                            r#"<a href="{}" rel="noopener noreferrer">{}</a>"#,
                            attr(href),
                            text(&c.text)
                        );
                    }
                    None => self.body.push_str(&text(&c.text)),
                }
                self.body.push_str("</td>");
            }
            self.body.push_str("</tr>");
        }
        if rows.is_empty() {
            let _ = write!(
                self.body,
                r#"<tr><td colspan="{}">none</td></tr>"#,
                head.len().max(1)
            );
        }
        self.body.push_str("</tbody></table>");
    }

    /// A table folded away under a summary line (a chart's numbers).
    pub fn details_table(&mut self, summary: &str, head: &[&str], rows: &[Vec<Cell>]) {
        let _ = write!(self.body, "<details><summary>{}</summary>", text(summary));
        self.table(summary, head, rows);
        self.body.push_str("</details>");
    }

    /// Colour swatches naming a chart's series.
    pub fn legend(&mut self, items: &[(String, String)]) {
        self.body.push_str(r#"<ul class="legend">"#);
        for (name, colour) in items {
            let _ = write!(
                self.body,
                r#"<li><span class="swatch" style="background:{}"></span>{}</li>"#,
                attr(colour),
                text(name)
            );
        }
        self.body.push_str("</ul>");
    }
}

/// Which way a figure is better, for the change beside it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Better {
    Higher,
    Lower,
    /// Neither (a volume): the change is shown without a judgement.
    Neither,
}

/// The change from the previous period: in percentage points for a share, as a
/// difference for a score on a fixed scale (a ratio of two small means says nothing),
/// as a percentage of the previous value otherwise; said better or worse where the
/// figure has a better direction.
fn delta(cur: Option<f64>, prev: Option<f64>, format: Format, better: Better) -> String {
    let (Some(c), Some(p)) = (cur, prev) else {
        return String::new();
    };
    if !c.is_finite() || !p.is_finite() {
        return String::new();
    }
    let diff = c - p;
    let (size, shown) = match format {
        Format::Pct => {
            let pts = diff * 100.0;
            (pts, format!("{:.1} pts", pts.abs()))
        }
        Format::Signed3 => (diff, format!("{:.3}", diff.abs())),
        _ if p == 0.0 => return String::new(),
        _ => {
            let pct = diff / p.abs() * 100.0;
            (pct, format!("{:.0}%", pct.abs()))
        }
    };
    // What the page shows decides the arrow: a change that rounds to nothing is none.
    let shown_zero = shown
        .trim_end_matches(['%', ' ', 'p', 't', 's'])
        .parse::<f64>()
        == Ok(0.0);
    let arrow = if shown_zero {
        "="
    } else if size > 0.0 {
        "▲"
    } else {
        "▼"
    };
    let (class, word) = match (better, shown_zero, size > 0.0) {
        (Better::Neither, _, _) | (_, true, _) => ("delta", ""),
        (Better::Higher, false, true) | (Better::Lower, false, false) => ("delta good", ", better"),
        _ => ("delta bad", ", worse"),
    };
    format!(r#" <span class="{class}">{arrow} {shown}{word}</span>"#)
}

/// One table cell.
#[derive(Clone, Debug, Default)]
pub struct Cell {
    pub text: String,
    pub numeric: bool,
    pub link: Option<String>,
}

impl Cell {
    pub fn s(t: impl Into<String>) -> Cell {
        Cell {
            text: t.into(),
            ..Cell::default()
        }
    }
    pub fn n(t: impl Into<String>) -> Cell {
        Cell {
            text: t.into(),
            numeric: true,
            link: None,
        }
    }
    pub fn int(v: i64) -> Cell {
        Cell::n(thousands(v))
    }
    /// A link, only to an `http` or `https` address: a post's `url` comes from the
    /// export, and a `javascript:` or `data:` one must not become a live link.
    pub fn link(t: impl Into<String>, href: Option<&str>) -> Cell {
        Cell {
            text: t.into(),
            numeric: false,
            link: href.filter(|h| web_link(h)).map(str::to_string),
        }
    }
}

/// Whether `href` is an `http` or `https` address (scheme in any case, no leading
/// blanks or control characters a browser would strip).
pub fn web_link(href: &str) -> bool {
    let lower = href.get(..8).unwrap_or(href).to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A share changes in points, a score by its difference, a count by a percentage;
    /// each judged by the way the figure is better.
    #[test]
    fn changes_are_shown_in_the_unit_that_means_something() {
        let d = |c: f64, p: f64, f: Format, b: Better| delta(Some(c), Some(p), f, b);
        // 21.7% -> 38.5% is 16.8 points up, not "77%".
        assert_eq!(
            d(0.385, 0.217, Format::Pct, Better::Higher),
            r#" <span class="delta good">▲ 16.8 pts, better</span>"#
        );
        // +0.020 -> +0.077 is 0.057 up, not "275%".
        assert_eq!(
            d(0.077, 0.020, Format::Signed3, Better::Higher),
            r#" <span class="delta good">▲ 0.057, better</span>"#
        );
        assert_eq!(
            d(90.0, 60.0, Format::Minutes, Better::Lower),
            r#" <span class="delta bad">▲ 50%, worse</span>"#
        );
        assert_eq!(
            d(13.0, 27.0, Format::Int, Better::Neither),
            r#" <span class="delta">▼ 52%</span>"#
        );
        assert_eq!(d(5.0, 0.0, Format::Int, Better::Neither), "");
        assert_eq!(
            d(0.5, 0.5, Format::Pct, Better::Higher),
            r#" <span class="delta">= 0.0 pts</span>"#
        );
        assert_eq!(
            d(-0.1, 0.2, Format::Signed3, Better::Higher),
            r#" <span class="delta bad">▼ 0.300, worse</span>"#
        );
    }

    #[test]
    fn only_web_addresses_become_links() {
        for ok in [
            "https://x.com/i/status/1",
            "HTTP://example.org/a",
            "http://a",
        ] {
            assert!(web_link(ok), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " javascript:alert(1)",
            "\tjavascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "//evil.example/x",
            "https:/x",
            "",
        ] {
            assert!(!web_link(bad), "{bad}");
            assert_eq!(Cell::link("open post", Some(bad)).link, None, "{bad}");
        }
    }

    #[test]
    fn figures_are_formatted_as_the_browser_test_expects() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(-1234567), "-1,234,567");
        assert_eq!(show(Some(0.1234), Format::Pct, ""), "12.3%");
        assert_eq!(show(Some(-0.0625), Format::Signed3, ""), "-0.062");
        assert_eq!(show(Some(0.25), Format::Signed3, ""), "+0.250");
        assert_eq!(show(Some(42.4), Format::Minutes, ""), "42 min");
        assert_eq!(show(Some(185.0), Format::Minutes, ""), "3 h 05 min");
        assert_eq!(show(Some(3000.0), Format::Minutes, ""), "2 d 2 h");
        // docs/report.md: rounded to the minute, then the minutes below a day's hours
        // are cut off, not rounded: 2 d 14 h 35 min shows as 2 d 14 h.
        assert_eq!(show(Some(3755.0), Format::Minutes, ""), "2 d 14 h");
        assert_eq!(show(Some(3779.6), Format::Minutes, ""), "2 d 15 h");
        assert_eq!(show(Some(59.5), Format::Minutes, ""), "1 h 00 min");
        assert_eq!(show(Some(-1234.5), Format::Money, "NZD"), "NZD -1,234.50");
        assert_eq!(show(None, Format::Int, ""), "—");
    }
}
