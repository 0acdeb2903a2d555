//! Telegram Desktop's "Export chat history" JSON (`result.json`): one chat
//! (`{"name", "type", "id", "messages": [...]}`), or a whole account export whose chats
//! are in `chats.list[]`.
//!
//! A message's time is `date_unixtime` (UTC epoch seconds; `date` is the exporting
//! machine's local time without a zone and is used, as UTC, only when the former is
//! missing). `text` is a string or a list of strings and entity objects (`{"type",
//! "text"}`), joined. Ids are per chat, so a post id is `<chat id>/<message id>`, and
//! `reply_to_message_id` becomes the parent's post id the same way. Reactions are summed
//! into likes; a forwarded message is a repost. Service messages (joins, pins, title
//! changes) carry no post: they are skipped, not rejected. A channel's own posts
//! (`from_id` = `channel<chat id>`) are the owner's.

use super::json::{array_at, int_at, str_at, string_at};
use super::{record_reject, Ctx, DocFormat};
use crate::model::{Draft, Kind, Post, Reject};
use crate::text::{parse_iso8601, unix_seconds};
use serde_json::Value;

/// Format name `telegram`, as `inputs[].format` and rejects give it.
pub const NAME: &str = "telegram";

/// Telegram: telegram export (one JSON document).
pub struct TelegramExport;

fn is_chat(v: &Value) -> bool {
    v.get("messages").is_some_and(Value::is_array)
        && v.get("id").is_some()
        && str_at(v, &["type"]).is_some()
}

/// The chats of an export: the document itself, or `chats.list[]`.
fn chats(doc: &Value) -> Vec<&Value> {
    if is_chat(doc) {
        vec![doc]
    } else {
        array_at(doc, &["chats", "list"])
            .iter()
            .filter(|c| is_chat(c))
            .collect()
    }
}

impl DocFormat for TelegramExport {
    fn name(&self) -> &'static str {
        NAME
    }
    fn sniff(&self, doc: &Value) -> bool {
        !chats(doc).is_empty()
    }
    fn parse(&self, doc: Value, ctx: &Ctx, out: &mut Vec<Draft>, rejects: &mut Vec<Reject>) {
        // Record positions count messages across the export's chats.
        let mut index = 0u64;
        for chat in chats(&doc) {
            let chat_id = super::json::id_at(chat, &["id"]).unwrap_or_default();
            for m in array_at(chat, &["messages"]) {
                let position = index;
                index += 1;
                if str_at(m, &["type"]) == Some("service") {
                    continue;
                }
                match message(m, chat, &chat_id) {
                    Ok(mut d) => {
                        d.post.source_position = position;
                        out.push(d);
                    }
                    Err(reason) => {
                        rejects.push(record_reject(ctx, NAME, position as usize, reason, m))
                    }
                }
            }
        }
    }
}

/// `text` as a string, or the concatenated texts of a list of strings and entities.
fn text_of(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(parts)) => parts
            .iter()
            .map(|p| match p {
                Value::String(s) => s.as_str(),
                other => str_at(other, &["text"]).unwrap_or(""),
            })
            .collect(),
        _ => String::new(),
    }
}

fn message(m: &Value, chat: &Value, chat_id: &str) -> Result<Draft, String> {
    let id = super::json::id_at(m, &["id"]).ok_or("message without id")?;
    let created_at = match m.get("date_unixtime") {
        Some(Value::String(s)) => s.trim().parse::<f64>().ok().and_then(unix_seconds),
        Some(Value::Number(n)) => n.as_f64().and_then(unix_seconds),
        _ => str_at(m, &["date"]).and_then(|d| parse_iso8601(&format!("{d}Z"))),
    }
    .ok_or("message without a readable date_unixtime or date")?;
    let mut p = Post::new(
        NAME,
        format!("{chat_id}/{id}"),
        created_at,
        text_of(m.get("text")),
    );
    p.author_id = string_at(m, &["from_id"]);
    p.author_handle = string_at(m, &["from"]);
    p.reply_to_id =
        super::json::id_at(m, &["reply_to_message_id"]).map(|r| format!("{chat_id}/{r}"));
    p.kind = if m.get("forwarded_from").is_some() {
        Kind::Repost
    } else if p.reply_to_id.is_some() {
        Kind::Reply
    } else {
        Kind::Original
    };
    let reactions = array_at(m, &["reactions"]);
    if !reactions.is_empty() {
        p.counts.likes = Some(reactions.iter().filter_map(|r| int_at(r, &["count"])).sum());
    }
    let by_channel = p.author_id.as_deref() == Some(&format!("channel{chat_id}"));
    let mut d = Draft::new(p);
    d.by_owner = by_channel;
    if let Some(name) = string_at(chat, &["name"]) {
        d.addressed_to.push(name);
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_entities_are_joined() {
        let v: Value = serde_json::from_str(
            r#"["Night buses: ", {"type": "bold", "text": "every 20 min"}, " — see ", {"type": "link", "text": "https://northline.example"}]"#,
        )
        .expect("json");
        assert_eq!(
            text_of(Some(&v)),
            "Night buses: every 20 min — see https://northline.example"
        );
        assert_eq!(text_of(None), "");
    }
}
