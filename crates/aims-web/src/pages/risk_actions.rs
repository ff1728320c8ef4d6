//! A risk's treatment actions and review date as its page edits them: actions are written one
//! per line, `title | due date | done`, so the form works without script.

use aims_app::domain::risk::TreatmentAction;
use aims_app::domain::{Timestamp, ValidationError};

use super::form_date;

/// The actions as the text the page shows for editing.
pub fn actions_text(actions: &[TreatmentAction]) -> String {
    actions
        .iter()
        .map(|a| {
            let due = a.due.map(date_of).unwrap_or_default();
            let done = if a.done { " | done" } else { "" };
            match (due.is_empty(), a.done) {
                (true, false) => a.title.clone(),
                _ => format!("{} | {due}{done}", a.title),
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The `YYYY-MM-DD` of an instant.
pub fn date_of(at: Timestamp) -> String {
    at.to_datetime().date().to_string()
}

/// Reads the actions text back; an action keeps its owner when its title is unchanged.
pub fn parse_actions(
    text: &str,
    before: &[TreatmentAction],
) -> Result<Vec<TreatmentAction>, ValidationError> {
    let mut actions = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let mut parts = line.split('|').map(str::trim);
        let title = parts.next().unwrap_or_default().to_owned();
        let at = |message: &str| {
            ValidationError::new("actions", format!("line {}: {message}", number + 1))
        };
        let due = form_date("actions", parts.next().unwrap_or_default())
            .map_err(|_| at("the due date must be a date like 2027-06-30"))?;
        let done = match parts.next().unwrap_or_default() {
            "" => false,
            word if word.eq_ignore_ascii_case("done") => true,
            other => return Err(at(&format!("write \"done\" or nothing, not {other:?}"))),
        };
        if parts.next().is_some() {
            return Err(at("has more than title | due date | done"));
        }
        let owner = before
            .iter()
            .find(|a| a.title == title)
            .and_then(|a| a.owner);
        actions.push(TreatmentAction {
            title,
            owner,
            due,
            done,
        });
    }
    Ok(actions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actions_round_trip_through_their_text() {
        let owner = Some(aims_app::domain::UserId::new());
        let before = vec![TreatmentAction {
            title: "Bias test".into(),
            owner,
            due: None,
            done: false,
        }];
        let parsed = parse_actions(
            "Bias test | 2027-03-01\n\nRetrain the model | | done\nWrite the runbook",
            &before,
        )
        .unwrap();
        assert_eq!(parsed.len(), 3);
        assert_eq!(parsed[0].owner, owner, "an unchanged title keeps its owner");
        assert_eq!(parsed[0].due.map(date_of).as_deref(), Some("2027-03-01"));
        assert!(parsed[1].done && parsed[1].due.is_none());
        assert_eq!(
            actions_text(&parsed),
            "Bias test | 2027-03-01\nRetrain the model |  | done\nWrite the runbook"
        );
        assert_eq!(
            parse_actions(&actions_text(&parsed), &parsed).unwrap(),
            parsed
        );
    }

    #[test]
    fn a_bad_line_is_named() {
        let err = parse_actions("ok\nBad | 31/12/2027", &[]).unwrap_err();
        assert_eq!(err.field, "actions");
        assert!(
            err.message.contains("line 2") && err.message.contains("2027-06-30"),
            "{err:?}"
        );
        let err = parse_actions("x | | maybe", &[]).unwrap_err();
        assert!(err.message.contains("\"maybe\""), "{err:?}");
    }
}
