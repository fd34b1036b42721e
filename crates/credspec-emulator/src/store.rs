//! Storage: SQLite through rusqlite (compiled in), one file or `:memory:`.
//!
//! - Migrations ([`MIGRATIONS`]) run at open, tracked in `PRAGMA user_version`; a database
//!   written by a newer emulator is refused rather than misread.
//! - A file database runs in WAL mode with `synchronous = FULL`, so a write the emulator has
//!   acknowledged survives a crash or a restart.
//! - Every write is one `BEGIN IMMEDIATE` transaction: limits are checked and the row written
//!   under the same write lock, so concurrent requests (even from two processes on the same
//!   file) can never exceed a limit. Handlers answer 2xx only after [`Store::write`] has
//!   committed.
//! - Work runs on tokio's blocking pool, never on the async workers.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};

pub(crate) mod telnyx;
pub(crate) mod twilio;

/// Where the emulator keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Database {
    /// A private in-memory database, gone when the emulator is dropped (tests).
    Memory,
    /// A file, created if missing (the binary's default is `credspec.db`).
    File(PathBuf),
}

impl Database {
    /// An in-memory database.
    pub fn memory() -> Self {
        Self::Memory
    }

    /// A database file at `path`.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Self::File(path.into())
    }
}

impl Default for Database {
    /// `credspec.db` in the working directory.
    fn default() -> Self {
        Self::file("credspec.db")
    }
}

/// A storage failure. None of these is caused by a request's content; handlers log them and
/// answer 500 in the vendor's format.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database could not be opened or configured.
    #[error("cannot open database {path}: {source}")]
    Open {
        /// The file (or `:memory:`).
        path: String,
        /// Why.
        source: rusqlite::Error,
    },
    /// The database was written by a newer emulator.
    #[error("database schema version {found} is newer than this emulator's ({supported})")]
    NewerSchema {
        /// Version in the file.
        found: i64,
        /// Latest version this build knows.
        supported: i64,
    },
    /// An SQLite error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored resource does not decode (the file was edited or is corrupt).
    #[error("stored {table} row {id} does not decode: {message}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's id.
        id: String,
        /// What is wrong (no values).
        message: String,
    },
    /// The blocking task running the query failed.
    #[error("storage task failed: {0}")]
    Task(String),
}

/// The schema, one migration per version (`user_version` = how many have run).
pub(crate) const MIGRATIONS: &[&str] = &[
    // 1: Telnyx mobile push and telephony credentials, and the development account.
    r"
    CREATE TABLE development_account (
        vendor TEXT PRIMARY KEY,
        credential TEXT NOT NULL
    );
    CREATE TABLE telnyx_push_credentials (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        alias TEXT NOT NULL,
        push_type TEXT NOT NULL,
        resource TEXT NOT NULL,
        UNIQUE (account, alias)
    );
    CREATE TABLE telnyx_telephony_credentials (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        tag TEXT,
        name TEXT NOT NULL,
        resource_id TEXT NOT NULL,
        sip_username TEXT NOT NULL,
        resource TEXT NOT NULL
    );
    CREATE INDEX telnyx_telephony_by_tag ON telnyx_telephony_credentials (account, tag);
    ",
    // 2: Twilio classic (Notify v1; Chat v2 and IP-Messaging v2 share `chat`) and Comms.
    r"
    CREATE TABLE twilio_classic_credentials (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        sid TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        store TEXT NOT NULL,
        resource TEXT NOT NULL
    );
    CREATE INDEX twilio_classic_by_account ON twilio_classic_credentials (account, store);
    CREATE TABLE twilio_comms_apps (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        account TEXT NOT NULL,
        name TEXT NOT NULL,
        is_default INTEGER NOT NULL,
        UNIQUE (account, name)
    );
    CREATE TABLE twilio_comms_credentials (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        account TEXT NOT NULL,
        app_name TEXT NOT NULL,
        credential_type TEXT NOT NULL,
        is_default INTEGER NOT NULL,
        resource TEXT NOT NULL
    );
    CREATE INDEX twilio_comms_by_account ON twilio_comms_credentials (account, app_name);
    ",
];

/// The emulator's connection to its database.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    conn: Arc<Mutex<Connection>>,
}

fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

impl Store {
    /// Opens (creating if needed) and migrates the database.
    pub(crate) fn open(database: &Database) -> Result<Self, StoreError> {
        let (conn, name) = match database {
            Database::Memory => (Connection::open_in_memory(), String::from(":memory:")),
            Database::File(path) => (
                Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_WRITE
                        | OpenFlags::SQLITE_OPEN_CREATE
                        | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                ),
                path.display().to_string(),
            ),
        };
        let open_error = |source| StoreError::Open {
            path: name.clone(),
            source,
        };
        let mut conn = conn.map_err(open_error)?;
        conn.busy_timeout(Duration::from_secs(30))
            .map_err(open_error)?;
        if matches!(database, Database::File(_)) {
            let mode: String = conn
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(open_error)?;
            tracing::debug!(journal_mode = %mode, "database opened");
            conn.execute_batch("PRAGMA synchronous = FULL")
                .map_err(open_error)?;
        }
        migrate(&mut conn)?;
        Ok(Self {
            conn: Arc::new(Mutex::new(conn)),
        })
    }

    /// Runs `f` on the blocking pool with the connection.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let conn = Arc::clone(&self.conn);
        tokio::task::spawn_blocking(move || {
            let mut guard = conn
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            f(&mut guard)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Reads in one (deferred) transaction, so counts and pages agree.
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction()?;
            f(&tx)
        })
        .await
    }

    /// Writes in one `BEGIN IMMEDIATE` transaction. `f` answers `Ok(Ok(_))` to commit,
    /// `Ok(Err(refusal))` to roll back and refuse (a rule said no); the result is returned
    /// only once the commit is durable.
    pub(crate) async fn write<T: Send + 'static, R: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<Result<T, R>, StoreError> + Send + 'static,
    ) -> Result<Result<T, R>, StoreError> {
        self.run(move |conn| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            let outcome = f(&tx)?;
            if outcome.is_ok() {
                tx.commit()?;
            }
            Ok(outcome)
        })
        .await
    }

    /// The development account's credential for `vendor`, created from `make` on first use
    /// and kept in the database so that a restart serves the same account. Synchronous: it
    /// runs once, while the emulator is built.
    pub(crate) fn development_credential(
        &self,
        vendor: &'static str,
        make: &str,
    ) -> Result<String, StoreError> {
        let mut conn = self
            .conn
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        tx.execute(
            "INSERT OR IGNORE INTO development_account (vendor, credential) VALUES (?1, ?2)",
            (vendor, make),
        )?;
        let stored: String = tx.query_row(
            "SELECT credential FROM development_account WHERE vendor = ?1",
            [vendor],
            |r| r.get(0),
        )?;
        tx.commit()?;
        Ok(stored)
    }
}

fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let supported = i64::try_from(MIGRATIONS.len()).unwrap_or(i64::MAX);
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = schema_version(&tx)?;
    if found > supported {
        return Err(StoreError::NewerSchema { found, supported });
    }
    for (version, sql) in MIGRATIONS.iter().enumerate() {
        let version = i64::try_from(version).unwrap_or(i64::MAX);
        if version >= found {
            tx.execute_batch(sql)?;
            tracing::info!(version = version + 1, "database migrated");
        }
    }
    tx.execute_batch(&format!("PRAGMA user_version = {supported}"))?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn migrations_run_once_and_newer_schemas_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::file(dir.path().join("t.db"));
        let store = Store::open(&db).unwrap();
        let version = store.read(|tx| Ok(schema_version(tx)?)).await.unwrap();
        assert_eq!(version, i64::try_from(MIGRATIONS.len()).unwrap());
        drop(store);
        // Reopening does not rerun migrations (CREATE TABLE would fail).
        let store = Store::open(&db).unwrap();
        store
            .write(|tx| {
                tx.execute_batch("PRAGMA user_version = 99")?;
                Ok(Ok::<_, ()>(()))
            })
            .await
            .unwrap()
            .unwrap();
        drop(store);
        assert!(matches!(
            Store::open(&db),
            Err(StoreError::NewerSchema { found: 99, .. })
        ));
    }

    #[tokio::test]
    async fn refused_writes_roll_back() {
        let store = Store::open(&Database::memory()).unwrap();
        let refused = store
            .write(|tx| {
                tx.execute(
                    "INSERT INTO development_account (vendor, credential) VALUES ('x', 'y')",
                    [],
                )?;
                Ok(Err::<(), _>("no"))
            })
            .await
            .unwrap();
        assert_eq!(refused, Err("no"));
        let count: i64 = store
            .read(|tx| {
                Ok(tx.query_row("SELECT count(*) FROM development_account", [], |r| r.get(0))?)
            })
            .await
            .unwrap();
        assert_eq!(count, 0);
        assert_eq!(
            store.development_credential("twilio", "first").unwrap(),
            "first"
        );
        assert_eq!(
            store.development_credential("twilio", "second").unwrap(),
            "first",
            "kept"
        );
    }
}
