//! What changes when the organisation changes its risk method: how stored scores move onto
//! the new scales, and a description of the change for the audit trail.

use super::method::{RiskMethod, Scale};

/// Moves 1-based scores from the scales of `old` to those of `new`, each axis on its own.
///
/// The rule keeps a score's relative position on its scale: step `k` of `n` becomes
/// `round(1 + (k − 1)(m − 1)/(n − 1))` on a scale of `m`, with halves rounded up so that a
/// re-scored risk is never rated lower than its position warrants. The lowest and highest steps
/// stay lowest and highest. A scale of the same size keeps the score as it is; a score outside
/// the old scale is first moved onto it (0 counts as 1, above the top as the top).
pub fn rescore(old: &RiskMethod, new: &RiskMethod, likelihood: u8, impact: u8) -> (u8, u8) {
    (
        map_step(likelihood, old.likelihood.size(), new.likelihood.size()),
        map_step(impact, old.impact.size(), new.impact.size()),
    )
}

fn map_step(k: u8, n: usize, m: usize) -> u8 {
    if n == m {
        return k;
    }
    if n <= 1 || m <= 1 {
        return 1;
    }
    let k = usize::from(k).clamp(1, n);
    let (num, den) = ((k - 1) * (m - 1), n - 1);
    // Integer round-half-up of num / den.
    let step = 1 + (2 * num + den) / (2 * den);
    u8::try_from(step).unwrap_or(u8::MAX)
}

/// What differs between two risk methods, and what that means for the stored risks.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MethodChange {
    /// A scale gained or lost levels: stored scores must be moved with [`rescore`].
    pub rescore_needed: bool,
    /// The matrix or the risk levels changed: risks may now fall in another level.
    pub levels_changed: bool,
    /// The acceptance criteria changed: which risks are within appetite or need sign-off may differ.
    pub criteria_changed: bool,
    /// One line per difference, in words for the audit trail.
    pub details: Vec<String>,
}

impl MethodChange {
    /// Compares `old` with `new`.
    pub fn between(old: &RiskMethod, new: &RiskMethod) -> Self {
        let mut details = Vec::new();
        compare_scale("likelihood", &old.likelihood, &new.likelihood, &mut details);
        compare_scale("impact", &old.impact, &new.impact, &mut details);
        let rescore_needed = old.likelihood.size() != new.likelihood.size()
            || old.impact.size() != new.impact.size();
        let before = details.len();
        compare_risk_levels(old, new, &mut details);
        compare_matrix(old, new, &mut details);
        let levels_changed = rescore_needed || details.len() > before;
        let before = details.len();
        let same_levels = old.risk_levels.len() == new.risk_levels.len();
        for (what, a, b) in [
            (
                "acceptable up to",
                old.acceptable_up_to,
                new.acceptable_up_to,
            ),
            (
                "sign-off required from",
                old.requires_sign_off_from,
                new.requires_sign_off_from,
            ),
        ] {
            let (la, lb) = (old.level_label(a), new.level_label(b));
            let differs = if same_levels { a != b } else { la != lb };
            if differs {
                details.push(format!("{what}: {la:?} → {lb:?}"));
            }
        }
        if old.accept_above_appetite != new.accept_above_appetite {
            let roles = |m: &RiskMethod| labels(m.accept_above_appetite.iter().map(|r| r.label()));
            details.push(format!(
                "may accept above the appetite: {} → {}",
                roles(old),
                roles(new)
            ));
        }
        let criteria_changed = details.len() > before;
        MethodChange {
            rescore_needed,
            levels_changed,
            criteria_changed,
            details,
        }
    }

    /// Whether the two methods are the same.
    pub fn is_empty(&self) -> bool {
        self.details.is_empty()
    }
}

/// One line per difference between `old` and `new`, for the audit trail.
pub fn describe_change(old: &RiskMethod, new: &RiskMethod) -> Vec<String> {
    MethodChange::between(old, new).details
}

fn labels<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn compare_scale(name: &str, old: &Scale, new: &Scale, out: &mut Vec<String>) {
    if old.size() != new.size() {
        out.push(format!(
            "{name} scale: {} levels ({}) → {} levels ({}); scores re-mapped by position",
            old.size(),
            labels(old.levels.iter().map(|l| l.label.as_str())),
            new.size(),
            labels(new.levels.iter().map(|l| l.label.as_str())),
        ));
        return;
    }
    for (n, (a, b)) in (1..).zip(old.levels.iter().zip(&new.levels)) {
        if a.label != b.label {
            out.push(format!("{name} level {n}: {:?} → {:?}", a.label, b.label));
        }
        if a.description != b.description {
            out.push(format!(
                "{name} level {n} ({}): description changed",
                b.label
            ));
        }
    }
}

fn compare_risk_levels(old: &RiskMethod, new: &RiskMethod, out: &mut Vec<String>) {
    let (a, b) = (&old.risk_levels, &new.risk_levels);
    if a.len() != b.len() {
        out.push(format!(
            "risk levels: {} → {}",
            labels(a.iter().map(|l| l.label.as_str())),
            labels(b.iter().map(|l| l.label.as_str())),
        ));
        return;
    }
    for (n, (a, b)) in (1..).zip(a.iter().zip(b)) {
        if a.label != b.label {
            out.push(format!("risk level {n}: {:?} → {:?}", a.label, b.label));
        }
        if a.description != b.description {
            out.push(format!("risk level {n} ({}): description changed", b.label));
        }
        if a.colour != b.colour {
            out.push(format!(
                "risk level {n} ({}): colour {} → {}",
                b.label, a.colour, b.colour
            ));
        }
    }
}

fn compare_matrix(old: &RiskMethod, new: &RiskMethod, out: &mut Vec<String>) {
    if old.likelihood.size() != new.likelihood.size() || old.impact.size() != new.impact.size() {
        out.push("matrix: redrawn for the new scales".into());
        return;
    }
    // With the same number of risk levels a cell keeps its meaning when a level is renamed, so
    // cells compare by position; otherwise positions mean other levels and labels compare.
    let same_levels = old.risk_levels.len() == new.risk_levels.len();
    for (l, (row_a, row_b)) in (1..).zip(old.matrix.iter().zip(&new.matrix)) {
        for (i, (&a, &b)) in (1..).zip(row_a.iter().zip(row_b)) {
            let (la, lb) = (old.level_label(a), new.level_label(b));
            let differs = if same_levels { a != b } else { la != lb };
            if differs {
                out.push(format!("matrix: likelihood {l} × impact {i}: {la} → {lb}"));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn three_by_three() -> RiskMethod {
        let mut m = RiskMethod::default_five_by_five();
        m.likelihood.levels.truncate(3);
        m.impact.levels.truncate(3);
        m.matrix = vec![vec![0, 0, 1], vec![0, 1, 2], vec![1, 2, 3]];
        m.validate().unwrap()
    }

    fn seven_by_seven() -> RiskMethod {
        let mut m = RiskMethod::default_five_by_five();
        for scale in [&mut m.likelihood, &mut m.impact] {
            for extra in ["Sixth", "Seventh"] {
                scale.levels.push(scale.levels[0].clone());
                scale.levels.last_mut().unwrap().label = extra.into();
            }
        }
        m.matrix = (1..=7)
            .map(|l| (1..=7).map(|i| ((l * i) / 13).min(3)).collect())
            .collect();
        m.validate().unwrap()
    }

    #[test]
    fn five_steps_map_onto_three_by_position_with_halves_rounded_up() {
        let (five, three) = (RiskMethod::default_five_by_five(), three_by_three());
        let got: Vec<(u8, u8)> = (1..=5).map(|k| rescore(&five, &three, k, 6 - k)).collect();
        assert_eq!(got, [(1, 3), (2, 3), (2, 2), (3, 2), (3, 1)]);
    }

    #[test]
    fn three_steps_spread_over_five_and_five_over_seven() {
        let (five, three, seven) = (
            RiskMethod::default_five_by_five(),
            three_by_three(),
            seven_by_seven(),
        );
        let up: Vec<u8> = (1..=3).map(|k| rescore(&three, &five, k, k).0).collect();
        assert_eq!(up, [1, 3, 5]);
        let wide: Vec<u8> = (1..=5).map(|k| rescore(&five, &seven, k, 1).0).collect();
        assert_eq!(wide, [1, 3, 4, 6, 7]);
    }

    #[test]
    fn the_same_size_keeps_scores_and_stray_scores_are_moved_onto_the_old_scale_first() {
        let (five, three) = (RiskMethod::default_five_by_five(), three_by_three());
        let mut other = five.clone();
        other.likelihood.levels[0].label = "Hardly ever".into();
        assert_eq!(rescore(&five, &other, 4, 2), (4, 2));
        assert_eq!(rescore(&five, &three, 0, 9), (1, 3));
    }

    #[test]
    fn an_unchanged_method_describes_no_change() {
        let m = RiskMethod::default_five_by_five();
        let change = MethodChange::between(&m, &m);
        assert!(change.is_empty());
        assert_eq!(change, MethodChange::default());
    }

    #[test]
    fn renames_colours_cells_and_criteria_are_each_described() {
        let old = RiskMethod::default_five_by_five();
        let mut new = old.clone();
        new.impact.levels[4].label = "Catastrophic".into();
        new.risk_levels[3].colour = "#000000".into();
        new.matrix[0][4] = 2;
        new.acceptable_up_to = 0;
        let change = MethodChange::between(&old, &new);
        assert_eq!(
            change.details,
            [
                "impact level 5: \"Severe\" → \"Catastrophic\"",
                "risk level 4 (Critical): colour #c62828 → #000000",
                "matrix: likelihood 1 × impact 5: Medium → High",
                "acceptable up to: \"Medium\" → \"Low\"",
            ]
        );
        assert!(!change.rescore_needed);
        assert!(change.levels_changed && change.criteria_changed);
    }

    #[test]
    fn a_resized_scale_asks_for_rescoring() {
        let change = MethodChange::between(&RiskMethod::default_five_by_five(), &three_by_three());
        assert!(change.rescore_needed && change.levels_changed);
        assert!(!change.criteria_changed);
        assert!(
            change.details[0].starts_with("likelihood scale: 5 levels"),
            "{:?}",
            change.details
        );
        assert!(
            change
                .details
                .contains(&"matrix: redrawn for the new scales".to_string())
        );
    }
}
