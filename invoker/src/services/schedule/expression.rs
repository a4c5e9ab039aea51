//! Schedule expressions, `rate(…)` and `cron(…)`: parsed, checked, and asked when they fire
//! next. Pure calendar arithmetic on UTC minutes, apart from the EventBridge service that uses
//! it ([`crate::services::schedule`], whose docs give the rules of each field).

use crate::base::error::ServiceError;
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime};

const MINUTE: u64 = 60;
const MINUTES_PER_DAY: u64 = 24 * 60;
/// The years a cron expression can name; nothing fires after the last.
const YEARS: (u32, u32) = (1970, 2199);

/// A parsed schedule expression: when a rule fires.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Schedule {
    /// `rate(…)`: every so many minutes, from the minute the rule was created.
    Rate(Duration),
    /// `cron(…)`: at the minutes that match all six fields.
    Cron(Box<Cron>),
}

/// A parsed `cron(…)` expression: the values each field allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Cron {
    minutes: BTreeSet<u32>,
    hours: BTreeSet<u32>,
    days: Days,
    months: BTreeSet<u32>,
    years: BTreeSet<u32>,
}

/// Which days: by the date (Day-of-month), or by the weekday (Day-of-week).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Days {
    /// `1,15`, `1-7`, `*`, `1/2`: these dates.
    Dates(BTreeSet<u32>),
    /// `L`: the last day of the month.
    LastOfMonth,
    /// `15W`: the weekday (Monday to Friday) nearest that date, in the same month.
    NearestWeekday(u32),
    /// `MON-FRI`, `2,4`, `L`: these weekdays (1 is Sunday).
    Weekdays(BTreeSet<u32>),
    /// `6L`: the last such weekday of the month.
    LastWeekday(u32),
    /// `3#2`: the `n`th such weekday of the month.
    NthWeekday { weekday: u32, n: u32 },
}

impl Schedule {
    /// Reads `rate(5 minutes)` or `cron(0 9 ? * MON-FRI *)`; refuses what EventBridge refuses.
    pub(crate) fn parse(expression: &str) -> Result<Schedule, ServiceError> {
        let invalid = |why: String| {
            ServiceError::validation(format!(
                "Parameter ScheduleExpression is not valid. {expression:?}: {why}"
            ))
        };
        if let Some(inner) = inside(expression, "rate(") {
            return parse_rate(inner).map(Schedule::Rate).map_err(invalid);
        }
        if let Some(inner) = inside(expression, "cron(") {
            return parse_cron(inner)
                .map(|cron| Schedule::Cron(Box::new(cron)))
                .map_err(invalid);
        }
        Err(invalid(
            "write rate(value unit) or cron(Minutes Hours Day-of-month Month Day-of-week Year)"
                .into(),
        ))
    }

    /// The first time the schedule fires strictly after `after`. A rate counts from `start`, the
    /// rule's creation; a cron expression ignores it. `None`: it never fires again.
    pub(crate) fn next_after(&self, start: SystemTime, after: SystemTime) -> Option<SystemTime> {
        let after = minutes_since_epoch(after);
        let fire = match self {
            Schedule::Rate(every) => {
                let (start, every) = (minutes_since_epoch(start), every.as_secs() / MINUTE);
                // The first multiple of `every` past `after`, counting from `start`.
                start + every * ((after.saturating_sub(start)) / every + 1)
            }
            Schedule::Cron(cron) => cron.next_minute_after(after)?,
        };
        Some(SystemTime::UNIX_EPOCH + Duration::from_secs(fire * MINUTE))
    }
}

/// The next `n` times (or fewer, if it stops) an expression fires after `after`; a rate
/// expression counts from `after`, as if the rule were created then.
///
/// ```
/// use invoker::next_fire_times;
/// use std::time::{Duration, SystemTime};
/// // Wednesday 2025-01-01 00:00 UTC.
/// let new_year = SystemTime::UNIX_EPOCH + Duration::from_secs(1_735_689_600);
/// let runs = next_fire_times("cron(0 9 ? * MON-FRI *)", new_year, 3).unwrap();
/// let runs: Vec<String> = runs.into_iter().map(invoker::rfc3339_seconds).collect();
/// assert_eq!(runs, ["2025-01-01T09:00:00Z", "2025-01-02T09:00:00Z", "2025-01-03T09:00:00Z"]);
/// ```
pub fn next_fire_times(
    expression: &str,
    after: SystemTime,
    n: usize,
) -> Result<Vec<SystemTime>, ServiceError> {
    let schedule = Schedule::parse(expression)?;
    let mut times = Vec::with_capacity(n);
    let mut last = after;
    while times.len() < n {
        let Some(next) = schedule.next_after(after, last) else {
            break;
        };
        times.push(next);
        last = next;
    }
    Ok(times)
}

/// `inner` of `prefix inner )`.
fn inside<'a>(expression: &'a str, prefix: &str) -> Option<&'a str> {
    expression.strip_prefix(prefix)?.strip_suffix(')')
}

fn parse_rate(inner: &str) -> Result<Duration, String> {
    let parts: Vec<&str> = inner.split_whitespace().collect();
    let [value, unit] = parts[..] else {
        return Err("a rate has two parts, a value and a unit: rate(5 minutes)".into());
    };
    let value: u64 = value
        .parse()
        .ok()
        .filter(|v| *v > 0)
        .ok_or_else(|| format!("the value must be a positive whole number, not {value:?}"))?;
    let (singular, seconds) = match unit {
        "minute" | "minutes" => ("minute", MINUTE),
        "hour" | "hours" => ("hour", 60 * MINUTE),
        "day" | "days" => ("day", MINUTES_PER_DAY * MINUTE),
        _ => {
            return Err(format!(
                "the unit must be minute(s), hour(s) or day(s), not {unit:?}"
            ))
        }
    };
    match (value, unit == singular) {
        (1, false) => Err(format!(
            "a value of 1 takes the singular unit: rate(1 {singular})"
        )),
        (2.., true) => Err(format!(
            "a value above 1 takes the plural unit: rate({value} {singular}s)"
        )),
        _ => Ok(Duration::from_secs(value * seconds)),
    }
}

/// How one cron field reads its values.
struct Field {
    name: &'static str,
    min: u32,
    max: u32,
    /// `JAN`… or `SUN`…: names for `min`, `min + 1`, …
    names: &'static [&'static str],
    /// Whether `a/n` increments are allowed.
    increments: bool,
}

const MINUTES: Field = Field {
    name: "Minutes",
    min: 0,
    max: 59,
    names: &[],
    increments: true,
};
const HOURS: Field = Field {
    name: "Hours",
    min: 0,
    max: 23,
    names: &[],
    increments: true,
};
const DAY_OF_MONTH: Field = Field {
    name: "Day-of-month",
    min: 1,
    max: 31,
    names: &[],
    increments: true,
};
const MONTH: Field = Field {
    name: "Month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
    increments: true,
};
const DAY_OF_WEEK: Field = Field {
    name: "Day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
    increments: false,
};
const YEAR: Field = Field {
    name: "Year",
    min: YEARS.0,
    max: YEARS.1,
    names: &[],
    increments: true,
};

impl Field {
    /// A list of values, ranges and increments: `*`, `5`, `MON-FRI`, `0/15`, `1,15,20-25`.
    fn values(&self, text: &str) -> Result<BTreeSet<u32>, String> {
        let mut values = BTreeSet::new();
        for item in text.split(',') {
            let (range, step) = match item.split_once('/') {
                Some(_) if !self.increments => {
                    return Err(format!("{} does not take / increments", self.name))
                }
                Some((range, step)) => {
                    let step: u32 = step.parse().ok().filter(|s| *s > 0).ok_or_else(|| {
                        format!(
                            "{}: the increment in {item:?} must be a positive number",
                            self.name
                        )
                    })?;
                    (range, Some(step))
                }
                None => (item, None),
            };
            let (first, last) = match range.split_once('-') {
                _ if range == "*" => (self.min, self.max),
                Some((first, last)) => (self.value(first)?, self.value(last)?),
                // `5/15`: from 5 to the end; `5`: just 5.
                None => {
                    let first = self.value(range)?;
                    (first, if step.is_some() { self.max } else { first })
                }
            };
            if first > last {
                return Err(format!(
                    "{}: the range {range:?} runs backwards (ranges do not wrap around)",
                    self.name
                ));
            }
            values.extend((first..=last).step_by(step.unwrap_or(1) as usize));
        }
        Ok(values)
    }

    /// One value: a number in range, or a name.
    fn value(&self, text: &str) -> Result<u32, String> {
        let named = self
            .names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(text))
            .map(|i| self.min + i as u32);
        let value = named
            .or_else(|| text.parse().ok())
            .ok_or_else(|| format!("{}: {text:?} is not a value", self.name))?;
        if !(self.min..=self.max).contains(&value) {
            let names = match self.names {
                [] => String::new(),
                names => format!(" or {}–{}", names[0], names[names.len() - 1]),
            };
            return Err(format!(
                "{} must be {}–{}{names}, not {value}",
                self.name, self.min, self.max
            ));
        }
        Ok(value)
    }
}

fn parse_cron(inner: &str) -> Result<Cron, String> {
    let fields: Vec<&str> = inner.split_whitespace().collect();
    let [minutes, hours, day_of_month, month, day_of_week, year] = fields[..] else {
        return Err(format!(
            "a cron expression has 6 fields (Minutes Hours Day-of-month Month Day-of-week Year), this one has {}",
            fields.len()
        ));
    };
    let (minutes, hours) = (MINUTES.values(minutes)?, HOURS.values(hours)?);
    let days = match (day_of_month, day_of_week) {
        ("?", "?") => {
            return Err("Day-of-month and Day-of-week can't both be ?: one of them says which days".into())
        }
        (dates, "?") => parse_day_of_month(dates)?,
        ("?", weekdays) => parse_day_of_week(weekdays)?,
        _ => {
            return Err(
                "one of Day-of-month and Day-of-week must be ? (choose days by date or by weekday, not both)"
                    .into(),
            )
        }
    };
    Ok(Cron {
        minutes,
        hours,
        days,
        months: MONTH.values(month)?,
        years: YEAR.values(year)?,
    })
}

fn parse_day_of_month(text: &str) -> Result<Days, String> {
    if text == "L" {
        return Ok(Days::LastOfMonth);
    }
    if let Some(date) = text.strip_suffix('W') {
        return match DAY_OF_MONTH.value(date) {
            Ok(date) => Ok(Days::NearestWeekday(date)),
            Err(_) => Err(format!(
                "Day-of-month: W follows one date, as in 15W, not {text:?}"
            )),
        };
    }
    if text.contains(['L', 'W']) {
        return Err(format!(
            "Day-of-month: L and W stand alone (L, 15W), not in {text:?}"
        ));
    }
    DAY_OF_MONTH.values(text).map(Days::Dates)
}

fn parse_day_of_week(text: &str) -> Result<Days, String> {
    if text == "L" {
        return Ok(Days::Weekdays(BTreeSet::from([DAY_OF_WEEK.max])));
    }
    if let Some((weekday, n)) = text.split_once('#') {
        if text.contains(',') || n.contains('#') {
            return Err(format!(
                "Day-of-week: an expression with # stands alone (3#2), not in a list: {text:?}"
            ));
        }
        let n: u32 = n.parse().ok().filter(|n| (1..=5).contains(n)).ok_or_else(|| {
            format!("Day-of-week: in {text:?} the number after # must be 1–5 (a month has at most five of each weekday)")
        })?;
        let weekday = DAY_OF_WEEK.value(weekday)?;
        return Ok(Days::NthWeekday { weekday, n });
    }
    if let Some(weekday) = text.strip_suffix('L') {
        return DAY_OF_WEEK.value(weekday).map(Days::LastWeekday);
    }
    DAY_OF_WEEK.values(text).map(Days::Weekdays)
}

impl Cron {
    /// The first matching minute (counted from the Unix epoch) strictly after `after`.
    fn next_minute_after(&self, after: u64) -> Option<u64> {
        let first = after + 1;
        let mut day = first / MINUTES_PER_DAY;
        loop {
            let date = Date::from_days(day);
            if date.year > YEARS.1 {
                return None;
            }
            if !self.years.contains(&date.year) {
                day = Date::days_from_civil(date.year + 1, 1, 1);
                continue;
            }
            if !self.months.contains(&date.month) {
                day = date.first_of_next_month();
                continue;
            }
            if self.days.include(&date) {
                let start_of_day = day * MINUTES_PER_DAY;
                let found = self.hours.iter().find_map(|&hour| {
                    self.minutes
                        .iter()
                        .map(|&minute| start_of_day + u64::from(hour * 60 + minute))
                        .find(|&at| at >= first)
                });
                if found.is_some() {
                    return found;
                }
            }
            day += 1;
        }
    }
}

impl Days {
    fn include(&self, date: &Date) -> bool {
        let last = date.days_in_month();
        match *self {
            Days::Dates(ref dates) => dates.contains(&date.day),
            Days::LastOfMonth => date.day == last,
            Days::NearestWeekday(target) if target > last => false,
            Days::NearestWeekday(target) => {
                // The weekday of `target`, then step to Friday or Monday without leaving the month.
                let weekday = (date.weekday + 35 + target - date.day) % 7;
                let nearest = match weekday {
                    0 if target == last => target - 2, // Sunday the last: Friday before
                    0 => target + 1,                   // Sunday: Monday after
                    6 if target == 1 => target + 2,    // Saturday the 1st: Monday the 3rd
                    6 => target - 1,                   // Saturday: Friday before
                    _ => target,
                };
                date.day == nearest
            }
            Days::Weekdays(ref weekdays) => weekdays.contains(&(date.weekday + 1)),
            Days::LastWeekday(weekday) => date.weekday + 1 == weekday && date.day + 7 > last,
            Days::NthWeekday { weekday, n } => {
                date.weekday + 1 == weekday && (date.day - 1) / 7 + 1 == n
            }
        }
    }
}

/// A UTC calendar date.
struct Date {
    year: u32,
    month: u32,
    day: u32,
    /// 0 is Sunday (cron's 1).
    weekday: u32,
}

impl Date {
    /// The date `days` days after 1970-01-01 (a Thursday). Howard Hinnant's `civil_from_days`.
    fn from_days(days: u64) -> Date {
        let z = days + 719_468;
        let era = z / 146_097;
        let doe = z % 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + u64::from(month <= 2)) as u32;
        Date {
            year,
            month,
            day,
            weekday: ((days + 4) % 7) as u32,
        }
    }

    /// Days from 1970-01-01 to a date: Hinnant's `days_from_civil`.
    fn days_from_civil(year: u32, month: u32, day: u32) -> u64 {
        let year = u64::from(year) - u64::from(month <= 2);
        let era = year / 400;
        let yoe = year % 400;
        let mp = u64::from((month + 9) % 12);
        let doy = (153 * mp + 2) / 5 + u64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    fn first_of_next_month(&self) -> u64 {
        match self.month {
            12 => Date::days_from_civil(self.year + 1, 1, 1),
            month => Date::days_from_civil(self.year, month + 1, 1),
        }
    }

    fn days_in_month(&self) -> u32 {
        let y = self.year;
        let leap = y.is_multiple_of(4) && (!y.is_multiple_of(100) || y.is_multiple_of(400));
        match self.month {
            2 if leap => 29,
            2 => 28,
            4 | 6 | 9 | 11 => 30,
            _ => 31,
        }
    }
}

fn minutes_since_epoch(time: SystemTime) -> u64 {
    time.duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / MINUTE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_days() {
        for days in [0, 59, 60, 365, 10_956, 20_089, 84_000] {
            let date = Date::from_days(days);
            assert_eq!(Date::days_from_civil(date.year, date.month, date.day), days);
        }
        let new_year = Date::from_days(20_089); // 2025-01-01, a Wednesday
        assert_eq!(
            (
                new_year.year,
                new_year.month,
                new_year.day,
                new_year.weekday
            ),
            (2025, 1, 1, 3)
        );
        let leap = Date::from_days(Date::days_from_civil(2024, 2, 1));
        assert_eq!(leap.days_in_month(), 29);
    }
}
