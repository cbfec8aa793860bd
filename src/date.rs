//! Calendar dates (`YYYY-MM-DD`) for suppression and inventory expiries, without a date crate:
//! parsing, today's date in UTC, and day arithmetic through days since the Unix epoch.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Today in UTC, from the system clock.
    pub fn today() -> Date {
        let seconds =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |elapsed| elapsed.as_secs());
        Date::from_days((seconds / 86_400) as i64)
    }

    /// Days since 1970-01-01 (Howard Hinnant's `days_from_civil`).
    pub fn to_days(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01 (`civil_from_days`).
    pub fn from_days(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let day_of_era = z - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    pub fn days_until(self, other: Date) -> i64 {
        other.to_days() - self.to_days()
    }

    pub fn plus_days(self, days: i64) -> Date {
        Date::from_days(self.to_days() + days)
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(text: &str) -> Result<Date, String> {
        let bad = || format!("`{text}` is not a date (YYYY-MM-DD)");
        let mut parts = text.trim().splitn(3, '-');
        let (Some(year), Some(month), Some(day)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad());
        };
        if year.len() != 4 || month.len() != 2 || day.len() < 2 {
            return Err(bad());
        }
        // Accept a timestamp after the date (`2026-03-14T00:00:00Z`) by reading its first two digits.
        let day = day.get(..2).ok_or_else(bad)?;
        let date = Date {
            year: year.parse().map_err(|_| bad())?,
            month: month.parse().map_err(|_| bad())?,
            day: day.parse().map_err(|_| bad())?,
        };
        if !(1..=12).contains(&date.month) || date.day == 0 || Date::from_days(date.to_days()) != date {
            return Err(bad());
        }
        Ok(date)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_and_known_dates() {
        assert_eq!("1970-01-01".parse::<Date>().unwrap().to_days(), 0);
        assert_eq!("2000-03-01".parse::<Date>().unwrap().to_days(), 11_017);
        for days in [-800_000, -1, 0, 59, 365, 11_016, 20_000, 100_000] {
            assert_eq!(Date::from_days(days).to_days(), days);
        }
        let leap: Date = "2024-02-29".parse().unwrap();
        assert_eq!(leap.plus_days(1).to_string(), "2024-03-01");
    }

    #[test]
    fn invalid_dates_are_rejected() {
        for text in ["2023-02-29", "2026-13-01", "26-01-01", "2026-1-1", "tomorrow", "2026-04-31"] {
            assert!(text.parse::<Date>().is_err(), "{text}");
        }
        assert_eq!("2026-03-14T00:00:00Z".parse::<Date>().unwrap().to_string(), "2026-03-14");
    }
}
