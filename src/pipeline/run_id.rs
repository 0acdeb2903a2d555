//! The id and start time a run records in its snapshot and manifest.

/// The run's id (its start instant and process id, so two runs never share one) and its
/// start as RFC 3339 UTC.
pub(super) fn run_id() -> (String, String) {
    let now = chrono::Utc::now();
    (
        format!(
            "{}-{}",
            now.format("%Y%m%dT%H%M%S%.6fZ"),
            std::process::id()
        ),
        now.to_rfc3339_opts(chrono::SecondsFormat::Micros, true),
    )
}
