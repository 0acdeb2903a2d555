//! What can be kept of a JSON document that ends early or is damaged part way: the
//! records of its arrays up to the damage.
//!
//! Exports hold their records in one large array, either the document itself
//! (`[{...}, {...}]`) or a member of the top-level object (`{"comments_v2": [...]}`,
//! `{"orderedItems": [...]}`). A cut file loses only what follows the cut: the members
//! and array elements before it are parsed one at a time and kept, and the byte where
//! parsing stopped is reported.

use serde_json::{Map, Value};

/// A partial document: everything complete before `broke_at`, the byte offset (from the
/// start of the given slice) where the damage starts.
pub struct Salvaged {
    /// The document with the records before the damage.
    pub doc: Value,
    /// Byte offset where the document broke off.
    pub broke_at: usize,
    /// Complete elements kept from the array that was cut.
    pub kept: usize,
}

fn skip_ws(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    i
}

/// One complete JSON value starting at `i` (after whitespace): the value and the offset
/// just past it.
fn value_at(b: &[u8], i: usize) -> Option<(Value, usize)> {
    let mut it = serde_json::Deserializer::from_slice(&b[i..]).into_iter::<Value>();
    match it.next() {
        Some(Ok(v)) => Some((v, i + it.byte_offset())),
        _ => None,
    }
}

/// Elements of the array opening at `b[i] == b'['`, up to the first one that does not
/// parse. Returns the elements, where parsing stopped, and whether the array closed.
fn array_at(b: &[u8], i: usize) -> (Vec<Value>, usize, bool) {
    let mut out = Vec::new();
    let mut pos = skip_ws(b, i + 1);
    if b.get(pos) == Some(&b']') {
        return (out, pos + 1, true);
    }
    loop {
        let at = skip_ws(b, pos);
        let Some((v, end)) = value_at(b, at) else {
            return (out, at, false);
        };
        out.push(v);
        pos = skip_ws(b, end);
        match b.get(pos) {
            Some(b',') => pos += 1,
            Some(b']') => return (out, pos + 1, true),
            _ => return (out, pos, false),
        }
    }
}

/// Salvage a document whose whole parse failed. `None` when nothing can be kept (the
/// document is not an array or object, or breaks before its first record).
pub fn salvage(b: &[u8]) -> Option<Salvaged> {
    let start = skip_ws(b, 0);
    match b.get(start)? {
        b'[' => {
            let (items, broke_at, closed) = array_at(b, start);
            if closed || items.is_empty() {
                return None;
            }
            let kept = items.len();
            Some(Salvaged {
                doc: Value::Array(items),
                broke_at,
                kept,
            })
        }
        b'{' => {
            let mut map = Map::new();
            let mut pos = skip_ws(b, start + 1);
            while let Some((Value::String(key), end)) = value_at(b, pos) {
                pos = skip_ws(b, end);
                if b.get(pos) != Some(&b':') {
                    break;
                }
                pos = skip_ws(b, pos + 1);
                if let Some((v, end)) = value_at(b, pos) {
                    map.insert(key, v);
                    pos = skip_ws(b, end);
                    match b.get(pos) {
                        Some(b',') => {
                            pos = skip_ws(b, pos + 1);
                            continue;
                        }
                        _ => break,
                    }
                }
                // The member that breaks: keep the complete elements of its array.
                if b.get(pos) == Some(&b'[') {
                    let (items, broke_at, _) = array_at(b, pos);
                    if items.is_empty() {
                        return None;
                    }
                    let kept = items.len();
                    map.insert(key, Value::Array(items));
                    return Some(Salvaged {
                        doc: Value::Object(map),
                        broke_at,
                        kept,
                    });
                }
                break;
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_array_keeps_its_complete_elements() {
        let doc = br#"[{"a":1}, {"a":2} , {"a":3, "b": [1,2"#;
        let s = salvage(doc).expect("salvaged");
        assert_eq!(s.doc, serde_json::json!([{"a":1},{"a":2}]));
        assert_eq!(s.kept, 2);
        assert_eq!(s.broke_at, 20);
        assert_eq!(&doc[s.broke_at..s.broke_at + 6], br#"{"a":3"#);
    }

    #[test]
    fn a_cut_member_array_keeps_the_members_before_it() {
        let doc = br#"{"meta": {"v": 1}, "items": [ {"id": "x"}, {"id": "y"}, {"id"#;
        let s = salvage(doc).expect("salvaged");
        assert_eq!(
            s.doc,
            serde_json::json!({"meta": {"v": 1}, "items": [{"id":"x"},{"id":"y"}]})
        );
        assert_eq!(s.kept, 2);
    }

    #[test]
    fn nothing_to_keep() {
        assert!(salvage(b"[").is_none());
        assert!(salvage(br#"{"items": [{"id"#).is_none());
        assert!(salvage(b"\"text").is_none());
        assert!(salvage(b"").is_none());
        // A complete document is not damaged: nothing to salvage.
        assert!(salvage(br#"[1, 2]"#).is_none());
    }
}
