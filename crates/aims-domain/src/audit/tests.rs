use proptest::prelude::*;
use serde_json::json;

use super::*;

fn actor(label: &str) -> AuditActor {
    AuditActor {
        kind: "user".into(),
        id: "u1".into(),
        label: label.into(),
    }
}

fn chain(org: OrgId, len: usize) -> Vec<AuditEvent> {
    let mut events: Vec<AuditEvent> = Vec::new();
    for i in 0..len {
        let prev = events.last().map(|e| (e.seq, e.hash));
        let event = NewAuditEvent::new(
            actor(&format!("person{i}@example.org")),
            AuditAction::MemberInvited,
            format!("obj-{i}"),
            json!({"role": "viewer", "n": i}),
        )
        .seal(
            org,
            prev,
            Timestamp::from_micros(1_700_000_000_000_000 + i as i64),
        );
        events.push(event);
    }
    events
}

/// Flips one byte of one text field of one event, keeping it valid UTF-8.
fn tamper(event: &mut AuditEvent, field: usize, position: usize) {
    fn flip(text: &mut String, position: usize) {
        let mut bytes = std::mem::take(text).into_bytes();
        if bytes.is_empty() {
            bytes.push(b'x');
        } else {
            let i = position % bytes.len();
            // Only ASCII is flipped, and to another ASCII byte, so the text stays UTF-8.
            bytes[i] = if bytes[i] == b'a' {
                b'b'
            } else if bytes[i].is_ascii() {
                b'a'
            } else {
                bytes[i]
            };
            if bytes.iter().all(|b| !b.is_ascii()) {
                bytes.push(b'x');
            }
        }
        *text = String::from_utf8(bytes).expect("ascii flip keeps utf-8");
    }
    match field % 8 {
        0 => flip(&mut event.actor.label, position),
        1 => flip(&mut event.actor.id, position),
        2 => flip(&mut event.action, position),
        3 => flip(&mut event.object_type, position),
        4 => flip(&mut event.object_id, position),
        5 => flip(&mut event.change, position),
        6 => {
            event.occurred_at =
                Timestamp::from_micros(event.occurred_at.as_micros() ^ (1 << (position % 40)));
        }
        _ => event.prev_hash.0[position % 32] ^= 1 << (position % 8),
    }
}

#[test]
fn an_untouched_chain_verifies() {
    let org = OrgId::new();
    assert_eq!(verify_chain(org, &chain(org, 20)), Ok(20));
    assert_eq!(verify_chain(org, &[]), Ok(0));
}

#[test]
fn canonical_json_sorts_keys_at_every_level() {
    let a = canonical_json(&json!({"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": null}}));
    assert_eq!(a, r#"{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}"#);
}

#[test]
fn hashes_print_and_parse_as_hex() {
    let org = OrgId::new();
    let event = &chain(org, 1)[0];
    let text = event.hash.to_string();
    assert_eq!(text.len(), 64);
    assert_eq!(text.parse::<ChainHash>().unwrap(), event.hash);
    assert!("zz".parse::<ChainHash>().is_err());
}

#[test]
fn an_event_of_another_organisation_is_refused() {
    let org = OrgId::new();
    let events = chain(OrgId::new(), 2);
    let err = verify_chain(org, &events).unwrap_err();
    assert_eq!(err.seq, 1);
}

proptest! {
    #[test]
    fn any_changed_byte_is_detected(len in 1usize..12, at in 0usize..12, field in 0usize..8, position in 0usize..200) {
        let org = OrgId::new();
        let mut events = chain(org, len);
        let at = at % len;
        let before = events[at].clone();
        tamper(&mut events[at], field, position);
        prop_assume!(events[at] != before);
        let err = verify_chain(org, &events).unwrap_err();
        prop_assert_eq!(err.seq, before.seq);
    }

    #[test]
    fn a_removed_event_is_detected(len in 2usize..12, at in 0usize..12) {
        let org = OrgId::new();
        let mut events = chain(org, len);
        let at = at % (len - 1); // removing the last event leaves a shorter valid chain
        let removed = events.remove(at);
        let err = verify_chain(org, &events).unwrap_err();
        prop_assert_eq!(err.seq, removed.seq + 1);
    }

    #[test]
    fn a_reordered_pair_is_detected(len in 2usize..12, at in 0usize..12) {
        let org = OrgId::new();
        let mut events = chain(org, len);
        let at = at % (len - 1);
        events.swap(at, at + 1);
        prop_assert!(verify_chain(org, &events).is_err());
    }

    #[test]
    fn an_inserted_event_is_detected(len in 1usize..12, at in 0usize..12) {
        let org = OrgId::new();
        let mut events = chain(org, len);
        // Inserted before an existing event; one added after the last is an extension, which
        // only an anchor kept outside the database can reveal.
        let at = at % len;
        // A forger who knows the algorithm seals a new event onto the one before it.
        let prev = if at == 0 { None } else { Some((events[at - 1].seq, events[at - 1].hash)) };
        let forged = NewAuditEvent::new(actor("forger"), AuditAction::MemberRemoved, "x", json!({}))
            .seal(org, prev, Timestamp::from_micros(1));
        events.insert(at, forged);
        prop_assert!(verify_chain(org, &events).is_err());
    }
}

#[test]
fn events_timed_before_their_predecessor_are_named() {
    let org = OrgId::new();
    let mut events: Vec<AuditEvent> = Vec::new();
    for (i, micros) in [10, 20, 15, 30, 30, 5].into_iter().enumerate() {
        let prev = events.last().map(|e| (e.seq, e.hash));
        let event = NewAuditEvent::new(actor("a"), AuditAction::RiskUpdated, i, json!({})).seal(
            org,
            prev,
            Timestamp::from_micros(micros),
        );
        events.push(event);
    }
    let mut verifier = ChainVerifier::new(org);
    for event in &events {
        verifier.check(event).unwrap();
    }
    assert_eq!(verifier.timed_before_predecessor(), [3, 6]);
    let mut ordered = ChainVerifier::new(org);
    for event in &chain(org, 5) {
        ordered.check(event).unwrap();
    }
    assert!(ordered.timed_before_predecessor().is_empty());
}
