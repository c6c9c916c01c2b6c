//! One way to run a statement on either engine. A store writes its SQL once (`$1` placeholders, which
//! both engines read), binds plain values, and reads rows into structs that decode from both; where
//! the dialects really differ it gives both texts side by side ([`Sql::per_engine`]). The engine is
//! chosen here, at execution, and nowhere else.
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::{AssertSqlSafe, FromRow, Postgres, SqlStr, Sqlite};

use super::types::{DbTime, JsonText};
use super::{Db, Engine, Tx};

/// A bound value, typed even when it is NULL (PostgreSQL wants to know the type of every parameter).
#[derive(Clone, Debug)]
pub enum Value {
    Bool(Option<bool>),
    Int(Option<i64>),
    Float(Option<f64>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
    Time(Option<DbTime>),
    Json(Option<JsonText>),
}

macro_rules! value_from {
    ($variant:ident: $($t:ty => $conv:expr),+ $(,)?) => {$(
        impl From<$t> for Value {
            fn from(v: $t) -> Value {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(Some(($conv)(v)))
            }
        }
        impl From<Option<$t>> for Value {
            fn from(v: Option<$t>) -> Value {
                #[allow(clippy::redundant_closure_call)]
                Value::$variant(v.map($conv))
            }
        }
    )+};
}

value_from!(Bool: bool => |v| v);
value_from!(Int: i64 => |v| v, i32 => i64::from, u32 => i64::from, u16 => i64::from, u8 => i64::from);
value_from!(Float: f64 => |v| v);
value_from!(Text: String => |v| v, &str => str::to_owned, &String => String::clone);
value_from!(Bytes: Vec<u8> => |v| v, &[u8] => <[u8]>::to_vec);
value_from!(Time: DbTime => |v| v, time::OffsetDateTime => DbTime::new, jiff::Timestamp => DbTime::from);
value_from!(Json: JsonText => |v| v, &JsonText => JsonText::clone);

impl From<usize> for Value {
    fn from(v: usize) -> Value {
        Value::Int(i64::try_from(v).ok())
    }
}

/// Where a statement runs: on the pool, or inside a transaction.
pub enum On<'a> {
    Pool(&'a Db),
    Tx(&'a mut Tx),
}

impl<'a> From<&'a Db> for On<'a> {
    fn from(db: &'a Db) -> On<'a> {
        On::Pool(db)
    }
}

impl<'a> From<&'a mut Tx> for On<'a> {
    fn from(tx: &'a mut Tx) -> On<'a> {
        On::Tx(tx)
    }
}

impl On<'_> {
    fn engine(&self) -> Engine {
        match self {
            On::Pool(db) => db.engine(),
            On::Tx(tx) => tx.engine(),
        }
    }
}

/// A row type that decodes from both engines (`#[derive(FromRow)]` with fields that do).
pub trait Record:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Record for T where
    T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column's type that decodes from both engines.
pub trait Scalar:
    for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Postgres>
    + sqlx::Type<Postgres>
    + Send
    + Unpin
{
}
impl<T> Scalar for T where
    T: for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Postgres>
        + sqlx::Type<Postgres>
        + Send
        + Unpin
{
}

enum Text {
    Same(SqlStr),
    PerEngine {
        sqlite: &'static str,
        postgres: &'static str,
    },
}

/// A statement with its bound values.
pub struct Sql {
    text: Text,
    args: Vec<Value>,
}

/// The same statement for both engines.
pub fn sql(text: &'static str) -> Sql {
    Sql {
        text: Text::Same(SqlStr::from_static(text)),
        args: Vec::new(),
    }
}

impl Sql {
    /// A statement assembled at run time from fixed pieces (never from input: that is bound).
    pub fn assembled(text: String) -> Sql {
        Sql {
            text: Text::Same(sqlx::SqlSafeStr::into_sql_str(AssertSqlSafe(text))),
            args: Vec::new(),
        }
    }

    /// One statement written in each engine's dialect, where they differ (JSON aggregation, locks).
    pub fn per_engine(sqlite: &'static str, postgres: &'static str) -> Sql {
        Sql {
            text: Text::PerEngine { sqlite, postgres },
            args: Vec::new(),
        }
    }

    pub fn bind(mut self, value: impl Into<Value>) -> Sql {
        self.args.push(value.into());
        self
    }

    /// The text for `engine`, and the values.
    fn into_parts(self, engine: Engine) -> (SqlStr, Vec<Value>) {
        let text = match (self.text, engine) {
            (Text::Same(text), _) => text,
            (Text::PerEngine { sqlite, .. }, Engine::Sqlite) => SqlStr::from_static(sqlite),
            (Text::PerEngine { postgres, .. }, Engine::Postgres) => SqlStr::from_static(postgres),
        };
        (text, self.args)
    }
}

/// Binds every value of `$args` to the sqlx query `$query`, in order.
macro_rules! bound {
    ($query:expr, $args:expr) => {{
        let mut query = $query;
        for value in $args {
            query = match value {
                Value::Bool(v) => query.bind(v),
                Value::Int(v) => query.bind(v),
                Value::Float(v) => query.bind(v),
                Value::Text(v) => query.bind(v),
                Value::Bytes(v) => query.bind(v),
                Value::Time(v) => query.bind(v),
                Value::Json(v) => query.bind(v),
            };
        }
        query
    }};
}

/// Runs `$method` of the query made by `$make::<engine, ..>` on whichever pool or transaction `$on`
/// is: the one place where a statement meets its engine.
macro_rules! run {
    ($self:ident, $on:ident, |$engine:ident| $make:expr, $method:ident $(, $then:expr)?) => {{
        let (text, args) = $self.into_parts($on.engine());
        match $on {
            On::Pool(Db::Sqlite(pool, _)) => {
                type $engine = Sqlite;
                bound!($make(text), args).$method(pool).await $(.map($then))?
            }
            On::Pool(Db::Postgres(pool)) => {
                type $engine = Postgres;
                bound!($make(text), args).$method(pool).await $(.map($then))?
            }
            On::Tx(Tx::Sqlite(tx, _)) => {
                type $engine = Sqlite;
                bound!($make(text), args).$method(&mut **tx).await $(.map($then))?
            }
            On::Tx(Tx::Postgres(tx)) => {
                type $engine = Postgres;
                bound!($make(text), args).$method(&mut **tx).await $(.map($then))?
            }
        }
    }};
}

impl Sql {
    /// Runs the statement; the number of rows it changed.
    pub async fn execute<'a>(self, on: impl Into<On<'a>>) -> sqlx::Result<u64> {
        let on = on.into();
        run!(self, on, |E| sqlx::query::<E>, execute, |done| done
            .rows_affected())
    }

    pub async fn fetch_all<'a, T: Record>(self, on: impl Into<On<'a>>) -> sqlx::Result<Vec<T>> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_as::<E, T>, fetch_all)
    }

    pub async fn fetch_optional<'a, T: Record>(
        self,
        on: impl Into<On<'a>>,
    ) -> sqlx::Result<Option<T>> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_as::<E, T>, fetch_optional)
    }

    pub async fn fetch_one<'a, T: Record>(self, on: impl Into<On<'a>>) -> sqlx::Result<T> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_as::<E, T>, fetch_one)
    }

    /// The first column of the one row.
    pub async fn scalar<'a, T: Scalar>(self, on: impl Into<On<'a>>) -> sqlx::Result<T> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_scalar::<E, T>, fetch_one)
    }

    /// The first column of the row, if there is one.
    pub async fn scalar_optional<'a, T: Scalar>(
        self,
        on: impl Into<On<'a>>,
    ) -> sqlx::Result<Option<T>> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_scalar::<E, T>, fetch_optional)
    }

    /// The first column of every row.
    pub async fn scalars<'a, T: Scalar>(self, on: impl Into<On<'a>>) -> sqlx::Result<Vec<T>> {
        let on = on.into();
        run!(self, on, |E| sqlx::query_scalar::<E, T>, fetch_all)
    }
}
