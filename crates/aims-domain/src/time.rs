//! Instants in UTC, stored as whole microseconds since the Unix epoch so that both database
//! engines keep them exactly and order them the same way.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

/// An instant in UTC with microsecond precision. In JSON it is RFC 3339 text; reading also
/// accepts a whole number of microseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(i64);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Micros(i64),
            Text(String),
        }
        match Either::deserialize(deserializer)? {
            Either::Micros(micros) => Ok(Timestamp(micros)),
            Either::Text(text) => Timestamp::parse_rfc3339(text.trim()).map_err(|_| {
                serde::de::Error::custom(format!(
                    "{text:?} is not an RFC 3339 date-time such as 2027-06-30T00:00:00Z"
                ))
            }),
        }
    }
}

impl Timestamp {
    /// The instant `micros` microseconds after the Unix epoch.
    pub const fn from_micros(micros: i64) -> Self {
        Self(micros)
    }

    /// Microseconds since the Unix epoch.
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// Converts from `time`'s type, dropping anything finer than a microsecond.
    pub fn from_datetime(at: OffsetDateTime) -> Self {
        Self((at.unix_timestamp_nanos() / 1_000) as i64)
    }

    /// This instant as an `OffsetDateTime` in UTC.
    pub fn to_datetime(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.0) * 1_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }

    /// Parses an RFC 3339 date-time such as `2026-11-28T10:00:00Z`.
    pub fn parse_rfc3339(text: &str) -> Result<Self, time::error::Parse> {
        OffsetDateTime::parse(text, &Rfc3339).map(Self::from_datetime)
    }

    /// A short form for people: `2026-11-28 09:30 UTC`.
    pub fn human(self) -> String {
        let at = self.to_datetime();
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02} UTC",
            at.year(),
            u8::from(at.month()),
            at.day(),
            at.hour(),
            at.minute()
        )
    }

    /// The day alone, for dates people set (review dates, due dates): `2026-11-28`.
    pub fn date(self) -> String {
        let at = self.to_datetime();
        format!(
            "{:04}-{:02}-{:02}",
            at.year(),
            u8::from(at.month()),
            at.day()
        )
    }

    /// This instant moved by `seconds` (negative moves back).
    pub fn plus_seconds(self, seconds: i64) -> Self {
        Self(self.0.saturating_add(seconds.saturating_mul(1_000_000)))
    }

    /// This instant moved by whole days.
    pub fn plus_days(self, days: i64) -> Self {
        self.plus_seconds(days.saturating_mul(Duration::DAY.whole_seconds()))
    }

    /// This instant moved by calendar months (0 to 1,200), on the same day of the month or
    /// the month's last day when it is shorter (31 January plus one month is 28 or 29
    /// February): how review cycles are counted.
    pub fn plus_months(self, months: u32) -> Self {
        let at = self.to_datetime();
        let total = i64::from(at.year()) * 12
            + i64::from(u8::from(at.month()) - 1)
            + i64::from(months.min(1_200));
        let (Ok(year), Ok(month)) = (
            i32::try_from(total.div_euclid(12)),
            u8::try_from(total.rem_euclid(12) + 1),
        ) else {
            return self;
        };
        let Ok(month) = time::Month::try_from(month) else {
            return self;
        };
        let day = at.day().min(month.length(year));
        match time::Date::from_calendar_date(year, month, day) {
            Ok(date) => Self::from_datetime(at.replace_date(date)),
            Err(_) => self,
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_datetime().format(&Rfc3339) {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "@{}us", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_calendar_months_ending_on_the_last_day_of_short_ones() {
        let at = |t: &str| Timestamp::parse_rfc3339(t).unwrap();
        let jan31 = at("2027-01-31T09:00:00Z");
        assert_eq!(jan31.plus_months(1), at("2027-02-28T09:00:00Z"));
        assert_eq!(
            at("2028-01-31T09:00:00Z").plus_months(1),
            at("2028-02-29T09:00:00Z")
        );
        assert_eq!(jan31.plus_months(12), at("2028-01-31T09:00:00Z"));
        assert_eq!(
            at("2027-11-15T00:00:00Z").plus_months(3),
            at("2028-02-15T00:00:00Z")
        );
        assert_eq!(jan31.plus_months(0), jan31);
    }

    #[test]
    fn json_holds_rfc3339_text_and_reads_micros_too() {
        let at = Timestamp::parse_rfc3339("2027-06-30T12:00:00Z").unwrap();
        assert_eq!(
            serde_json::to_string(&at).unwrap(),
            "\"2027-06-30T12:00:00Z\""
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>("\"2027-06-30T12:00:00Z\"").unwrap(),
            at
        );
        assert_eq!(
            serde_json::from_str::<Timestamp>(&at.as_micros().to_string()).unwrap(),
            at
        );
        let err = serde_json::from_str::<Timestamp>("\"next tuesday\"").unwrap_err();
        assert!(err.to_string().contains("RFC 3339"), "{err}");
    }

    #[test]
    fn formats_and_parses_rfc3339() {
        let at = Timestamp::parse_rfc3339("2026-11-28T10:00:00.5Z").unwrap();
        assert_eq!(at.as_micros(), 1_795_860_000_500_000);
        assert_eq!(at.to_string(), "2026-11-28T10:00:00.5Z");
        assert_eq!(at.human(), "2026-11-28 10:00 UTC");
        assert_eq!(at.date(), "2026-11-28");
        assert_eq!(at.plus_days(1).as_micros() - at.as_micros(), 86_400_000_000);
    }
}
