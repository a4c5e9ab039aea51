//! EventBridge schedules: rules that invoke a function at set times, with no caller at all.
//!
//! A *scheduled rule* (`aws events put-rule --schedule-expression …`) fires on its own, and each
//! time it fires EventBridge sends a **Scheduled Event** to the rule's targets. A function target
//! is invoked **asynchronously** (see [`crate::lambda::async_invoke`]): EventBridge does not wait, and a
//! failing function is retried by Lambda's event queue, as for any asynchronous event. So a
//! scheduled handler must be idempotent, like any handler of asynchronous events.
//!
//! Two kinds of expression say when, both in **UTC** and both at most once a minute:
//!
//! - `rate(value unit)`: every `value` minutes, hours or days, counted from when the rule was
//!   created. The unit is singular for 1 and plural otherwise: `rate(1 minute)` and
//!   `rate(5 minutes)` are valid, `rate(1 minutes)` and `rate(5 minute)` are refused.
//! - `cron(Minutes Hours Day-of-month Month Day-of-week Year)`: six fields, all required.
//!
//!   | field        | values             | wildcards        |
//!   |--------------|--------------------|------------------|
//!   | Minutes      | 0–59               | `, - * /`        |
//!   | Hours        | 0–23               | `, - * /`        |
//!   | Day-of-month | 1–31               | `, - * ? / L W`  |
//!   | Month        | 1–12 or JAN–DEC    | `, - * /`        |
//!   | Day-of-week  | 1–7 or SUN–SAT     | `, - * ? L #`    |
//!   | Year         | 1970–2199          | `, - * /`        |
//!
//!   One of Day-of-month and Day-of-week must be `?` ("any"): you say which days by the date or
//!   by the weekday, never both. `5/15` means 5, 20, 35, 50 (start at 5, every 15); `L` is the last
//!   day of the month, or in Day-of-week the last day of the week (7, Saturday), and `6L` the
//!   month's last Friday; `15W` is the weekday nearest the 15th (within the same month); `3#2` is
//!   the month's second Tuesday (day 3 of the week, second of its kind), and a field with `#`
//!   holds nothing else. Sunday is 1, not 0 as in Unix cron.
//!
//! EventBridge invokes as `events.amazonaws.com` for the rule, so the function's resource-based
//! policy must allow that with the rule's ARN as source (see [`crate::lambda::permissions`]); without
//! it each firing's invocation of the function fails, with a transcript line.
//!
//! An invalid expression is refused as EventBridge refuses it, `ValidationException: Parameter
//! ScheduleExpression is not valid.`; the invoker adds the reason, which AWS does not.
//! [`next_fire_times`] shows when an expression fires, e.g. to check one before you deploy it.
//!
//! Here a rule fires exactly at the start of each minute that matches, on the virtual clock read
//! in UTC; on AWS a scheduled event arrives within the minute. Simplified too: the only targets
//! are Lambda functions; ranges do not wrap around (`FRI-MON`, `22-2`: write `FRI-SAT,SUN-MON`);
//! `nW` never fires in a month that has no day `n`; and a target that cannot be invoked (a
//! deleted function) is skipped with a transcript line, where EventBridge would retry for up to
//! 24 hours. EventBridge Scheduler, the newer service AWS now recommends, adds time zones and
//! one-time `at()` schedules; its `rate` and `cron` expressions read the same.

use crate::base::error::ServiceError;
use crate::base::platform::lock;
use crate::base::transcript::{count, Entry};
use crate::lambda::handle::LambdaHandle;
use crate::lambda::invoke::{InvocationType, InvokeRequest};
use crate::lambda::permissions::policy::Principal;
use crate::lambda::service::Lambda;
use crate::services::events::eventbridge;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};
use tokio::sync::Notify;

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

/// A rule as EventBridge keeps it.
#[derive(Debug)]
pub(crate) struct Rule {
    arn: String,
    expression: String,
    schedule: Schedule,
    /// When the rule was (last) put: where a rate counts from.
    start: SystemTime,
    enabled: bool,
    /// The function ARNs it invokes.
    targets: Vec<String>,
    /// Bumped by every change, so that the ticker of an older version of the rule stops.
    generation: u64,
    /// Wakes the rule's ticker when the rule changes.
    changed: Arc<Notify>,
}

/// Every rule, by name.
pub(crate) type Rules = BTreeMap<String, Rule>;

/// The EventBridge part of the simulated account (the `default` event bus):
/// `lambda.eventbridge().put_rule("nightly", "cron(0 2 * * ? *)")`.
#[derive(Clone)]
pub struct EventBridge {
    lambda: LambdaHandle,
    rules: Arc<Mutex<Rules>>,
}

impl Lambda {
    /// The account's EventBridge.
    pub fn eventbridge(&self) -> EventBridge {
        let lambda = self.handle();
        let rules = lambda.platform().state();
        EventBridge { lambda, rules }
    }
}

impl EventBridge {
    /// This service's own state, locked for one step.
    fn state(&self) -> MutexGuard<'_, Rules> {
        lock(&self.rules)
    }

    /// Creates (or replaces) a scheduled rule, enabled, like `aws events put-rule --name …
    /// --schedule-expression …`; returns its ARN, `arn:aws:events:<region>:<account>:rule/<name>`.
    /// Replacing a rule keeps its targets and starts a rate anew.
    pub fn put_rule(&self, name: &str, schedule_expression: &str) -> Result<String, ServiceError> {
        check_rule_name(name)?;
        let schedule = Schedule::parse(schedule_expression)?;
        let scope = &self.lambda.platform().scope;
        let arn = format!(
            "arn:aws:events:{}:{}:rule/{name}",
            scope.region, scope.account_id
        );
        let at = self.lambda.platform().elapsed();
        let start = self.lambda.platform().clock.now();
        let mut state = self.state();
        let (targets, generation) = match state.remove(name) {
            Some(old) => {
                old.changed.notify_waiters();
                (old.targets, old.generation + 1)
            }
            None => (Vec::new(), 0),
        };
        let changed = Arc::new(Notify::new());
        state.insert(
            name.to_owned(),
            Rule {
                arn: arn.clone(),
                expression: schedule_expression.to_owned(),
                schedule,
                start,
                enabled: true,
                targets,
                generation,
                changed: Arc::clone(&changed),
            },
        );
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("events: put-rule {name} {schedule_expression} -> {arn}"),
        });
        drop(state);
        self.start_ticker(name, generation, changed);
        Ok(arn)
    }

    /// Adds a Lambda function (its ARN, maybe qualified with a version or alias) to a rule's
    /// targets, like `aws events put-targets`.
    pub fn put_targets(&self, rule: &str, function_arn: &str) -> Result<(), ServiceError> {
        if !(function_arn.starts_with("arn:aws:lambda:") && function_arn.contains(":function:")) {
            return Err(ServiceError::validation(format!(
                "The invoker's rules target Lambda functions only; {function_arn} is not a Lambda function ARN."
            )));
        }
        self.change(rule, "put-targets", |r| {
            if !r.targets.iter().any(|t| t == function_arn) {
                r.targets.push(function_arn.to_owned());
            }
            Ok(format!("-> {function_arn}"))
        })
    }

    /// Removes a function from a rule's targets, like `aws events remove-targets`.
    pub fn remove_targets(&self, rule: &str, function_arn: &str) -> Result<(), ServiceError> {
        self.change(rule, "remove-targets", |r| {
            r.targets.retain(|t| t != function_arn);
            Ok(function_arn.to_owned())
        })
    }

    /// Stops a rule firing, like `aws events disable-rule`; its targets stay.
    pub fn disable_rule(&self, rule: &str) -> Result<(), ServiceError> {
        self.change(rule, "disable-rule", |r| {
            r.enabled = false;
            r.generation += 1;
            r.changed.notify_waiters();
            Ok(String::new())
        })
    }

    /// Starts a disabled rule firing again, like `aws events enable-rule`.
    pub fn enable_rule(&self, rule: &str) -> Result<(), ServiceError> {
        let mut restart = None;
        self.change(rule, "enable-rule", |r| {
            if !r.enabled {
                r.enabled = true;
                r.generation += 1;
                restart = Some((r.generation, Arc::clone(&r.changed)));
            }
            Ok(String::new())
        })?;
        if let Some((generation, changed)) = restart {
            self.start_ticker(rule, generation, changed);
        }
        Ok(())
    }

    /// Deletes a rule, like `aws events delete-rule`. As on AWS, a rule that still has targets
    /// is refused: remove them first.
    pub fn delete_rule(&self, rule: &str) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let existing = state.get(rule).ok_or_else(|| no_such_rule(rule))?;
        if !existing.targets.is_empty() {
            return Err(ServiceError::validation(
                "Rule can't be deleted since it has targets.",
            ));
        }
        // Wakes the rule's ticker, which finds the rule gone and stops.
        existing.changed.notify_waiters();
        state.remove(rule);
        self.lambda.platform().record(Entry::Api {
            at,
            text: format!("events: delete-rule {rule}"),
        });
        Ok(())
    }

    /// Applies a change to an existing rule and writes its transcript line.
    fn change(
        &self,
        rule: &str,
        operation: &str,
        apply: impl FnOnce(&mut Rule) -> Result<String, ServiceError>,
    ) -> Result<(), ServiceError> {
        let at = self.lambda.platform().elapsed();
        let mut state = self.state();
        let existing = state.get_mut(rule).ok_or_else(|| no_such_rule(rule))?;
        let detail = apply(existing)?;
        let text = match detail.is_empty() {
            true => format!("events: {operation} {rule}"),
            false => format!("events: {operation} {rule} {detail}"),
        };
        self.lambda.platform().record(Entry::Api { at, text });
        Ok(())
    }

    /// Starts the task that fires one version (`generation`) of a rule until it changes.
    fn start_ticker(&self, rule: &str, generation: u64, changed: Arc<Notify>) {
        let eventbridge = self.clone();
        let rule = rule.to_owned();
        tokio::spawn(async move {
            loop {
                // Created before the check, so that a change made after it still wakes us.
                let woken = changed.notified();
                let Some(fire_at) = eventbridge.next_fire(&rule, generation) else {
                    return; // changed, disabled, deleted, or past its last fire
                };
                let now = eventbridge.lambda.platform().clock.now();
                let wait = fire_at.duration_since(now).unwrap_or_default();
                // Sleep until the minute comes, unless the rule changes first: no polling.
                tokio::select! {
                    () = tokio::time::sleep(wait) => eventbridge.fire(&rule, generation, fire_at).await,
                    () = woken => {}
                }
            }
        });
    }

    /// When this version of the rule fires next, if it is still current and enabled.
    fn next_fire(&self, rule: &str, generation: u64) -> Option<SystemTime> {
        let now = self.lambda.platform().clock.now();
        let state = self.state();
        let rule = state
            .get(rule)
            .filter(|r| r.generation == generation && r.enabled)?;
        rule.schedule.next_after(rule.start, now)
    }

    /// One firing: a Scheduled Event to every target, each an asynchronous invoke.
    async fn fire(&self, rule: &str, generation: u64, at: SystemTime) {
        let (targets, expression, rule_arn) = {
            let state = self.state();
            let Some(current) = state
                .get(rule)
                .filter(|r| r.generation == generation && r.enabled)
            else {
                return;
            };
            (
                current.targets.clone(),
                current.expression.clone(),
                current.arn.clone(),
            )
        };
        let platform = self.lambda.platform();
        let id = platform.ids().request_id();
        let event = eventbridge::scheduled_event(&rule_arn, at, &id);
        let note = match targets.len() {
            0 => "no targets".to_owned(),
            n => count(n, "target"),
        };
        platform.note(format!(
            "events: rule {rule} fired ({expression}), Scheduled Event {id} to {note}"
        ));
        let events = Principal::Service {
            service: "events.amazonaws.com".into(),
            source_arn: rule_arn,
            source_account: platform.scope.account_id.clone(),
        };
        for target in targets {
            let request = InvokeRequest::new(target)
                .invocation_type(InvocationType::Event)
                .principal(events.clone())
                .payload(event.clone());
            // A refusal (a deleted function, no permission) is already in the transcript,
            // written by invoke.
            let _ = self.lambda.invoke(request).await;
        }
    }
}

fn check_rule_name(name: &str) -> Result<(), ServiceError> {
    let valid_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'));
    if name.is_empty() || name.len() > 64 || !valid_chars {
        return Err(ServiceError::validation(format!(
            "1 validation error detected: Value '{name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64"
        )));
    }
    Ok(())
}

fn no_such_rule(rule: &str) -> ServiceError {
    ServiceError::resource_not_found(format!("Rule {rule} does not exist on EventBus default."))
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
