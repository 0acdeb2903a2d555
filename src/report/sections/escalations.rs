//! The top of the escalation queue, in the order to work it.

use crate::config::PublicText;
use crate::report::data::Data;
use crate::report::html::{show, Cell, Format, Html};
use crate::report::Settings;
use chrono::TimeZone;

pub fn render(d: &Data, s: &Settings, h: &mut Html) -> Result<(), String> {
    let tz = s.timezone.tz();
    h.p(
        "lead",
        &format!(
            "{} of {} escalated posts, most urgent first. {} Links name no one; the escalations table holds the working link.",
            d.queue.len(),
            d.queue_total,
            match s.public_text {
                PublicText::Redacted => "Text is as published, with personal data masked.",
                PublicText::None => "Text is not shown (report.public_text).",
                PublicText::AsPublished => "Text is as the tables publish it.",
            }
        ),
    );
    let rows: Vec<Vec<Cell>> = d
        .queue
        .iter()
        .map(|e| {
            let local = tz.from_utc_datetime(&e.created.naive_utc());
            vec![
                Cell::int(i64::from(e.position)),
                match u8::try_from(e.priority)
                    .ok()
                    .and_then(|p| s.priority_names.get(&p))
                {
                    Some(name) => Cell::s(format!("{} {name}", e.priority)),
                    None => Cell::int(i64::from(e.priority)),
                },
                Cell::s(e.reasons.join(", ")),
                Cell::n(show(e.harm_score, Format::Pct, "")),
                Cell::s(e.due.map_or(String::new(), |x| x.to_string())),
                Cell::s(local.format("%Y-%m-%d %H:%M").to_string()),
                Cell::s(e.platform.clone()),
                Cell::s(e.topics.join(", ")),
                Cell::n(show(e.compound, Format::Signed3, "")),
                Cell::s(e.text.clone().unwrap_or_else(|| {
                    if s.public_text == PublicText::None {
                        "(not shown)".into()
                    } else {
                        "(text not kept)".into()
                    }
                })),
                if e.url.is_some() {
                    Cell::link("open post", e.url.as_deref())
                } else {
                    Cell::s("see the escalations table")
                },
            ]
        })
        .collect();
    h.table(
        &format!("Escalation queue (times in {})", s.timezone),
        &[
            "#",
            "priority",
            "reasons",
            "harm score",
            "due",
            "created",
            "platform",
            "topics",
            "sentiment",
            "text",
            "link",
        ],
        &rows,
    );
    Ok(())
}
