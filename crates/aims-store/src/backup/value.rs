//! The portable form of one stored value: the few kinds both engines store alike.

use serde::{Deserialize, Serialize};

use crate::batch::Cell;

/// The kind of a column, as both engines agree on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnKind {
    Text,
    Integer,
    Bytes,
}

impl ColumnKind {
    /// The kind of a column declared with `declared` (either engine's spelling).
    pub fn from_declared(declared: &str) -> Option<Self> {
        match declared.to_ascii_lowercase().as_str() {
            "text" | "character varying" | "varchar" => Some(ColumnKind::Text),
            "bigint" | "integer" | "int8" | "int" => Some(ColumnKind::Integer),
            "bytea" | "blob" => Some(ColumnKind::Bytes),
            _ => None,
        }
    }
}

/// One value of a row.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Value {
    Null,
    Integer(i64),
    Text(String),
    Bytes(#[serde(with = "base64_bytes")] Vec<u8>),
}

/// `value` as a cell of a column of `kind`, so that a NULL carries the type the engine expects.
pub(crate) fn cell(value: &Value, kind: ColumnKind) -> Result<Cell, String> {
    Ok(match (value, kind) {
        (Value::Null, ColumnKind::Text) => Cell::Text(None),
        (Value::Null, ColumnKind::Integer) => Cell::Integer(None),
        (Value::Null, ColumnKind::Bytes) => Cell::Bytes(None),
        (Value::Text(text), ColumnKind::Text) => Cell::Text(Some(text.clone())),
        (Value::Integer(n), ColumnKind::Integer) => Cell::Integer(Some(*n)),
        (Value::Bytes(bytes), ColumnKind::Bytes) => Cell::Bytes(Some(bytes.clone())),
        (other, kind) => return Err(format!("a {kind:?} column cannot hold {other:?}")),
    })
}

mod base64_bytes {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use serde::{Deserialize, Deserializer, Serializer};

    #[derive(serde::Serialize, serde::Deserialize)]
    struct Wrapped {
        base64: String,
    }

    pub fn serialize<S: Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(
            &Wrapped {
                base64: STANDARD.encode(bytes),
            },
            s,
        )
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        let wrapped = Wrapped::deserialize(d)?;
        STANDARD
            .decode(wrapped.base64)
            .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_json() {
        let row = vec![
            Value::Null,
            Value::Integer(-5),
            Value::Text("a".into()),
            Value::Bytes(vec![0, 255]),
        ];
        let text = serde_json::to_string(&row).unwrap();
        assert_eq!(text, r#"[null,-5,"a",{"base64":"AP8="}]"#);
        let back: Vec<Value> = serde_json::from_str(&text).unwrap();
        assert_eq!(back, row);
    }

    #[test]
    fn declared_types_of_both_engines_are_known() {
        assert_eq!(
            ColumnKind::from_declared("BIGINT"),
            Some(ColumnKind::Integer)
        );
        assert_eq!(
            ColumnKind::from_declared("bigint"),
            Some(ColumnKind::Integer)
        );
        assert_eq!(ColumnKind::from_declared("TEXT"), Some(ColumnKind::Text));
        assert_eq!(ColumnKind::from_declared("bytea"), Some(ColumnKind::Bytes));
        assert_eq!(ColumnKind::from_declared("jsonb"), None);
    }
}
