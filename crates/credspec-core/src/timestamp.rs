//! Timestamps in every form the six APIs emit, and the injected [`Clock`].
//!
//! | form | example | who emits it |
//! |---|---|---|
//! | ISO-8601, seconds, `Z` | `2015-10-07T17:50:01Z` | Twilio classic and Comms |
//! | ISO-8601, microseconds, `Z` | `2021-03-26T17:51:59.588408Z` | Telnyx push |
//! | ISO-8601, milliseconds, `Z` | `2020-06-18T21:32:38.000Z` | Telnyx telephony `updated_at` |
//! | ISO-8601, no zone | `2020-06-18T21:32:38` | Telnyx telephony `created_at`, `expires_at` |
//! | space-separated, microseconds, `Z` | `2020-06-18 21:32:38.917732Z` | Telnyx telephony default `name` |
//! | RFC 2822 | `Wed, 07 Oct 2015 17:50:01 +0000` | Twilio's prose (decision D1: not on the wire) |
//!
//! A [`Timestamp`] remembers the form it was parsed in, so a documented value formats back
//! byte for byte. A time without a zone is read as UTC.

use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;

use time::format_description::well_known::Rfc2822;
use time::{Date, Duration, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

use crate::error::{Shown, TimestampError};

/// The zone designator of an ISO-8601 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IsoZone {
    /// `Z`.
    Utc,
    /// No designator; read as UTC.
    None,
    /// `+HH:MM` or `-HH:MM`.
    Offset(UtcOffset),
}

/// The character between date and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IsoSeparator {
    /// `T`, as ISO-8601 has it.
    T,
    /// A space, as in Telnyx's default credential names.
    Space,
}

/// How an ISO-8601 timestamp is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct IsoForm {
    /// Date/time separator.
    pub separator: IsoSeparator,
    /// Digits of the fractional second, 0 (none) to 9.
    pub fraction_digits: u8,
    /// Zone designator.
    pub zone: IsoZone,
}

/// The form of a timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TimestampForm {
    /// ISO-8601 date and time.
    Iso(IsoForm),
    /// ISO-8601 date only (`2030-01-01`), read as midnight UTC.
    IsoDate,
    /// RFC 2822 (`Wed, 07 Oct 2015 17:50:01 +0000`).
    Rfc2822,
}

impl TimestampForm {
    /// `2015-10-07T17:50:01Z`: Twilio classic and Comms.
    pub const ISO_SECONDS_Z: Self = Self::iso(IsoSeparator::T, 0, IsoZone::Utc);
    /// `2020-06-18T21:32:38.000Z`: Telnyx telephony `updated_at`.
    pub const ISO_MILLIS_Z: Self = Self::iso(IsoSeparator::T, 3, IsoZone::Utc);
    /// `2021-03-26T17:51:59.588408Z`: Telnyx push.
    pub const ISO_MICROS_Z: Self = Self::iso(IsoSeparator::T, 6, IsoZone::Utc);
    /// `2020-06-18T21:32:38`: Telnyx telephony `created_at` and `expires_at`.
    pub const ISO_NO_ZONE: Self = Self::iso(IsoSeparator::T, 0, IsoZone::None);
    /// `2020-06-18 21:32:38.917732Z`: Telnyx telephony default names.
    pub const SPACED_MICROS_Z: Self = Self::iso(IsoSeparator::Space, 6, IsoZone::Utc);

    const fn iso(separator: IsoSeparator, fraction_digits: u8, zone: IsoZone) -> Self {
        Self::Iso(IsoForm {
            separator,
            fraction_digits,
            zone,
        })
    }
}

/// An instant together with the form it is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Timestamp {
    instant: OffsetDateTime,
    form: TimestampForm,
}

impl Timestamp {
    /// An instant in a given form. The instant is shown in the form's zone (UTC unless the
    /// form has an offset); fractional digits beyond the form's are dropped on output.
    pub fn new(instant: OffsetDateTime, form: TimestampForm) -> Self {
        let instant = match form {
            TimestampForm::Iso(IsoForm {
                zone: IsoZone::Offset(offset),
                ..
            }) => instant.to_offset(offset),
            _ => instant.to_offset(UtcOffset::UTC),
        };
        Self { instant, form }
    }

    /// Parses any supported form, remembering which.
    pub fn parse(s: &str) -> Result<Self, TimestampError> {
        if s.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
            let instant = OffsetDateTime::parse(s, &Rfc2822).map_err(|_| syntax(s))?;
            return Ok(Self {
                instant,
                form: TimestampForm::Rfc2822,
            });
        }
        parse_iso(s)
    }

    /// The instant.
    pub fn instant(&self) -> OffsetDateTime {
        self.instant
    }

    /// The form it is written in.
    pub fn form(&self) -> TimestampForm {
        self.form
    }

    /// The same instant in another form.
    pub fn with_form(&self, form: TimestampForm) -> Self {
        Self::new(self.instant, form)
    }

    /// Whether both name the same instant, whatever their forms.
    pub fn same_instant(&self, other: &Self) -> bool {
        self.instant == other.instant
    }
}

fn syntax(s: &str) -> TimestampError {
    TimestampError::Syntax {
        input: Shown::input(s),
    }
}

/// A cursor over the ASCII bytes of an ISO timestamp.
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, n: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos + n)?;
        if !slice.iter().all(u8::is_ascii_digit) {
            return None;
        }
        self.pos += n;
        Some(
            slice
                .iter()
                .fold(0, |acc, b| acc * 10 + u32::from(b - b'0')),
        )
    }

    fn byte(&mut self, expected: u8) -> Option<()> {
        (self.peek()? == expected).then(|| self.pos += 1)
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

fn parse_iso(s: &str) -> Result<Timestamp, TimestampError> {
    let mut c = Cursor {
        bytes: s.as_bytes(),
        pos: 0,
    };
    let (year, month, day) = (|| {
        Some((
            c.digits(4)?,
            c.byte(b'-').and_then(|_| c.digits(2))?,
            c.byte(b'-').and_then(|_| c.digits(2))?,
        ))
    })()
    .ok_or_else(|| syntax(s))?;
    let range = |reason: String| TimestampError::Range {
        reason,
        input: Shown::input(s),
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| range(format!("month {month}")))?;
    let date = i32::try_from(year)
        .ok()
        .and_then(|y| Date::from_calendar_date(y, month, u8::try_from(day).ok()?).ok())
        .ok_or_else(|| range(format!("day {day} of {month} {year}")))?;
    if c.done() {
        let instant = PrimitiveDateTime::new(date, Time::MIDNIGHT).assume_utc();
        return Ok(Timestamp {
            instant,
            form: TimestampForm::IsoDate,
        });
    }
    let separator = match c.peek() {
        Some(b'T') => IsoSeparator::T,
        Some(b' ') => IsoSeparator::Space,
        _ => return Err(syntax(s)),
    };
    c.pos += 1;
    let (hour, minute, second) = (|| {
        Some((
            c.digits(2)?,
            c.byte(b':').and_then(|_| c.digits(2))?,
            c.byte(b':').and_then(|_| c.digits(2))?,
        ))
    })()
    .ok_or_else(|| syntax(s))?;
    let mut nanos = 0u32;
    let mut fraction_digits = 0u8;
    if c.byte(b'.').is_some() {
        while let Some(b) = c.peek().filter(u8::is_ascii_digit) {
            if fraction_digits == 9 {
                return Err(range(String::from("more than 9 fractional digits")));
            }
            nanos = nanos * 10 + u32::from(b - b'0');
            fraction_digits += 1;
            c.pos += 1;
        }
        if fraction_digits == 0 {
            return Err(syntax(s));
        }
        nanos *= 10u32.pow(9 - u32::from(fraction_digits));
    }
    let zone = match c.peek() {
        None => IsoZone::None,
        Some(b'Z') => {
            c.pos += 1;
            IsoZone::Utc
        }
        Some(sign @ (b'+' | b'-')) => {
            c.pos += 1;
            let (h, m) = (|| Some((c.digits(2)?, c.byte(b':').and_then(|_| c.digits(2))?)))()
                .ok_or_else(|| syntax(s))?;
            if h > 23 || m > 59 {
                return Err(range(format!("zone offset {h:02}:{m:02}")));
            }
            let (h, m) = (
                i8::try_from(h).unwrap_or(i8::MAX),
                i8::try_from(m).unwrap_or(i8::MAX),
            );
            let (h, m) = if sign == b'-' { (-h, -m) } else { (h, m) };
            IsoZone::Offset(
                UtcOffset::from_hms(h, m, 0).map_err(|_| range(String::from("zone offset")))?,
            )
        }
        Some(_) => return Err(syntax(s)),
    };
    if !c.done() {
        return Err(syntax(s));
    }
    let to_u8 = |v: u32| u8::try_from(v).unwrap_or(u8::MAX);
    let time = Time::from_hms_nano(to_u8(hour), to_u8(minute), to_u8(second), nanos)
        .map_err(|_| range(format!("time {hour:02}:{minute:02}:{second:02}")))?;
    let offset = match zone {
        IsoZone::Offset(offset) => offset,
        _ => UtcOffset::UTC,
    };
    let instant = PrimitiveDateTime::new(date, time).assume_offset(offset);
    Ok(Timestamp {
        instant,
        form: TimestampForm::Iso(IsoForm {
            separator,
            fraction_digits,
            zone,
        }),
    })
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.instant;
        let date = |f: &mut fmt::Formatter<'_>| {
            write!(
                f,
                "{:04}-{:02}-{:02}",
                t.year(),
                u8::from(t.month()),
                t.day()
            )
        };
        match self.form {
            TimestampForm::Rfc2822 => {
                let text = t.format(&Rfc2822).map_err(|_| fmt::Error)?;
                f.write_str(&text)
            }
            TimestampForm::IsoDate => date(f),
            TimestampForm::Iso(form) => {
                date(f)?;
                let sep = match form.separator {
                    IsoSeparator::T => 'T',
                    IsoSeparator::Space => ' ',
                };
                write!(
                    f,
                    "{sep}{:02}:{:02}:{:02}",
                    t.hour(),
                    t.minute(),
                    t.second()
                )?;
                if form.fraction_digits > 0 {
                    let digits = u32::from(form.fraction_digits.min(9));
                    let value = t.nanosecond() / 10u32.pow(9 - digits);
                    write!(f, ".{value:0width$}", width = digits as usize)?;
                }
                match form.zone {
                    IsoZone::Utc => f.write_str("Z"),
                    IsoZone::None => Ok(()),
                    IsoZone::Offset(offset) => {
                        let (h, m, _) = offset.as_hms();
                        let sign = if offset.is_negative() { '-' } else { '+' };
                        write!(f, "{sign}{:02}:{:02}", h.unsigned_abs(), m.unsigned_abs())
                    }
                }
            }
        }
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<&str> for Timestamp {
    type Error = TimestampError;
    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::parse(s)
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Timestamp {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// The source of "now" for every rule that depends on time. Servers inject a system clock;
/// tests inject a [`FixedClock`].
pub trait Clock: Send + Sync + fmt::Debug {
    /// The current instant.
    fn now(&self) -> OffsetDateTime;
}

/// A clock that stands still until moved.
#[derive(Debug)]
pub struct FixedClock(Mutex<OffsetDateTime>);

impl FixedClock {
    /// A clock showing `instant`.
    pub fn new(instant: OffsetDateTime) -> Self {
        Self(Mutex::new(instant))
    }

    /// Moves the clock to `instant`.
    pub fn set(&self, instant: OffsetDateTime) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = instant;
    }

    /// Moves the clock forward (or back, for a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *now = now.saturating_add(by);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    /// Every timestamp the seeds and official specs document.
    const DOCUMENTED: &[&str] = &[
        "2015-10-07T17:50:01Z",
        "2021-03-26T17:51:59.588408Z",
        "2020-06-18T21:32:38.000Z",
        "2020-06-18T21:32:38",
        "2042-06-18T21:32:38",
        "2018-02-02T22:25:27.521Z",
        "2023-08-31T14:15:22Z",
        "2020-06-18 21:32:38.917732Z",
        "Wed, 07 Oct 2015 17:50:01 +0000",
    ];

    #[test]
    fn documented_values_round_trip_byte_for_byte() {
        for s in DOCUMENTED {
            let ts = Timestamp::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
            assert_eq!(ts.to_string(), *s);
            let json = serde_json::to_string(&ts).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<Timestamp>(&json).unwrap(), ts);
        }
    }

    #[test]
    fn forms_are_recognised() {
        assert_eq!(
            Timestamp::parse("2015-10-07T17:50:01Z").unwrap().form(),
            TimestampForm::ISO_SECONDS_Z
        );
        assert_eq!(
            Timestamp::parse("2021-03-26T17:51:59.588408Z")
                .unwrap()
                .form(),
            TimestampForm::ISO_MICROS_Z
        );
        assert_eq!(
            Timestamp::parse("2020-06-18T21:32:38.000Z").unwrap().form(),
            TimestampForm::ISO_MILLIS_Z
        );
        assert_eq!(
            Timestamp::parse("2020-06-18T21:32:38").unwrap().form(),
            TimestampForm::ISO_NO_ZONE
        );
        assert_eq!(
            Timestamp::parse("2020-06-18 21:32:38.917732Z")
                .unwrap()
                .form(),
            TimestampForm::SPACED_MICROS_Z
        );
        assert_eq!(
            Timestamp::parse("Wed, 07 Oct 2015 17:50:01 +0000")
                .unwrap()
                .form(),
            TimestampForm::Rfc2822
        );
        assert_eq!(
            Timestamp::parse("2030-01-01").unwrap().form(),
            TimestampForm::IsoDate
        );
    }

    #[test]
    fn same_instant_across_forms() {
        let iso = Timestamp::parse("2015-10-07T17:50:01Z").unwrap();
        let rfc = Timestamp::parse("Wed, 07 Oct 2015 17:50:01 +0000").unwrap();
        let offset = Timestamp::parse("2015-10-07T19:50:01+02:00").unwrap();
        let no_zone = Timestamp::parse("2015-10-07T17:50:01").unwrap();
        assert!(iso.same_instant(&rfc) && iso.same_instant(&offset) && iso.same_instant(&no_zone));
        assert_eq!(offset.to_string(), "2015-10-07T19:50:01+02:00");
        assert_eq!(
            iso.with_form(TimestampForm::Rfc2822).to_string(),
            "Wed, 07 Oct 2015 17:50:01 +0000"
        );
        assert_eq!(
            rfc.with_form(TimestampForm::ISO_MILLIS_Z).to_string(),
            "2015-10-07T17:50:01.000Z"
        );
    }

    #[test]
    fn new_formats_in_each_vendor_form() {
        let t = datetime!(2020-06-18 21:32:38.917732 UTC);
        assert_eq!(
            Timestamp::new(t, TimestampForm::ISO_SECONDS_Z).to_string(),
            "2020-06-18T21:32:38Z"
        );
        assert_eq!(
            Timestamp::new(t, TimestampForm::ISO_MILLIS_Z).to_string(),
            "2020-06-18T21:32:38.917Z"
        );
        assert_eq!(
            Timestamp::new(t, TimestampForm::ISO_MICROS_Z).to_string(),
            "2020-06-18T21:32:38.917732Z"
        );
        assert_eq!(
            Timestamp::new(t, TimestampForm::ISO_NO_ZONE).to_string(),
            "2020-06-18T21:32:38"
        );
        assert_eq!(
            Timestamp::new(t, TimestampForm::SPACED_MICROS_Z).to_string(),
            "2020-06-18 21:32:38.917732Z"
        );
    }

    #[test]
    fn invalid_inputs_are_typed_errors() {
        for s in [
            "",
            "2015",
            "2015-10-07T",
            "2015-10-07T17:50",
            "2015-10-07T17:50:01.",
            "2015-10-07T17:50:01ZZ",
            "2015-10-07X17:50:01Z",
            "2015-10-07T17:50:01+0200",
            "yesterday",
        ] {
            assert!(
                matches!(Timestamp::parse(s), Err(TimestampError::Syntax { .. })),
                "{s}"
            );
        }
        for s in [
            "2015-13-07T17:50:01Z",
            "2015-02-30T17:50:01Z",
            "2015-10-07T24:00:00Z",
            "2015-10-07T17:60:01Z",
            "2015-10-07T17:50:01.1234567890Z",
            "2015-10-07T17:50:01+24:00",
        ] {
            assert!(
                matches!(Timestamp::parse(s), Err(TimestampError::Range { .. })),
                "{s}"
            );
        }
        let message = Timestamp::parse("2015-02-30").unwrap_err().to_string();
        assert!(message.contains("2015-02-30"), "{message}");
    }

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let clock = FixedClock::new(datetime!(2026-01-01 0:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-01 0:00 UTC));
        clock.advance(Duration::hours(25));
        assert_eq!(clock.now(), datetime!(2026-01-02 1:00 UTC));
        clock.set(datetime!(2001-01-01 0:00 UTC));
        assert_eq!(clock.now(), datetime!(2001-01-01 0:00 UTC));
    }

    fn form_strategy() -> impl Strategy<Value = TimestampForm> {
        prop_oneof![
            Just(TimestampForm::ISO_SECONDS_Z),
            Just(TimestampForm::ISO_MILLIS_Z),
            Just(TimestampForm::ISO_MICROS_Z),
            Just(TimestampForm::ISO_NO_ZONE),
            Just(TimestampForm::SPACED_MICROS_Z),
            Just(TimestampForm::Rfc2822),
            (0u8..=9, -14i8..=14).prop_map(|(d, h)| TimestampForm::iso(
                IsoSeparator::T,
                d,
                IsoZone::Offset(UtcOffset::from_hms(h, 0, 0).unwrap())
            )),
        ]
    }

    proptest! {
        #[test]
        fn generated_timestamps_round_trip(secs in 0i64..253_402_300_799, nanos in 0u32..1_000_000_000, form in form_strategy()) {
            let instant = OffsetDateTime::from_unix_timestamp(secs).unwrap() + Duration::nanoseconds(i64::from(nanos));
            let ts = Timestamp::new(instant, form);
            let text = ts.to_string();
            let back = Timestamp::parse(&text).unwrap();
            prop_assert_eq!(back.to_string(), text.clone());
            prop_assert_eq!(back.form(), form, "{}", text);
        }

        #[test]
        fn arbitrary_strings_never_panic(s in any::<String>()) {
            let _ = Timestamp::parse(&s);
        }

        #[test]
        fn near_miss_strings_never_panic(s in "[0-9T:. +Z-]{0,40}") {
            if let Ok(ts) = Timestamp::parse(&s) {
                prop_assert_eq!(ts.to_string(), s);
            }
        }
    }
}
