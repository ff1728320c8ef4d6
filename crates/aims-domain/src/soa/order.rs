//! The order people expect control ids in: numbers compared as numbers, so that A.2.10 comes
//! after A.2.2 and A.10.1 after A.9.4, and the organisation's own controls after Annex A.

use std::cmp::Ordering;

use super::implementation::ControlRef;

/// Compares two ids part by part, runs of digits by their value and other runs as text
/// ignoring case; ties (such as `A.01` and `A.1`) fall back to plain text so the order stays
/// total.
pub fn natural_order(a: &str, b: &str) -> Ordering {
    let mut left = runs(a);
    let mut right = runs(b);
    loop {
        match (left.next(), right.next()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let order = match (is_number(x), is_number(y)) {
                    (true, true) => compare_numbers(x, y),
                    // A number sorts before text, as "A.2" before "A.b".
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => lower(x).cmp(lower(y)),
                };
                if order != Ordering::Equal {
                    return order;
                }
            }
        }
    }
}

/// Annex A controls first, then own controls, each in [`natural_order`] of their ids.
pub fn control_order(a: &ControlRef, b: &ControlRef) -> Ordering {
    a.own.cmp(&b.own).then_with(|| natural_order(&a.id, &b.id))
}

/// Splits `text` into alternating runs of ASCII digits and of everything else.
fn runs(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let digits = first.is_ascii_digit();
        let end = rest
            .find(|c: char| c.is_ascii_digit() != digits)
            .unwrap_or(rest.len());
        let (run, tail) = rest.split_at(end);
        rest = tail;
        Some(run)
    })
}

fn lower(run: &str) -> impl Iterator<Item = char> {
    run.chars().flat_map(char::to_lowercase)
}

fn is_number(run: &str) -> bool {
    run.starts_with(|c: char| c.is_ascii_digit())
}

/// Compares digit runs by value without parsing, so arbitrarily long numbers cannot overflow.
fn compare_numbers(x: &str, y: &str) -> Ordering {
    let x = x.trim_start_matches('0');
    let y = y.trim_start_matches('0');
    x.len().cmp(&y.len()).then_with(|| x.cmp(y))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_compare_by_value_not_by_text() {
        let mut ids = vec!["A.10.1", "A.2.10", "A.6.2.4", "A.2.2", "A.9.4", "A.6.1.2"];
        ids.sort_by(|a, b| natural_order(a, b));
        assert_eq!(
            ids,
            ["A.2.2", "A.2.10", "A.6.1.2", "A.6.2.4", "A.9.4", "A.10.1"]
        );
        // Plain text order would put A.10 first; make sure that is not what we do.
        assert_eq!(natural_order("A.10.1", "A.9.4"), Ordering::Greater);
        assert_eq!(natural_order("A.2.2", "A.2.10"), Ordering::Less);
    }

    #[test]
    fn shorter_prefixes_and_leading_zeros_are_ordered_totally() {
        assert_eq!(natural_order("A.6", "A.6.1"), Ordering::Less);
        assert_eq!(natural_order("A.6.1", "A.6"), Ordering::Greater);
        assert_eq!(natural_order("ORG-007", "ORG-7"), Ordering::Less);
        assert_eq!(natural_order("ORG-7", "ORG-7"), Ordering::Equal);
        assert_eq!(natural_order("org-2", "ORG-10"), Ordering::Less);
        assert_eq!(
            natural_order("X-99999999999999999999999", "X-100000000000000000000000"),
            Ordering::Less
        );
    }

    #[test]
    fn own_controls_come_after_annex_a() {
        let mut controls = [
            ControlRef::own("ORG-10", "ten"),
            ControlRef::annex_a("A.10.4", "last of annex a"),
            ControlRef::own("ORG-2", "two"),
            ControlRef::annex_a("A.2.2", "first"),
        ];
        controls.sort_by(control_order);
        let ids: Vec<&str> = controls.iter().map(|c| c.id.as_str()).collect();
        assert_eq!(ids, ["A.2.2", "A.10.4", "ORG-2", "ORG-10"]);
    }
}
