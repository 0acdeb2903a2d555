//! Post texts of the synthetic corpus: templates filled from small word lists.

use super::Rng;

pub struct Text {
    pub text: String,
    pub lang: &'static str,
    pub hashtags: Vec<String>,
    pub urls: Vec<String>,
    /// A question, complaint or information request (the account should answer).
    pub wants_answer: bool,
}

const ROUTES: &[&str] = &[
    "25",
    "N1",
    "Red Line",
    "Blue Line",
    "7:40 from Central",
    "airport express",
    "ferry to Devonport",
    "night bus",
    "Route 18",
    "Harbour shuttle",
];
const PLACES: &[&str] = &[
    "Central",
    "Harbour",
    "Queen St",
    "Elm Park",
    "Britomart",
    "Newmarket",
    "the university",
    "Devonport wharf",
];
const TAGS: &[&str] = &[
    "NorthlineAlerts",
    "commute",
    "PublicTransport",
    "HarbourFestival",
    "rideshare",
    "akltraffic",
];
const EMOJI: &[&str] = &[
    "😡", "🙄", "😊", "👍", "🚌", "🚆", "❤️", "😂", "🥶", "⛴️", "🙏",
];

const QUESTIONS: &[&str] = &[
    "is the {r} running today?",
    "when will the {r} be back to normal?",
    "does the {r} stop at {p} this weekend?",
    "how do I get a refund for a cancelled trip?",
    "why was the {r} cancelled again this morning?",
    "can I take my bike on the {r}?",
    "what time is the last {r} tonight??",
    "is the lift at {p} station working yet?",
];
const COMPLAINTS: &[&str] = &[
    "the {r} was late AGAIN. 25 minutes waiting in the rain. Unacceptable.",
    "absolutely terrible service on the {r} today, driver didn't even stop at {p}",
    "the card reader charged me twice on the {r}, I want a refund",
    "bus was filthy and the heating was broken, not good enough",
    "third day in a row the {r} is cancelled. This is a joke and I'm sick of it",
    "the lift at {p} has been out of order for a week, I use a wheelchair and can't get to the platform",
    "rude staff at {p} station, really disappointed with how I was treated",
];
const PRAISE: &[&str] = &[
    "huge thanks to the driver on the {r} this morning, so friendly and helpful!",
    "the new {r} timetable is great, much better connections at {p}",
    "love the free fares for the festival, great idea!",
    "ferry was on time and the crew were lovely. Good job",
    "kudos to the staff at {p} who helped me find my lost bag",
];
const CHATTER: &[&str] = &[
    "on the {r} heading to {p}",
    "anyone else on the {r} right now",
    "watching the ferries at {p}, what a view",
    "the {r} is packed today, festival crowds I guess",
    "reading on the train again",
];
const INFO_REQUESTS: &[&str] = &[
    "Under the Official Information Act I request copies of all reports on {r} signal faults since January 2026.",
    "This is an official information request for the number of complaints about the {r} in 2025.",
    "Under the OIA, please provide the contract for the {r} replacement buses.",
];
const URGENT: &[&str] = &[
    "there's a man with a knife shouting at people on the {r} near {p}, please send help",
    "someone just got assaulted at {p} station, where is security??",
    "I've been harassed on the {r} every day this week and I feel unsafe",
];
const SPANISH: &[&str] = &[
    "¿a qué hora sale el último {r} esta noche?",
    "el {r} llegó muy tarde otra vez, qué desastre",
    "gracias por el servicio de hoy, todo muy bien",
];
const MAORI: &[&str] = &[
    "kia ora, kei te haere te {r} ki {p} i tēnei rā?",
    "ngā mihi nui ki te kaitaraiwa o te {r}",
];
const LONG_TAIL: &[&str] = &[
    "I've been taking this route for years and honestly it used to be reliable, but since the timetable change in March it has been a mess.",
    "My kids are late for school, I'm late for work, and nobody ever tells us what is going on.",
    "Not every trip is bad, to be fair: yesterday's driver was brilliant and waited for an elderly man to sit down.",
    "Please publish real-time information that is actually accurate; the app said 2 min for 20 minutes.",
    "It would help if the announcements at the station were audible over the trains.",
];
const ANSWERS: &[&str] = &[
    "sorry about that! We've passed this on to the operations team and will follow up.",
    "thanks for letting us know. The {r} is running about 10 minutes late due to traffic.",
    "yes, it is running to the normal timetable today.",
    "really sorry to hear this. Could you DM us the date and time so we can look into it?",
    "thank you so much for the kind words, we'll pass them on to the team 😊",
    "we've logged your request and will respond within 20 working days.",
];
const ANNOUNCEMENTS: &[&str] = &[
    "Service update: the {r} is detouring around {p} until Friday while roadworks continue.",
    "Fares are free this Saturday for the harbour festival, we're running extra services all day! 🎉",
    "Planned works: buses replace trains between Central and Harbour this weekend. Allow an extra 20 minutes.",
    "Reminder: tag off when you leave the {r} so you're charged the right fare.",
    "Good news: the lift at {p} station is fixed and back in service.",
];

fn fill(rng: &mut Rng, template: &str) -> String {
    let mut s = template.replace("{r}", rng.word(ROUTES));
    if s.contains("{p}") {
        s = s.replace("{p}", rng.word(PLACES));
    }
    s
}

/// The public user's handle on a platform.
pub fn user_handle(platform: &str, user: u64) -> String {
    match platform {
        "bluesky" => format!("rider{user}.bsky.social"),
        "facebook" => format!("Rider {user}"),
        _ => format!("rider{user}"),
    }
}

fn decorate(rng: &mut Rng, mut text: String, t: &mut Text) {
    if rng.chance(0.3) {
        text.push(' ');
        text.push_str(rng.word(EMOJI));
    }
    if rng.chance(0.15) {
        let tag = rng.word(TAGS).to_string();
        text.push_str(&format!(" #{tag}"));
        t.hashtags.push(tag);
    }
    if rng.chance(0.05) {
        let url = format!("https://northline.example/r/{}", rng.below(10_000));
        text.push(' ');
        text.push_str(&url);
        t.urls.push(url);
    }
    t.text = text;
}

impl Text {
    fn english() -> Text {
        Text {
            text: String::new(),
            lang: "en",
            hashtags: Vec::new(),
            urls: Vec::new(),
            wants_answer: false,
        }
    }
}

/// A message from a member of the public, starting with `to` (how the platform
/// addresses the account; empty where comments address nobody).
pub fn inbound(rng: &mut Rng, to: &str) -> Text {
    let mut t = Text::english();
    let (templates, wants, lang): (&[&'static str], bool, &'static str) = match rng.below(1000) {
        0..=249 => (QUESTIONS, true, "en"),
        250..=479 => (COMPLAINTS, true, "en"),
        480..=649 => (PRAISE, false, "en"),
        650..=939 => (CHATTER, false, "en"),
        940..=949 => (INFO_REQUESTS, true, "en"),
        950..=954 => (URGENT, true, "en"),
        955..=979 => (SPANISH, false, "es"),
        _ => (MAORI, false, "mi"),
    };
    let tpl = rng.word(templates);
    let body = fill(rng, tpl);
    t.lang = lang;
    let mut text = if to.is_empty() {
        body
    } else {
        format!("{to} {body}")
    };
    if t.lang == "en" && rng.chance(0.2) {
        // Long posts: a few more sentences.
        for _ in 0..1 + rng.below(3) {
            text.push(' ');
            text.push_str(rng.word(LONG_TAIL));
        }
    }
    if t.lang == "en" && rng.chance(0.01) {
        text.push_str(&format!(
            " You can call me on 021 {} {}.",
            100 + rng.below(900),
            1000 + rng.below(9000)
        ));
    }
    t.wants_answer = wants;
    decorate(rng, text, &mut t);
    t
}

/// The account answering a member of the public.
pub fn answer(rng: &mut Rng, to: &str) -> String {
    let body = {
        let tpl = rng.word(ANSWERS);
        fill(rng, tpl)
    };
    format!("@{to} {body}")
}

/// An announcement by the account.
pub fn announcement(rng: &mut Rng) -> Text {
    let body = {
        let tpl = rng.word(ANNOUNCEMENTS);
        fill(rng, tpl)
    };
    let mut t = Text::english();
    let tag = "NorthlineAlerts".to_string();
    let url = format!("https://northline.example/alerts/{}", rng.below(1000));
    let text = format!("{body} #{tag} {url}");
    t.hashtags.push(tag);
    t.urls.push(url);
    t.text = text;
    t
}
