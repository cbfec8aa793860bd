//! Calendar dates (`YYYY-MM-DD`) for suppression and inventory expiries: a thin newtype over
//! `jiff::civil::Date`, which does the calendar (validity, leap years, day differences, today in
//! UTC). This module keeps only credlint's own input form and its error message.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(jiff::civil::Date);

/// 1970-01-01, the origin of [`Date::to_days`].
const EPOCH: jiff::civil::Date = jiff::civil::Date::constant(1970, 1, 1);

impl Date {
    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        Date(jiff::tz::Offset::UTC.to_datetime(jiff::Timestamp::now()).date())
    }

    /// Days since 1970-01-01.
    pub fn to_days(self) -> i64 {
        EPOCH.duration_until(self.0).as_secs().div_euclid(86_400)
    }

    /// Days from `self` to `other` (negative when `other` is earlier).
    pub fn days_until(self, other: Date) -> i64 {
        // Civil days are exactly 24 hours long, so the division is exact.
        self.0.duration_until(other.0).as_secs() / 86_400
    }
}

impl FromStr for Date {
    type Err = String;

    /// `YYYY-MM-DD`, strictly (four, two and two digits), optionally followed by the rest of a
    /// timestamp (`2026-03-14T00:00:00Z`, as TOML datetimes print), which is ignored. jiff's own
    /// parser is not used for the whole text: it accepts forms credlint never documented (signed
    /// six-digit years, `20260314`) and refuses a civil date followed by `Z`.
    fn from_str(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date (YYYY-MM-DD)");
        let prefix = text.trim().as_bytes().get(..10).ok_or_else(bad)?;
        let shape_ok =
            prefix.iter().enumerate().all(|(i, &b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        if !shape_ok {
            return Err(bad());
        }
        let number =
            |range: std::ops::Range<usize>| prefix[range].iter().fold(0i16, |n, &b| n * 10 + i16::from(b - b'0'));
        // Out-of-range months and days (`2026-13-01`, `2023-02-29`) are jiff's to refuse.
        let (year, month, day) = (number(0..4), number(5..7), number(8..10));
        let month = i8::try_from(month).map_err(|_| bad())?;
        let day = i8::try_from(day).map_err(|_| bad())?;
        jiff::civil::Date::new(year, month, day).map(Date).map_err(|_| bad())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), self.0.month(), self.0.day())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_since_the_epoch_and_between_dates() {
        assert_eq!("1970-01-01".parse::<Date>().unwrap().to_days(), 0);
        assert_eq!("2000-03-01".parse::<Date>().unwrap().to_days(), 11_017);
        assert_eq!("1969-12-31".parse::<Date>().unwrap().to_days(), -1);
        let leap: Date = "2024-02-28".parse().unwrap();
        assert_eq!(leap.days_until("2024-03-01".parse().unwrap()), 2);
        assert_eq!("2024-03-01".parse::<Date>().unwrap().days_until(leap), -2);
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for text in [
            "2023-02-29",
            "2026-13-01",
            "26-01-01",
            "2026-1-1",
            "tomorrow",
            "2026-04-31",
            "2026-00-10",
            "2026-01-00",
            "+02026-01-01",
            "20260101",
        ] {
            assert_eq!(text.parse::<Date>(), Err(format!("`{text}` is not a date (YYYY-MM-DD)")), "{text}");
        }
        assert_eq!("2026-03-14T00:00:00Z".parse::<Date>().unwrap().to_string(), "2026-03-14");
        assert_eq!(" 0999-01-02 ".parse::<Date>().unwrap().to_string(), "0999-01-02");
    }

    #[test]
    fn today_is_a_plausible_date() {
        assert!(Date::today() > "2024-01-01".parse().unwrap());
    }
}
