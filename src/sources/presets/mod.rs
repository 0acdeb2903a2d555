//! Built-in mappings for well-known exports, recognised from the CSV header row (or the
//! first NDJSON record's keys), so they read without a `[[mappings]]` entry. A user's
//! mapping that matches the same file wins. One file per tool; adding one is a file and
//! a line in [`presets`].
//!
//! A preset is a [`MappingConfig`] whose columns may be *derived* (named `@...`): values
//! the export does not hold as such, computed from a row by the preset's `derive`
//! function (CrowdTangle's post id from its URL, its local time with a zone abbreviation
//! in UTC). Rows then go through the same field rules as a user mapping.

mod brandwatch;
mod crowdtangle;
mod hootsuite;
mod meta_content_library;
mod sprout_social;
mod talkwalker;

use crate::config::MappingConfig;
use std::borrow::Cow;

/// A row's raw columns, by name. [`TIMEZONE`] answers `input.timezone`.
pub type Row<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// The pseudo-column a preset's row answers with `input.timezone` (no export has a
/// column named so).
pub const TIMEZONE: &str = "\0input.timezone";

/// A listening tool's CSV or workbook layout: the columns that identify it and the mapping it is read through.
pub struct Preset {
    /// Name in the manifest's `format` (`csv:<name>` / `ndjson:<name>`) and the docs.
    pub name: &'static str,
    /// Columns (or NDJSON keys, dotted paths allowed) the export always has: all must
    /// be present for the preset to apply.
    pub signature: &'static [&'static str],
    /// The mapping the layout reads through.
    pub mapping: fn() -> MappingConfig,
    /// The value of a derived column (`@...`) of a row, given its raw columns.
    pub derive: fn(column: &str, row: &Row) -> Option<String>,
}

/// Every preset, most specific first.
pub fn presets() -> &'static [Preset] {
    &[
        crowdtangle::FACEBOOK,
        crowdtangle::INSTAGRAM,
        hootsuite::POSTS,
        hootsuite::INBOUND,
        meta_content_library::FACEBOOK,
        sprout_social::INBOX,
        talkwalker::DOCUMENTS,
        brandwatch::MENTIONS,
    ]
}

/// The index in [`presets`] of the first preset whose signature the file has (`has`
/// tells whether a column exists).
pub fn find(has: impl Fn(&str) -> bool) -> Option<usize> {
    presets()
        .iter()
        .position(|p| p.signature.iter().all(|c| has(c)))
}

/// The mapping of preset `i`, built once.
pub fn mapping(i: usize) -> Option<&'static MappingConfig> {
    static MAPPINGS: std::sync::OnceLock<Vec<MappingConfig>> = std::sync::OnceLock::new();
    MAPPINGS
        .get_or_init(|| presets().iter().map(|p| (p.mapping)()).collect())
        .get(i)
}

/// What an ambiguous zone abbreviation may mean, for the reject's reason.
pub fn ambiguous_zone(abbreviation: &str) -> Option<&'static str> {
    crowdtangle::AMBIGUOUS
        .iter()
        .find(|(z, _)| *z == abbreviation)
        .map(|(_, m)| *m)
}

/// No derived columns.
pub fn none(_: &str, _: &Row) -> Option<String> {
    None
}

/// A column getter that serves a preset's derived columns too; `timezone` is
/// `input.timezone`.
pub fn with_derived<'a>(
    preset: Option<&'static Preset>,
    timezone: Option<&'a str>,
    raw: impl Fn(&str) -> Option<Cow<'a, str>>,
) -> impl Fn(&str) -> Option<Cow<'a, str>> {
    move |col: &str| match (preset, col.strip_prefix('@')) {
        // `input.timezone` itself, for a reason that names it.
        _ if col == TIMEZONE => timezone.map(Cow::Borrowed),
        (Some(p), Some(_)) => {
            let owned = |c: &str| {
                if c == TIMEZONE {
                    timezone.map(str::to_string)
                } else {
                    raw(c).map(Cow::into_owned)
                }
            };
            (p.derive)(col, &owned).map(Cow::Owned)
        }
        _ => raw(col),
    }
}

/// A mapping with the always-present fields set.
fn base(name: &str, id: &str, text: &str, timestamp: &str, format: &str) -> MappingConfig {
    MappingConfig {
        name: name.to_string(),
        id: id.to_string(),
        text: text.to_string(),
        timestamp: timestamp.to_string(),
        timestamp_format: format.to_string(),
        ..MappingConfig::default()
    }
}

fn col(name: &str) -> Option<String> {
    Some(name.to_string())
}
