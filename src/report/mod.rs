//! The HTML report: one self-contained page (inline CSS and SVG, no script, no network)
//! built from a snapshot's published tables and manifest alone. Every run writes it
//! into its snapshot (`OUT/current/report.html`, linked as `OUT/report.html`), and
//! `socialpulse report OUT` builds it again. See docs/report.md.

pub mod charts;
pub mod data;
pub mod html;
mod sections;

use std::fmt::Write;
use std::path::{Path, PathBuf};

/// The file name of the report in a snapshot and in the output directory.
pub const REPORT: &str = "report.html";

/// What the report needs beyond the tables (defined with the config, which it is built
/// from, so the manifest can hold it without depending on the report).
pub use crate::config::ReportSettings as Settings;

impl Settings {
    /// The settings recorded in a snapshot's manifest (defaults for an output written
    /// before the report existed).
    pub fn from_manifest(snapshot: &Path) -> Result<Settings, String> {
        let m = manifest(snapshot)?;
        match m.get("report") {
            Some(r) => serde_json::from_value(r.clone())
                .map_err(|e| format!("{}: `report`: {e}", snapshot.join("_run.json").display())),
            None => Ok(Settings::default()),
        }
    }
}

fn manifest(snapshot: &Path) -> Result<serde_json::Value, String> {
    let path = snapshot.join(crate::model::MANIFEST);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

const CSS: &str = include_str!("report.css");

/// The page's Content-Security-Policy: no script, no plugin, nothing fetched; only its
/// own inline style and inline SVG/data images. Text from exports is escaped already;
/// this is the second lock.
const CSP: &str = "default-src 'none'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'; style-src 'unsafe-inline'; img-src data:";

/// The report of the tables in `snapshot`, as one HTML document.
pub fn build(snapshot: &Path, settings: &Settings) -> Result<String, String> {
    let m = manifest(snapshot)?;
    // When the run read its inputs: a day not over by then holds part of a day's data.
    let as_of = m
        .get("started_at")
        .and_then(|v| v.as_str())
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    let mut d = data::load(snapshot, settings, as_of)?;
    let s = |k: &str| {
        m.get(k)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string()
    };
    d.run_id = s("run_id");
    d.version = s("version");
    if let Some(inputs) = m.get("inputs").and_then(|v| v.as_array()) {
        for i in inputs {
            if let (Some(p), Some(why)) = (
                i.get("path").and_then(|v| v.as_str()),
                i.get("skipped").and_then(|v| v.as_str()),
            ) {
                d.skipped_files.push((p.to_string(), why.to_string()));
            }
        }
    }
    let mut h = html::Html::default();
    let title = "socialpulse report";
    let _ = write!(
        h.body,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{title}</title><style>{CSS}</style></head><body><header><h1>{title}</h1>"
    );
    match d.period {
        Some(p) => {
            let _ = write!(
                h.body,
                r#"<p class="period" data-start="{}" data-end="{}" data-prev-start="{}" data-prev-end="{}">{} – {} ({} days), compared with {} – {}</p>"#,
                p.cur.start,
                p.cur.end,
                p.prev.start,
                p.prev.end,
                sections::long_date(p.cur.start),
                sections::long_date(p.cur.end),
                p.cur.days(),
                sections::long_date(p.prev.start),
                sections::long_date(p.prev.end),
            );
        }
        None => h.p("period", "No data yet."),
    }
    h.p(
        "meta",
        &format!(
            "Days in {}. Run {} (socialpulse {}). Built from the published tables; rebuild with `socialpulse report OUT`.",
            settings.timezone, d.run_id, d.version
        ),
    );
    h.push(r#"<nav><ul>"#);
    for (id, heading, _) in sections::SECTIONS {
        let _ = write!(h.body, r##"<li><a href="#{id}">{heading}</a></li>"##);
    }
    h.push("</ul></nav></header><main>");
    for (id, heading, render) in sections::SECTIONS {
        let _ = write!(h.body, r#"<section id="{id}"><h2>{heading}</h2>"#);
        render(&d, settings, &mut h)?;
        h.push("</section>");
    }
    h.push("</main></body></html>\n");
    Ok(h.body)
}

/// Build the report of `snapshot` and write it into the snapshot, atomically.
pub fn write(snapshot: &Path, settings: &Settings) -> Result<PathBuf, String> {
    let page = build(snapshot, settings)?;
    let path = snapshot.join(REPORT);
    let tmp = snapshot.join(".report.html.tmp");
    std::fs::write(&tmp, page).map_err(|e| format!("cannot write {}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, &path).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(path)
}

/// `OUT/report.html`: a relative link to the published snapshot's report, so it always
/// shows the current one.
pub fn link(out: &Path) -> Result<(), String> {
    let link = out.join(REPORT);
    let target = Path::new("current").join(REPORT);
    if std::fs::read_link(&link).is_ok_and(|t| t == target) {
        return Ok(());
    }
    let tmp = out.join(".report.html.link");
    let _ = std::fs::remove_file(&tmp);
    #[cfg(unix)]
    std::os::unix::fs::symlink(&target, &tmp)
        .map_err(|e| format!("cannot link {}: {e}", link.display()))?;
    #[cfg(not(unix))]
    std::fs::copy(out.join(&target), &tmp)
        .map_err(|e| format!("cannot copy {}: {e}", link.display()))?;
    std::fs::rename(&tmp, &link).map_err(|e| format!("cannot link {}: {e}", link.display()))
}
