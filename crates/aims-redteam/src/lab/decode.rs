//! How the weak lab reads a message: it decodes what an attacker encoded (base64, hex, ROT13,
//! tag characters, zero-width and look-alike letters, split payloads) before it obeys.

use std::sync::LazyLock;

use base64::Engine;
use regex::Regex;

use crate::converter::{from_tag_characters, rot13};

static BASE64_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9+/]{16,}={0,2}").expect("base64 pattern"));
static HEX_BLOCK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(?:[0-9a-f]{2}){8,}\b").expect("hex pattern"));
static SPLIT_PART: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"(?m)^part\d+ = ("(?:[^"\\]|\\.)*")$"#).expect("split pattern"));

/// What the user asked, after the decoding a weak assistant does.
pub(super) fn understood(message: &str, decode: bool) -> String {
    if !decode {
        return message.to_owned();
    }
    let hidden = from_tag_characters(message);
    if !hidden.is_empty() {
        return hidden;
    }
    let parts: Vec<String> = SPLIT_PART
        .captures_iter(message)
        .filter_map(|c| serde_json::from_str::<String>(&c[1]).ok())
        .collect();
    if !parts.is_empty() {
        return parts.concat();
    }
    let lower = message.to_lowercase();
    if lower.contains("base64")
        && let Some(block) = BASE64_BLOCK.find_iter(message).last()
        && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(block.as_str())
        && let Ok(text) = String::from_utf8(bytes)
    {
        return text;
    }
    if lower.contains("hexadecimal")
        && let Some(block) = HEX_BLOCK.find_iter(message).last()
    {
        let bytes: Option<Vec<u8>> = (0..block.as_str().len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&block.as_str()[i..i + 2], 16).ok())
            .collect();
        if let Some(text) = bytes.and_then(|b| String::from_utf8(b).ok()) {
            return text;
        }
    }
    if lower.contains("rot13") {
        let body = message.split("\n\n").last().unwrap_or(message);
        return rot13(body);
    }
    message
        .replace('\u{200b}', "")
        .chars()
        .map(|c| match c {
            'а' => 'a',
            'е' => 'e',
            'о' => 'o',
            'р' => 'p',
            'с' => 'c',
            'х' => 'x',
            'і' => 'i',
            'Α' => 'A',
            'Ο' => 'O',
            other => other,
        })
        .collect()
}

/// Leetspeak read back as letters, for matching only.
pub(super) fn unleet(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '4' => 'a',
            '3' => 'e',
            '1' => 'i',
            '0' => 'o',
            '5' => 's',
            '7' => 't',
            other => other,
        })
        .collect()
}
