//! Listening-layer rules, each with positive, negative and tricky examples, evaluated
//! through the transit pipeline's config (taxonomy, holidays, escalation rules).

mod common;
use common::*;
use socialpulse::analysis::Analyzer;
use socialpulse::config::{Config, TopicConfig};
use socialpulse::model::{Direction, Post};

fn transit() -> Config {
    Config::load(&root().join("pipelines/transit.toml")).expect("transit config")
}

fn post(text: &str, direction: Direction) -> Post {
    let mut p = Post::new(
        "twitter",
        "1".into(),
        ts("2026-11-04T02:15:00Z"),
        text.to_string(),
    );
    p.direction = direction;
    p
}

fn analysed_with(cfg: &Config, text: &str, direction: Direction) -> Post {
    let a = Analyzer::new(cfg).expect("analyzer");
    let mut p = post(text, direction);
    a.analyse(&mut p);
    p
}

fn inbound(text: &str) -> Post {
    analysed_with(&transit(), text, Direction::Inbound)
}

#[test]
fn topics_whole_words_phrases_accents_exclusions_several() {
    assert_eq!(
        inbound("Red Line delayed AGAIN").listening.topics,
        strings(&["delays_cancellations"])
    );
    // Whole words: "chocolate" does not contain the topic word "late".
    assert!(inbound("Free chocolate at Central today")
        .listening
        .topics
        .is_empty());
    // Exclusion phrase vetoes the topic.
    assert!(inbound("Love the late night service on Fridays")
        .listening
        .topics
        .is_empty());
    // Accent- and case-insensitive, multi-word phrase, several topics in one post.
    assert_eq!(
        inbound("RÉPLACEMENT BUSES were filthy and the Ticket Machine ate my card")
            .listening
            .topics,
        strings(&["fares_ticketing", "cleanliness", "service_changes"])
    );
}

#[test]
fn questions() {
    assert!(
        inbound("@NorthlineTransit does the 25 still stop at Elm Park?")
            .listening
            .is_question
    );
    assert!(
        inbound("@NorthlineTransit how do I get a refund for yesterday")
            .listening
            .is_question
    );
    // Our own posts are never questions *to* us.
    assert!(
        !analysed_with(
            &transit(),
            "Any questions about the new timetable?",
            Direction::Outbound
        )
        .listening
        .is_question
    );
    // A quoted question and a URL query string are not questions.
    assert!(
        !inbound("The driver said \"are you getting on or not?\" lovely")
            .listening
            .is_question
    );
    assert!(
        !inbound("Timetable: https://northline.example/t?route=25")
            .listening
            .is_question
    );
}

#[test]
fn complaints() {
    // Negative sentiment.
    assert!(
        inbound("The bus was disgusting and the driver was awful")
            .listening
            .is_complaint
    );
    // Vocabulary with neutral sentiment.
    let p = inbound("Still waiting for my refund from October");
    assert_eq!(p.sentiment_label.as_deref(), Some("neutral"));
    assert!(p.listening.is_complaint);
    // Negated vocabulary and positive sentiment: not a complaint.
    assert!(
        !inbound("Not a complaint, the new trains are great")
            .listening
            .is_complaint
    );
    // Non-English: sentiment is skipped, only the (English) vocabulary could flag it.
    let es = inbound("El tren de las 8 está muy lleno otra vez");
    assert_eq!(es.sentiment_skipped.as_deref(), Some("detected:es"));
    assert!(!es.listening.is_complaint);
    // Outbound apologies are not complaints.
    assert!(
        !analysed_with(
            &transit(),
            "Sorry for the terrible delays today",
            Direction::Outbound
        )
        .listening
        .is_complaint
    );
}

#[test]
fn information_requests_and_due_dates() {
    let p = inbound(
        "Under the Official Information Act I request copies of all reports on signal faults.",
    );
    assert!(p.listening.info_request);
    // Received Wed 4 Nov 2026 (the reporting zone's day): 20 working days later is Wed 2 Dec 2026.
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("date");
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    assert_eq!(
        p.listening.info_request_due,
        Some((due - epoch).num_days() as i32)
    );
    assert_eq!(p.listening.escalation_reasons, strings(&["info_request"]));
    assert!(
        inbound("This is an LGOIMA request for the bus contract")
            .listening
            .info_request
    );
    assert!(
        inbound("FOIA: please provide copies of the timetable consultation")
            .listening
            .info_request
    );
    // Negated, or merely mentioning information: no request.
    assert!(
        !inbound("I'm not making an OIA request, just curious")
            .listening
            .info_request
    );
    assert!(
        !inbound("Where can I find information about fares?")
            .listening
            .info_request
    );

    // A holiday inside the window moves the due date: with 2026-11-16 a holiday, Thu 3 Dec.
    let mut cfg = transit();
    cfg.flags.holidays.push("2026-11-16".parse().expect("date"));
    let p = analysed_with(
        &cfg,
        "freedom of information request: bus contracts",
        Direction::Inbound,
    );
    let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date");
    assert_eq!(
        p.listening.info_request_due,
        Some((due - epoch).num_days() as i32)
    );
}

/// A request is received on its day in the reporting time zone (`metrics.timezone`),
/// the calendar the report's as-of day counts in: 19:30 UTC on Tuesday 3 Nov 2026 is
/// 08:30 on Wednesday 4 Nov in Auckland, so 20 working days run from the Wednesday.
#[test]
fn a_request_is_received_on_its_day_in_the_reporting_zone() {
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date");
    let due_of = |zone: &str| {
        let mut cfg = transit();
        cfg.metrics.timezone = zone.parse().expect("zone");
        let a = Analyzer::new(&cfg).expect("analyzer");
        let mut p = post(
            "Under the Official Information Act I request the timetable consultation report.",
            Direction::Inbound,
        );
        p.created_at = ts("2026-11-03T19:30:00Z");
        a.analyse(&mut p);
        p.listening
            .info_request_due
            .map(|d| epoch + chrono::Duration::days(i64::from(d)))
    };
    let d = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    // Received Tue 3 Nov (UTC): day 20 is Tue 1 Dec.
    assert_eq!(due_of("UTC"), d("2026-12-01"));
    // Received Wed 4 Nov (Auckland): day 20 is Wed 2 Dec.
    assert_eq!(due_of("Pacific/Auckland"), d("2026-12-02"));
}

#[test]
fn escalation_rules() {
    let p = inbound("A man with a knife is shouting at people on the N1");
    assert!(p.listening.escalate);
    // The safety vocabulary and the learned harm flag (same priority) both see it.
    assert_eq!(p.listening.escalation_reasons, strings(&["harm", "safety"]));
    assert_eq!(p.listening.escalation_priority, Some(2));
    assert!(p.listening.harm_score.is_some_and(|s| s >= 0.5));
    // Self-harm rules are not negatable: such a message always reaches a person.
    assert_eq!(
        inbound("I honestly want to die, this commute is hell")
            .listening
            .escalation_reasons,
        strings(&["self_harm"])
    );
    // Legal threat, and its negation.
    assert_eq!(
        inbound("My lawyer will hear about this")
            .listening
            .escalation_reasons,
        strings(&["legal"])
    );
    assert!(
        !inbound("I'm not going to sue, just fix the heating")
            .listening
            .escalate
    );
    // Several reasons, most urgent first.
    let p = inbound("I was harassed and the lift is broken so my wheelchair couldn't get out");
    assert_eq!(
        p.listening.escalation_reasons,
        strings(&["harassment", "accessibility"])
    );
    assert_eq!(p.listening.escalation_priority, Some(3));
    assert_eq!(
        inbound("Reporter from the Herald here, request for comment on the fare review")
            .listening
            .escalation_reasons,
        strings(&["media"])
    );
    // Ordinary posts and our own posts do not escalate.
    assert!(!inbound("Lovely ride this morning").listening.escalate);
    assert!(
        !analysed_with(
            &transit(),
            "Safety notice: a knife was found and handed to police",
            Direction::Outbound
        )
        .listening
        .escalate
    );
    // Topics configured to always escalate.
    let mut cfg = transit();
    cfg.topics.push(TopicConfig {
        name: "strike".into(),
        terms: strings(&["strike", "industrial action"]),
        exclude: vec![],
        escalate: true,
    });
    let p = analysed_with(&cfg, "Is there a strike on Monday?", Direction::Inbound);
    assert_eq!(p.listening.escalation_reasons, strings(&["topic:strike"]));
}

#[test]
fn personal_data_detection_and_redaction() {
    let p = inbound("Call me on 021 555 0199 or jane.doe@example.co.nz, card 4111 1111 1111 1111 was charged twice");
    assert!(p.listening.has_pii);
    assert_eq!(p.listening.pii_types, strings(&["card", "email", "phone"]));
    // transit.toml redacts.
    assert_eq!(
        p.text,
        "Call me on [PHONE] or [EMAIL], card [CARD] was charged twice"
    );
    // Sentiment was computed on the original text, before redaction.
    assert!(p.sentiment.is_some());
    // URLs with digits, times, route numbers and a failed Luhn check are not personal data.
    let clean = inbound("See https://x.com/NorthlineTransit/status/1853100000000000001 - the 7:15 on route 25, ref 4111 1111 1111 1112");
    assert!(!clean.listening.has_pii, "{:?}", clean.listening.pii_types);
    // Without the redaction option the text is kept as written.
    let mut cfg = transit();
    cfg.flags.redact_pii = false;
    let p = analysed_with(&cfg, "email me at a.b@example.com", Direction::Inbound);
    assert!(p.listening.has_pii);
    assert_eq!(p.text, "email me at a.b@example.com");
}

#[test]
fn entities_from_text_when_the_platform_gives_none() {
    let p = inbound("Loving the #NightBus 😍 details https://www.Northline.example/night?x=1.");
    assert_eq!(p.hashtags, strings(&["NightBus"]));
    assert_eq!(
        p.urls,
        strings(&["https://www.Northline.example/night?x=1"])
    );
    assert_eq!(p.listening.url_domains, strings(&["northline.example"]));
    assert_eq!(p.listening.emoji, strings(&["😍"]));
}

#[test]
fn escalations_queue_order_on_the_fixtures() {
    let c = collect(
        &{
            let mut cfg = transit();
            cfg.input.paths = vec![root().join("fixtures")];
            cfg
        },
        &pseudo(),
    )
    .expect("collect");
    let queue: Vec<(Option<u8>, &str)> = c
        .escalations
        .iter()
        .map(|p| {
            (
                p.listening.escalation_priority,
                p.listening.escalation_reasons[0].as_str(),
            )
        })
        .collect();
    // Harm and safety (2) first; then priority 4, the information request (with a due date) before
    // the accessibility reports (no due date), oldest first: the YouTube comment about
    // the Kingsland lift (10 November) is the later of the two.
    assert_eq!(
        queue,
        vec![
            (Some(2), "harm"),
            (Some(4), "info_request"),
            (Some(4), "accessibility"),
            (Some(4), "accessibility")
        ]
    );
    assert_eq!(c.escalations[3].post_id, "UgzRiderComplaint2");
}

use socialpulse::pipeline::collect;

#[test]
fn drop_text_writes_null_text() {
    use arrow::array::Array;
    let p = inbound("call me on 021 555 0199");
    let policy = socialpulse::sinks::posts::TextPolicy { drop_text: true };
    let batch = socialpulse::sinks::posts::batch(&[p], policy).expect("batch");
    let text = batch.column_by_name("text").expect("text column");
    assert_eq!(text.null_count(), 1);
    assert_eq!(
        batch.column_by_name("has_pii").map(|c| c.null_count()),
        Some(0)
    );
}
