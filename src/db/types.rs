//! The two column types whose storage differs between the engines, each one Rust type for both:
//! times (`TEXT` like `2026-11-24T06:00:00Z` in SQLite, `timestamptz` in PostgreSQL) and JSON
//! (`TEXT` checked by `json_valid` in SQLite, `jsonb` in PostgreSQL).
use std::fmt;

use serde_json::value::RawValue;
use sqlx::encode::IsNull;
use sqlx::error::BoxDynError;
use sqlx::postgres::{PgArgumentBuffer, PgTypeInfo, PgValueRef};
use sqlx::sqlite::{SqliteArgumentsBuffer, SqliteTypeInfo, SqliteValueRef};
use sqlx::types::Json;
use sqlx::{Decode, Encode, Postgres, Sqlite, Type};
use time::OffsetDateTime;
use time::format_description::FormatItem;
use time::macros::format_description;

/// A moment in UTC, to the second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DbTime(pub OffsetDateTime);

/// SQLite's format: it sorts as text, and it is what `strftime('%Y-%m-%dT%H:%M:%SZ', 'now')` writes.
const TIMESTAMP: &[FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");

impl DbTime {
    pub fn new(t: OffsetDateTime) -> DbTime {
        let t = t.to_offset(time::UtcOffset::UTC);
        DbTime(t.replace_nanosecond(0).unwrap_or(t))
    }

    /// `2026-11-24T06:00:00Z`.
    pub fn to_text(self) -> String {
        self.0
            .format(TIMESTAMP)
            .unwrap_or_else(|_| "1970-01-01T00:00:00Z".to_owned())
    }

    pub fn parse(text: &str) -> Result<DbTime, time::error::Parse> {
        time::PrimitiveDateTime::parse(text, TIMESTAMP)
            .map(|t| DbTime(t.assume_utc()))
            .or_else(|_| {
                OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
                    .map(DbTime::new)
            })
    }
}

impl fmt::Display for DbTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}

impl From<OffsetDateTime> for DbTime {
    fn from(t: OffsetDateTime) -> DbTime {
        DbTime::new(t)
    }
}

impl From<DbTime> for OffsetDateTime {
    fn from(t: DbTime) -> OffsetDateTime {
        t.0
    }
}

impl From<jiff::Timestamp> for DbTime {
    fn from(t: jiff::Timestamp) -> DbTime {
        DbTime::new(
            OffsetDateTime::from_unix_timestamp(t.as_second())
                .unwrap_or(OffsetDateTime::UNIX_EPOCH),
        )
    }
}

impl From<DbTime> for jiff::Timestamp {
    fn from(t: DbTime) -> jiff::Timestamp {
        jiff::Timestamp::from_second(t.0.unix_timestamp()).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }
}

impl Type<Sqlite> for DbTime {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for DbTime {
    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.to_text(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for DbTime {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let text = <&str as Decode<Sqlite>>::decode(value)?;
        Ok(DbTime::parse(text)?)
    }
}

impl Type<Postgres> for DbTime {
    fn type_info() -> PgTypeInfo {
        <OffsetDateTime as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <OffsetDateTime as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for DbTime {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        <OffsetDateTime as Encode<Postgres>>::encode_by_ref(&self.0, buf)
    }
}

impl<'r> Decode<'r, Postgres> for DbTime {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(DbTime::new(<OffsetDateTime as Decode<Postgres>>::decode(
            value,
        )?))
    }
}

/// A JSON document kept as its text: parsed by the caller into the type it means (`Localized<T>`,
/// a block's content), written as the text a caller serialised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct JsonText(pub String);

impl JsonText {
    /// Serialises `value`.
    pub fn of<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsonText, serde_json::Error> {
        serde_json::to_string(value).map(JsonText)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses the document into `T`.
    pub fn parse<'a, T: serde::Deserialize<'a>>(&'a self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.0)
    }
}

impl std::ops::Deref for JsonText {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<String> for JsonText {
    fn from(text: String) -> JsonText {
        JsonText(text)
    }
}

impl From<&str> for JsonText {
    fn from(text: &str) -> JsonText {
        JsonText(text.to_owned())
    }
}

impl fmt::Display for JsonText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Type<Sqlite> for JsonText {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl Encode<'_, Sqlite> for JsonText {
    fn encode(self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.0, buf)
    }

    fn encode_by_ref(&self, buf: &mut SqliteArgumentsBuffer) -> Result<IsNull, BoxDynError> {
        <String as Encode<Sqlite>>::encode(self.0.clone(), buf)
    }
}

impl<'r> Decode<'r, Sqlite> for JsonText {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(JsonText(<String as Decode<Sqlite>>::decode(value)?))
    }
}

impl Type<Postgres> for JsonText {
    fn type_info() -> PgTypeInfo {
        <Json<()> as Type<Postgres>>::type_info()
    }

    fn compatible(ty: &PgTypeInfo) -> bool {
        <Json<()> as Type<Postgres>>::compatible(ty)
    }
}

impl Encode<'_, Postgres> for JsonText {
    fn encode_by_ref(&self, buf: &mut PgArgumentBuffer) -> Result<IsNull, BoxDynError> {
        let raw: &RawValue = serde_json::from_str(&self.0)?;
        <Json<&RawValue> as Encode<Postgres>>::encode(Json(raw), buf)
    }
}

impl<'r> Decode<'r, Postgres> for JsonText {
    fn decode(value: PgValueRef<'r>) -> Result<Self, BoxDynError> {
        let Json(raw) = <Json<Box<RawValue>> as Decode<Postgres>>::decode(value)?;
        Ok(JsonText(raw.get().to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn times_are_utc_seconds_in_sqlites_text() {
        let t = DbTime::new(datetime!(2026-03-29 01:30:05.25 +02:00));
        assert_eq!(t.to_text(), "2026-03-28T23:30:05Z");
        assert_eq!(DbTime::parse("2026-03-28T23:30:05Z").unwrap(), t);
        assert_eq!(DbTime::parse("2026-03-29T01:30:05+02:00").unwrap(), t);
        assert!(DbTime::parse("yesterday").is_err());
        let jiff: jiff::Timestamp = t.into();
        assert_eq!(DbTime::from(jiff), t);
    }
}
