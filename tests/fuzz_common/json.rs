//! JSON-level fuzzing helpers for the root crate's targets (included with `#[path]`):
//! random values with the shape of a template, and type-confusing mutations.
#![allow(dead_code)]

use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::{Map, Value};

/// Integers that pass "> 0" checks most of the time, with the edges mixed in.
fn int() -> impl Strategy<Value = i64> {
    prop_oneof![
        4 => 1i64..1_000_000,
        1 => any::<i64>(),
        1 => prop::sample::select(vec![0i64, -1, i64::MAX, i64::MIN]),
    ]
}

/// Any JSON scalar or small container (no floats: those do not round-trip exactly).
pub fn any_value() -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{1,8}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
    .boxed()
}

/// Random values with the shape of `template`: same keys and types, random scalars,
/// arrays of 0–3 elements shaped like the template's first element.
pub fn shaped(template: &Value) -> BoxedStrategy<Value> {
    match template {
        Value::Null => Just(Value::Null).boxed(),
        Value::Bool(_) => any::<bool>().prop_map(Value::Bool).boxed(),
        Value::Number(_) => int().prop_map(Value::from).boxed(),
        Value::String(_) => "\\PC{0,12}".prop_map(Value::String).boxed(),
        Value::Array(items) => match items.first() {
            Some(first) => prop::collection::vec(shaped(first), 0..4)
                .prop_map(Value::Array)
                .boxed(),
            None => Just(Value::Array(Vec::new())).boxed(),
        },
        Value::Object(map) => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let values: Vec<BoxedStrategy<Value>> = map.values().map(shaped).collect();
            values
                .prop_map(move |vals| {
                    let obj: Map<String, Value> = keys.iter().cloned().zip(vals).collect();
                    Value::Object(obj)
                })
                .boxed()
        }
    }
}

/// One structural edit of a JSON document.
#[derive(Clone, Debug)]
pub enum JsonEdit {
    /// Replace the n-th node (pre-order) with another value (often of another type).
    Replace(Index, Value),
    /// Remove the n-th object member.
    DropKey(Index),
    /// Wrap the n-th node in `depth` arrays.
    Nest(Index, usize),
    /// Replace the n-th node with a huge number or a long string.
    Huge(Index, bool),
}

/// One to three JSON edits.
pub fn json_edits() -> impl Strategy<Value = Vec<JsonEdit>> {
    let edit = prop_oneof![
        4 => (any::<Index>(), any_value()).prop_map(|(i, v)| JsonEdit::Replace(i, v)),
        2 => any::<Index>().prop_map(JsonEdit::DropKey),
        1 => (any::<Index>(), 1usize..300).prop_map(|(i, d)| JsonEdit::Nest(i, d)),
        1 => (any::<Index>(), any::<bool>()).prop_map(|(i, s)| JsonEdit::Huge(i, s)),
    ];
    prop::collection::vec(edit, 1..4)
}

fn count(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count).sum(),
        Value::Object(m) => m.values().map(count).sum(),
        _ => 0,
    }
}

/// The n-th node in pre-order.
fn nth(v: &mut Value, n: usize) -> Option<&mut Value> {
    if n == 0 {
        return Some(v);
    }
    let mut rest = n - 1;
    let children: Vec<&mut Value> = match v {
        Value::Array(a) => a.iter_mut().collect(),
        Value::Object(m) => m.values_mut().collect(),
        _ => return None,
    };
    for c in children {
        let size = count(c);
        if rest < size {
            return nth(c, rest);
        }
        rest -= size;
    }
    None
}

/// Applies `edits` to a copy of `doc`.
pub fn apply_edits(doc: &Value, edits: &[JsonEdit]) -> Value {
    let mut doc = doc.clone();
    for e in edits {
        let total = count(&doc);
        let pick = |i: &Index| i.index(total);
        match e {
            JsonEdit::Replace(i, v) => {
                if let Some(node) = nth(&mut doc, pick(i)) {
                    *node = v.clone();
                }
            }
            JsonEdit::DropKey(i) => {
                if let Some(Value::Object(m)) = nth(&mut doc, pick(i)) {
                    let key = m.keys().next().cloned();
                    key.map(|k| m.remove(&k));
                }
            }
            JsonEdit::Nest(i, depth) => {
                if let Some(node) = nth(&mut doc, pick(i)) {
                    for _ in 0..*depth {
                        *node = Value::Array(vec![node.take()]);
                    }
                }
            }
            JsonEdit::Huge(i, string) => {
                if let Some(node) = nth(&mut doc, pick(i)) {
                    *node = if *string {
                        Value::String("x".repeat(1 << 20))
                    } else {
                        Value::from(u64::MAX)
                    };
                }
            }
        }
    }
    doc
}

/// Text that is nested `depth` deep (`[[[...` / `{"a":{"a":...`), unterminated.
pub fn deep_text(depth: usize, object: bool) -> String {
    let unit = if object { "{\"a\":" } else { "[" };
    unit.repeat(depth)
}

/// True when `v` holds a non-integer number anywhere.
pub fn has_float(v: &Value) -> bool {
    match v {
        Value::Number(n) => n.is_f64(),
        Value::Array(a) => a.iter().any(has_float),
        Value::Object(m) => m.values().any(has_float),
        _ => false,
    }
}
