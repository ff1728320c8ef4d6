//! Article 50: the disclosure duties a system carries whatever its risk class.

use super::catalogue::cite;
use super::classification::Reason;
use super::questionnaire::Answers;

/// Article 50: the disclosure duties that apply, whatever the class.
pub fn transparency(answers: &Answers, reasons: &mut Vec<Reason>) -> Vec<String> {
    let mut duties = Vec::new();
    let mut add = |id: &str, text: &str, reasons: &mut Vec<Reason>| {
        reasons.push(Reason::new(id, format!("{}: {text}", cite(id))));
        duties.push(id.to_owned());
    };

    if answers.interacts_with_people && answers.obvious_to_people_it_is_ai {
        reasons.push(Reason::new(
            "art-50(1)",
            "Article 50(1) does not apply: it is obvious to people that they are dealing with an AI.",
        ));
    } else if answers.interacts_with_people {
        add(
            "art-50(1)",
            "the system interacts with people, so they must be told it is an AI.",
            reasons,
        );
    }
    if answers.generates_synthetic_content {
        add(
            "art-50(2)",
            "the system generates or alters content, so its output must be marked as AI-made in a machine-readable way.",
            reasons,
        );
    }
    // Emotion recognition and biometric categorisation in Annex III are by nature the systems
    // paragraph 3 speaks of, so the answer is implied by those points.
    let biometric = answers.emotion_recognition_or_biometric_categorisation
        || answers
            .annex_iii_points
            .iter()
            .any(|p| p == "annex-iii-1(b)" || p == "annex-iii-1(c)");
    if biometric {
        add(
            "art-50(3)",
            "the system recognises emotions or categorises people biometrically, so the people exposed must be informed.",
            reasons,
        );
    }
    let unreviewed_text =
        answers.publishes_text_on_public_interest && !answers.human_editorial_review;
    if answers.deep_fake || unreviewed_text {
        let what = match (answers.deep_fake, unreviewed_text) {
            (true, true) => "deep fakes and AI-written text published to inform the public",
            (true, false) => "deep fakes",
            _ => "AI-written text published to inform the public",
        };
        add(
            "art-50(4)",
            &format!("the deployer must disclose {what} as AI-generated or manipulated."),
            reasons,
        );
    }
    if answers.publishes_text_on_public_interest && answers.human_editorial_review {
        reasons.push(Reason::new(
            "art-50(4)",
            "No disclosure of the published text under Article 50(4): a person reviews it under editorial responsibility.",
        ));
    }
    duties
}
