//! Helpers the readers share for pulling typed fields out of JSON.

use serde_json::Value;

/// The string at `path` (object keys in order).
pub fn str_at<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    cur.as_str()
}

/// The string (or number, as text) at `path`, owned.
pub fn string_at(v: &Value, path: &[&str]) -> Option<String> {
    str_at(v, path)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Integer that may be a JSON number or a numeric string (X archives use strings).
pub fn int_at(v: &Value, path: &[&str]) -> Option<i64> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    as_int(cur)
}

/// An integer from a number or a numeric string.
pub fn as_int(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Id that may be a number or a string.
pub fn id_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for k in path {
        cur = cur.get(k)?;
    }
    match cur {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The array at `path`, or an empty slice.
pub fn array_at<'a>(v: &'a Value, path: &[&str]) -> &'a [Value] {
    let mut cur = v;
    for k in path {
        match cur.get(k) {
            Some(c) => cur = c,
            None => return &[],
        }
    }
    cur.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// The non-empty string `key` of every element of the array at `path` (hashtags,
/// mentioned handles, ...).
pub fn strings_at(v: &Value, path: &[&str], key: &str) -> Vec<String> {
    array_at(v, path)
        .iter()
        .filter_map(|e| string_at(e, &[key]))
        .collect()
}
