//! Flat JSON records read without building a `serde_json::Value` tree.
//!
//! A listening-tool export line is one object whose mapped columns are top-level
//! scalars. Building a `Value` allocates a map and a string per key and per value; here
//! the keys are compared in place, unmapped values are skipped, and mapped strings are
//! borrowed from the line unless they hold escapes. The fields, and the error of a line
//! the tree would reject, equal what the `Value` path gives (tested below).

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Number;
use std::borrow::Cow;
use std::fmt;

/// One mapped field of a record.
#[derive(Debug, PartialEq)]
pub enum Field<'a> {
    /// A string.
    Str(Cow<'a, str>),
    /// A number.
    Num(Number),
    /// A boolean.
    Bool(bool),
    /// Null, an array or an object: no scalar value.
    Other,
}

impl Field<'_> {
    /// The field as text, as `Value`'s scalar rendering gives it; strings are lent.
    pub fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Field::Str(s) => Some(Cow::Borrowed(s)),
            Field::Num(n) => Some(Cow::Owned(n.to_string())),
            Field::Bool(b) => Some(Cow::Owned(b.to_string())),
            Field::Other => None,
        }
    }
}

/// The fields of one line named by `columns`, in the same order (`None`: absent).
/// A line that is valid JSON but not an object has no fields.
pub fn read<'a>(
    line: &'a [u8],
    columns: &[&str],
) -> Result<Vec<Option<Field<'a>>>, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let fields = Record { columns }.deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

struct Record<'c> {
    columns: &'c [&'c str],
}

impl Record<'_> {
    /// No field found (yet) for any column.
    fn none<'de>(&self) -> Vec<Option<Field<'de>>> {
        self.columns.iter().map(|_| None).collect()
    }
}

impl<'de> DeserializeSeed<'de> for Record<'_> {
    type Value = Vec<Option<Field<'de>>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

/// Anything but an object: valid, with no fields.
macro_rules! no_fields {
    ($($name:ident: $t:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $t) -> Result<Self::Value, E> {
            Ok(self.none())
        }
    )*};
}

impl<'de> Visitor<'de> for Record<'_> {
    type Value = Vec<Option<Field<'de>>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    no_fields!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64, visit_str: &str);
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.none())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(self.none())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = self.none();
        while let Some(slot) = map.next_key_seed(Key {
            columns: self.columns,
        })? {
            match slot {
                // A repeated key keeps its last value, as `Value`'s map does.
                Some(i) => out[i] = Some(map.next_value::<Field<'de>>()?),
                None => {
                    map.next_value::<Skip>()?;
                }
            }
        }
        Ok(out)
    }
}

/// A key, resolved to the index of the column it names without allocating.
struct Key<'c> {
    columns: &'c [&'c str],
}

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, k: &str) -> Result<Self::Value, E> {
        // The first listed match, the same rule `generic` looks a column up by.
        Ok(self.columns.iter().position(|c| *c == k))
    }
}

/// A value read in full and dropped. Unlike `IgnoredAny` it parses numbers and string
/// escapes as `Value` does, so a line is rejected exactly when the tree rejects it.
struct Skip;

impl<'de> de::Deserialize<'de> for Skip {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(SkipVisitor)?;
        Ok(Skip)
    }
}

struct SkipVisitor;

impl<'de> Visitor<'de> for SkipVisitor {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(())
    }
}

impl<'de> de::Deserialize<'de> for Field<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(FieldVisitor)
    }
}

struct FieldVisitor;

impl<'de> Visitor<'de> for FieldVisitor {
    type Value = Field<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        Ok(Field::Bool(b))
    }
    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        Ok(Field::Num(n.into()))
    }
    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        Ok(Field::Num(n.into()))
    }
    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Self::Value, E> {
        // serde_json never yields a non-finite float; `Other` keeps this total.
        Ok(Number::from_f64(n).map_or(Field::Other, Field::Num))
    }
    fn visit_borrowed_str<E: de::Error>(self, s: &'de str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E: de::Error>(self, s: String) -> Result<Self::Value, E> {
        Ok(Field::Str(Cow::Owned(s)))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Field::Other)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<Skip>()?.is_some() {}
        Ok(Field::Other)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        while map.next_entry::<Skip, Skip>()?.is_some() {}
        Ok(Field::Other)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::XorShift;
    use serde_json::Value;

    /// The reference: the tree, then `Value`'s scalar rendering.
    fn by_tree(line: &[u8], columns: &[&str]) -> Result<Vec<Option<String>>, String> {
        let v: Value = serde_json::from_slice(line).map_err(|e| e.to_string())?;
        Ok(columns
            .iter()
            .map(|c| match v.get(*c)? {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(b) => Some(b.to_string()),
                _ => None,
            })
            .collect())
    }

    fn flat(line: &[u8], columns: &[&str]) -> Result<Vec<Option<String>>, String> {
        let fields = read(line, columns).map_err(|e| e.to_string())?;
        Ok(fields
            .iter()
            .map(|f| f.as_ref().and_then(Field::text).map(Cow::into_owned))
            .collect())
    }

    #[test]
    fn equals_the_tree_on_generated_lines() {
        let columns = ["id", "text", "created_at", "likes", "x.y", "é"];
        let keys = [
            "id",
            "text",
            "created_at",
            "likes",
            "x.y",
            "é",
            "other",
            "t\\u0065xt",
            "i\\\"d",
        ];
        let values = [
            "\"1\"",
            "12",
            "-7",
            "1.5e3",
            "0.1",
            "18446744073709551616",
            "-0",
            "1E400",
            "true",
            "false",
            "null",
            "\"caf\\u00e9 \\\"q\\\" \\n\"",
            "\"😀 plain\"",
            "\"\\ud83d\\ude00\"",
            "[1,{\"id\":2}]",
            "{\"id\":\"nested\"}",
            "[]",
            "{}",
            "\"\"",
        ];
        let mut rng = XorShift(0x5eed_f1a7);
        let mut lines: Vec<String> = Vec::new();
        for _ in 0..20_000 {
            let n = rng.below(8);
            let pairs: Vec<String> = (0..n)
                .map(|_| {
                    format!(
                        "\"{}\" : {}",
                        keys[rng.below(keys.len())],
                        values[rng.below(values.len())]
                    )
                })
                .collect();
            let mut line = format!("{{{}}}", pairs.join(","));
            // Damage some lines: cut, trailing junk, not an object.
            match rng.below(12) {
                0 => {
                    let mut cut = rng.below(line.len() + 1);
                    while !line.is_char_boundary(cut) {
                        cut -= 1;
                    }
                    line.truncate(cut)
                }
                1 => line.push_str(" x"),
                2 => line = values[rng.below(values.len())].to_string(),
                3 => line.push_str("  \t"),
                _ => {}
            }
            lines.push(line);
        }
        let mut ok = 0;
        for line in &lines {
            let want = by_tree(line.as_bytes(), &columns);
            let got = flat(line.as_bytes(), &columns);
            assert_eq!(got, want, "{line}");
            ok += usize::from(want.is_ok_and(|w| w.iter().any(Option::is_some)));
        }
        // Most lines are objects with mapped fields: the comparison is not vacuous.
        assert!(ok > 5_000, "{ok}");
    }

    #[test]
    fn strings_without_escapes_are_borrowed() {
        let line = br#"{"id":"42","text":"caf\u00e9","n":[1]}"#;
        let f = read(line, &["text", "id"]).unwrap();
        assert!(matches!(&f[1], Some(Field::Str(Cow::Borrowed("42")))));
        assert!(matches!(&f[0], Some(Field::Str(Cow::Owned(s))) if s == "café"));
    }
}
