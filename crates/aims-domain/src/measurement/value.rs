//! A measured quantity, kept exactly: whole millionths, so that both engines store it as an
//! integer and thresholds compare without rounding surprises.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::validation::ValidationError;

/// Largest magnitude a value may have: a trillion, far beyond any rate, share or count.
const LIMIT: f64 = 1e12;
const SCALE: f64 = 1_000_000.0;

/// A metric's value, with six decimal places. In JSON it is a number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MetricValue(i64);

impl MetricValue {
    /// The value `millionths` / 1,000,000, as stored.
    pub const fn from_millionths(millionths: i64) -> Self {
        Self(millionths)
    }

    /// Whole millionths, as stored.
    pub const fn as_millionths(self) -> i64 {
        self.0
    }

    /// `number`, rounded to six places; names `field` when it is not a finite number within
    /// a trillion either side of zero.
    pub fn from_f64(field: &'static str, number: f64) -> Result<Self, ValidationError> {
        if !number.is_finite() || number.abs() > LIMIT {
            return Err(ValidationError::new(
                field,
                "must be a number between -1000000000000 and 1000000000000",
            ));
        }
        Ok(Self((number * SCALE).round() as i64))
    }

    /// Reads a number people typed (`12`, `0.25`, `-3.5`, `1e3`); names `field` when it is
    /// not one.
    pub fn parse(field: &'static str, text: &str) -> Result<Self, ValidationError> {
        let text = text.trim();
        let number: f64 = text
            .parse()
            .map_err(|_| ValidationError::new(field, format!("{text:?} is not a number")))?;
        Self::from_f64(field, number)
    }

    /// The value as a floating-point number, for charts and JSON.
    pub fn as_f64(self) -> f64 {
        self.0 as f64 / SCALE
    }

    /// A share of `part` in `whole`, in percent (0 when `whole` is 0).
    pub fn percent(part: i64, whole: i64) -> Self {
        if whole <= 0 {
            return Self(0);
        }
        // In integer millionths of a percent, rounded half up, so that 1 of 3 is 33.333333.
        let scaled = i128::from(part) * 100 * 1_000_000;
        let whole = i128::from(whole);
        Self(((scaled * 2 + whole) / (whole * 2)) as i64)
    }

    /// A whole count.
    pub fn count(n: i64) -> Self {
        Self(n.saturating_mul(1_000_000))
    }
}

impl fmt::Display for MetricValue {
    /// The shortest exact decimal: `12`, `0.25`, `-3.5`, `33.333333`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let (whole, frac) = (abs / 1_000_000, abs % 1_000_000);
        if frac == 0 {
            return write!(f, "{sign}{whole}");
        }
        let digits = format!("{frac:06}");
        write!(f, "{sign}{whole}.{}", digits.trim_end_matches('0'))
    }
}

impl Serialize for MetricValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_f64(self.as_f64())
    }
}

impl<'de> Deserialize<'de> for MetricValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = f64::deserialize(deserializer)?;
        MetricValue::from_f64("value", number).map_err(|e| serde::de::Error::custom(e.message))
    }
}

#[cfg(test)]
mod tests {
    use super::MetricValue;

    #[test]
    fn values_keep_six_places_and_print_the_shortest_decimal() {
        let v = |t: &str| MetricValue::parse("value", t).unwrap();
        assert_eq!(v("12").to_string(), "12");
        assert_eq!(v("0.25").to_string(), "0.25");
        assert_eq!(v("-3.5").to_string(), "-3.5");
        assert_eq!(v("-0.5").to_string(), "-0.5");
        assert_eq!(v("1e3").to_string(), "1000");
        assert_eq!(v("0.1234567").to_string(), "0.123457");
        assert!(v("0.1") < v("0.2"));
    }

    #[test]
    fn what_is_not_a_finite_number_in_range_is_refused_by_field() {
        for bad in ["", "abc", "NaN", "inf", "1e13", "-2e12"] {
            let err = MetricValue::parse("target", bad).unwrap_err();
            assert_eq!(err.field, "target", "{bad}");
        }
    }

    #[test]
    fn shares_round_half_up_and_an_empty_whole_is_zero() {
        assert_eq!(MetricValue::percent(1, 3).to_string(), "33.333333");
        assert_eq!(MetricValue::percent(2, 3).to_string(), "66.666667");
        assert_eq!(MetricValue::percent(3, 3).to_string(), "100");
        assert_eq!(MetricValue::percent(5, 0).to_string(), "0");
        assert_eq!(MetricValue::count(7).to_string(), "7");
    }
}
