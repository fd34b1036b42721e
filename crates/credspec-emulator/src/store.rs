//! Storage: SQLite through rusqlite (compiled in), one file or `:memory:`.
//!
//! - Migrations ([`MIGRATIONS`]) run at open, tracked in `PRAGMA user_version`; a database
//!   written by a newer emulator is refused rather than misread.
//! - A file database runs in WAL mode with `synchronous = FULL`, so a write the emulator has
//!   acknowledged survives a crash or a restart.
//! - Writes are group-committed: each write is queued, and one writer task at a time (on
//!   tokio's blocking pool, started by the first write that finds none running) takes every
//!   queued write and runs them in one `BEGIN IMMEDIATE` transaction, each write inside its
//!   own savepoint, commits once, answers them, and goes on while writes are queued. A write sees every write queued
//!   before it, so limits are checked and the row written under the same write lock and
//!   concurrent requests (even from two processes on the same file) can never exceed a
//!   limit; a refused or failed write rolls back its savepoint only. Handlers answer 2xx
//!   only after [`Store::write`] returns, which is after the commit: one `fsync` makes a
//!   whole batch durable, which is what lets durable creates outpace the disk's sync rate.
//! - A file database has its own read connections (WAL readers never wait for the writer),
//!   so a read does not queue behind a batch's `fsync`. An in-memory database has one
//!   connection for both.
//! - Writes run on tokio's blocking pool. A read runs in place when a read connection is
//!   free at once, or after the task yielded and found one free ([`READ_YIELDS`] times at
//!   most: a point read costs less than the hop to another thread), else on the blocking
//!   pool.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
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
    /// The batch a write was part of did not commit (its own statements had succeeded).
    #[error("the transaction did not commit: {0}")]
    Commit(String),
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
    // 3: one classic store per region (decision D48): Notify's and Chat's credentials, kept
    // apart before, are one account's `CR...` credentials in the default region.
    r"
    UPDATE twilio_classic_credentials SET store = 'us1' WHERE store IN ('notify', 'chat');
    ",
];

/// The emulator's connections to its database.
#[derive(Debug, Clone)]
pub(crate) struct Store {
    shared: Arc<Shared>,
}

/// What a read runs in: a transaction of its own (every read of several statements), or
/// the one statement's own ([`Store::read_statement`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Transaction,
    Statement,
}

/// What a queued write does once its batch has run: whether to keep its changes, and how to
/// answer once the batch's commit is known.
struct Finish {
    keep: bool,
    answer: Answer,
}

/// Answers a write, given whether its batch committed.
type Answer = Box<dyn FnOnce(Result<(), &StoreError>) + Send>;

/// A queued write.
type Job = Box<dyn FnOnce(&Transaction<'_>) -> Finish + Send>;

/// Writes waiting for the next batch, and whether a writer task is running (it takes them).
#[derive(Default)]
struct Queue {
    jobs: Vec<Job>,
    running: bool,
}

struct Shared {
    /// The write connection; an in-memory database's only connection.
    writer: Mutex<Connection>,
    /// Writes waiting for the next batch.
    queue: Mutex<Queue>,
    /// A file database's read connections (empty for `:memory:`).
    readers: Vec<Mutex<Connection>>,
    /// Where the next read starts looking for a free connection.
    next_reader: AtomicUsize,
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("readers", &self.readers.len())
            .finish_non_exhaustive()
    }
}

/// How many prepared statements each connection keeps (every statement of the store fits:
/// a statement is parsed once per connection, not once per request).
const STATEMENT_CACHE: usize = 128;

/// How many read connections a file database gets.
const READERS: usize = 4;

/// How many times a read that finds every read connection taken yields to the runtime and
/// tries again before it waits for one on the blocking pool (a batch of writes holds an
/// in-memory database's connection until it commits).
const READ_YIELDS: usize = 2;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

impl Store {
    /// Opens (creating if needed) and migrates the database.
    pub(crate) fn open(database: &Database) -> Result<Self, StoreError> {
        let name = match database {
            Database::Memory => String::from(":memory:"),
            Database::File(path) => path.display().to_string(),
        };
        let open_error = |source| StoreError::Open {
            path: name.clone(),
            source,
        };
        let open = |path: &PathBuf| {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_WRITE
                    | OpenFlags::SQLITE_OPEN_CREATE
                    | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.busy_timeout(Duration::from_secs(30))?;
            conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
            Ok::<_, rusqlite::Error>(conn)
        };
        let mut writer = match database {
            Database::Memory => Connection::open_in_memory().map_err(open_error)?,
            Database::File(path) => open(path).map_err(open_error)?,
        };
        writer
            .busy_timeout(Duration::from_secs(30))
            .map_err(open_error)?;
        writer.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
        let mut readers = Vec::new();
        if let Database::File(path) = database {
            let mode: String = writer
                .query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))
                .map_err(open_error)?;
            tracing::debug!(journal_mode = %mode, "database opened");
            writer
                .execute_batch("PRAGMA synchronous = FULL")
                .map_err(open_error)?;
            migrate(&mut writer)?;
            for _ in 0..READERS {
                let reader = open(path).map_err(open_error)?;
                reader
                    .execute_batch("PRAGMA query_only = ON")
                    .map_err(open_error)?;
                readers.push(Mutex::new(reader));
            }
        } else {
            migrate(&mut writer)?;
        }
        Ok(Self {
            shared: Arc::new(Shared {
                writer: Mutex::new(writer),
                queue: Mutex::new(Queue::default()),
                readers,
                next_reader: AtomicUsize::new(0),
            }),
        })
    }

    /// Reads in one (deferred) transaction, so counts and pages agree.
    ///
    /// The transaction is opened and ended by prepared statements kept with the
    /// connection: `Connection::transaction` parses `BEGIN DEFERRED` and `ROLLBACK` again on
    /// every call, which was half the cost of a point read (issue 15 §5).
    pub(crate) async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.read_in(Scope::Transaction, f).await
    }

    /// Reads with `f`, which runs one statement: SQLite runs a statement outside a
    /// transaction in a read transaction of its own, so it needs no `BEGIN` and `COMMIT`
    /// around it, two statements more than a point read's own (issue 15 §5).
    pub(crate) async fn read_statement<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.read_in(Scope::Statement, f).await
    }

    async fn read_in<T: Send + 'static>(
        &self,
        scope: Scope,
        f: impl FnOnce(&Connection) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        fn run<T>(
            conn: &mut Connection,
            scope: Scope,
            f: impl FnOnce(&Connection) -> Result<T, StoreError>,
        ) -> Result<T, StoreError> {
            if scope == Scope::Statement {
                return f(conn);
            }
            conn.prepare_cached("BEGIN DEFERRED")?.execute([])?;
            let read = f(conn);
            // Nothing was written: ending the transaction only releases its snapshot, so
            // it is ended whatever `f` answered.
            let end = conn.prepare_cached("COMMIT")?.execute([]);
            if end.is_err() && !conn.is_autocommit() {
                // Never leave the connection inside a transaction for the next read.
                let _ = conn.prepare_cached("ROLLBACK")?.execute([]);
            }
            let read = read?;
            end?;
            Ok(read)
        }
        let shared = &self.shared;
        let all = shared.read_connections();
        let start = shared.next_reader.fetch_add(1, Ordering::Relaxed);
        for attempt in 0..=READ_YIELDS {
            {
                // The guard must not live across an `await` (it is not `Send`).
                let free = (0..all.len()).find_map(|i| {
                    all.get((start + i) % all.len())
                        .and_then(|mutex| mutex.try_lock().ok())
                });
                if let Some(mut conn) = free {
                    return run(&mut conn, scope, f);
                }
            }
            if attempt < READ_YIELDS {
                // Every connection is taken, most often by a point read on the other worker
                // (an in-memory database has one connection): it is free again by the time
                // this task is polled next, far sooner than a blocking thread would answer.
                tokio::task::yield_now().await;
            }
        }
        let shared = Arc::clone(shared);
        tokio::task::spawn_blocking(move || {
            let all = shared.read_connections();
            let mutex = all.get(start % all.len()).unwrap_or(&shared.writer);
            run(&mut lock(mutex), scope, f)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Writes in the next batch's `BEGIN IMMEDIATE` transaction. `f` answers `Ok(Ok(_))` to
    /// keep its changes, `Ok(Err(refusal))` to roll them back and refuse (a rule said no);
    /// the result is returned only once the batch's commit is durable.
    pub(crate) async fn write<T: Send + 'static, R: Send + 'static>(
        &self,
        f: impl FnOnce(&Transaction<'_>) -> Result<Result<T, R>, StoreError> + Send + 'static,
    ) -> Result<Result<T, R>, StoreError> {
        let (send, receive) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |tx| {
            let outcome = f(tx);
            Finish {
                keep: matches!(outcome, Ok(Ok(_))),
                answer: Box::new(move |commit| {
                    // A refusal read state the failed batch held: it is no answer either.
                    let answer = match commit {
                        Ok(()) => outcome,
                        Err(error) => Err(StoreError::Commit(error.to_string())),
                    };
                    // The caller may have gone (its connection closed): nothing to tell.
                    let _ = send.send(answer);
                }),
            }
        });
        let start = {
            let mut queue = lock(&self.shared.queue);
            queue.jobs.push(job);
            !std::mem::replace(&mut queue.running, true)
        };
        if start {
            // One writer task at a time: a task per write (as before) kept one blocking
            // thread per write in flight waiting on the write connection, 512 threads under
            // 256 connections. The handle is not needed, the answer comes through the channel.
            let shared = Arc::clone(&self.shared);
            drop(tokio::task::spawn_blocking(move || shared.run_batches()));
        }
        receive
            .await
            .map_err(|_| StoreError::Task(String::from("the write was dropped unanswered")))?
    }

    /// The development account's credential for `vendor`, created from `make` on first use
    /// and kept in the database so that a restart serves the same account. Synchronous: it
    /// runs once, while the emulator is built.
    pub(crate) fn development_credential(
        &self,
        vendor: &'static str,
        make: &str,
    ) -> Result<String, StoreError> {
        let mut conn = lock(&self.shared.writer);
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

/// A copy of the whole database, taken with SQLite's online backup API.
pub(crate) struct Snapshot(Mutex<Connection>);

impl std::fmt::Debug for Snapshot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Snapshot")
    }
}

/// Copies every page of `from` into `to`, 1024 pages a step.
fn copy(from: &Connection, to: &mut Connection) -> Result<(), StoreError> {
    let backup = rusqlite::backup::Backup::new(from, to)?;
    backup.run_to_completion(1024, Duration::from_millis(5), None)?;
    Ok(())
}

impl Store {
    /// The database as it is now (between two batches of writes), in memory.
    pub(crate) async fn snapshot(&self) -> Result<Snapshot, StoreError> {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let writer = lock(&shared.writer);
            let mut copy_to = Connection::open_in_memory()?;
            copy(&writer, &mut copy_to)?;
            Ok(Snapshot(Mutex::new(copy_to)))
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }

    /// Replaces the database's content with `snapshot`'s (between two batches of writes).
    pub(crate) async fn restore(&self, snapshot: Arc<Snapshot>) -> Result<(), StoreError> {
        let shared = Arc::clone(&self.shared);
        tokio::task::spawn_blocking(move || {
            let mut writer = lock(&shared.writer);
            let from = lock(&snapshot.0);
            copy(&from, &mut writer)
        })
        .await
        .map_err(|e| StoreError::Task(e.to_string()))?
    }
}

impl Shared {
    /// The connections reads use: a file's read connections, or the one connection of an
    /// in-memory database.
    fn read_connections(&self) -> &[Mutex<Connection>] {
        if self.readers.is_empty() {
            std::slice::from_ref(&self.writer)
        } else {
            &self.readers
        }
    }

    /// The writer task: runs batches until no write is queued, then says it has stopped (under
    /// the queue's lock, so a write queued after that starts a new one).
    fn run_batches(&self) {
        /// Should a write panic, the next write starts a new writer task.
        struct Running<'a>(&'a Shared);
        impl Drop for Running<'_> {
            fn drop(&mut self) {
                if std::thread::panicking() {
                    lock(&self.0.queue).running = false;
                }
            }
        }
        let _running = Running(self);
        loop {
            let conn = lock(&self.writer);
            let jobs = {
                let mut queue = lock(&self.queue);
                if queue.jobs.is_empty() {
                    queue.running = false;
                    return;
                }
                std::mem::take(&mut queue.jobs)
            };
            Self::run_batch(conn, jobs);
        }
    }

    /// Runs `jobs` in one transaction, releases the write connection, and answers each
    /// write after the commit.
    fn run_batch(mut conn: MutexGuard<'_, Connection>, jobs: Vec<Job>) {
        let mut finished = Vec::with_capacity(jobs.len());
        let committed = (|| {
            let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
            // Prepared once per connection, not parsed again for every write.
            let step = |sql: &str| tx.prepare_cached(sql)?.execute([]);
            for job in jobs {
                step("SAVEPOINT write")?;
                let finish = job(&tx);
                if !finish.keep {
                    step("ROLLBACK TO write")?;
                }
                step("RELEASE write")?;
                finished.push(finish);
            }
            tx.commit()?;
            Ok::<_, StoreError>(())
        })();
        if let Err(error) = &committed {
            tracing::error!(%error, writes = finished.len(), "a batch of writes did not commit");
        }
        drop(conn);
        for finish in finished {
            (finish.answer)(committed.as_ref().copied());
        }
    }
}

/// Deletes every row of every table but the development account's: the state a reset
/// empties (the accounts themselves live outside the database, or in that table).
pub(crate) fn empty(tx: &Transaction<'_>) -> Result<(), StoreError> {
    let tables: Vec<String> = tx
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' \
             AND name NOT LIKE 'sqlite_%' AND name != 'development_account'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    for table in tables {
        tx.execute_batch(&format!("DELETE FROM \"{table}\""))?;
    }
    Ok(())
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

    /// A database of the two classic stores (schema 2) keeps every credential in the one
    /// store of the default region after migration 3 (decision D48): nothing is lost.
    #[test]
    fn the_classic_stores_become_one_without_loss() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.db");
        {
            let mut conn = Connection::open(&path).unwrap();
            let tx = conn.transaction().unwrap();
            for sql in &MIGRATIONS[..2] {
                tx.execute_batch(sql).unwrap();
            }
            tx.execute_batch(
                "INSERT INTO twilio_classic_credentials (sid, account, store, resource) VALUES
                   ('CR1', 'AC1', 'notify', '{}'), ('CR2', 'AC1', 'chat', '{}');
                 PRAGMA user_version = 2;",
            )
            .unwrap();
            tx.commit().unwrap();
        }
        let mut conn = Connection::open(&path).unwrap();
        migrate(&mut conn).unwrap();
        let stores: Vec<(String, String)> = conn
            .prepare("SELECT sid, store FROM twilio_classic_credentials ORDER BY seq")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(
            stores,
            [
                (String::from("CR1"), String::from("us1")),
                (String::from("CR2"), String::from("us1"))
            ]
        );
    }

    /// Many writes at once land in shared batches: each refused or failed write rolls back
    /// only its own changes, every kept write is committed, and a later write sees the
    /// earlier ones of its batch (so a rule checked in a write holds across a batch).
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batched_writes_keep_their_own_outcome() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::file(dir.path().join("batch.db"));
        let store = Store::open(&db).unwrap();
        let mut writes = tokio::task::JoinSet::new();
        for i in 0..60_u32 {
            let store = store.clone();
            writes.spawn(async move {
                let outcome = store
                    .write(move |tx| {
                        // Everyone tries to take the same unique slot as well: only the
                        // first write of the run may, whatever batch it is in.
                        let taken: i64 = tx.query_row(
                            "SELECT count(*) FROM development_account WHERE vendor = 'slot'",
                            [],
                            |r| r.get(0),
                        )?;
                        if taken == 0 {
                            tx.execute(
                                "INSERT INTO development_account VALUES ('slot', ?1)",
                                [i.to_string()],
                            )?;
                        }
                        tx.execute(
                            "INSERT INTO development_account VALUES (?1, 'x')",
                            [format!("v{i}")],
                        )?;
                        match i % 6 {
                            // A rule says no: both rows go.
                            0 => Ok(Err("refused")),
                            // A statement fails (duplicate key) after a row was written.
                            1 => {
                                tx.execute(
                                    "INSERT INTO development_account VALUES (?1, 'y')",
                                    [format!("v{i}")],
                                )?;
                                Ok(Ok(()))
                            }
                            _ => Ok(Ok(())),
                        }
                    })
                    .await;
                (i, outcome)
            });
        }
        let mut kept = 0;
        while let Some(done) = writes.join_next().await {
            let (i, outcome) = done.unwrap();
            match i % 6 {
                0 => assert!(matches!(outcome, Ok(Err("refused"))), "{i}"),
                1 => assert!(matches!(outcome, Err(StoreError::Sqlite(_))), "{i}"),
                _ => {
                    assert!(matches!(outcome, Ok(Ok(()))), "{i}");
                    kept += 1;
                }
            }
        }
        drop(store);
        // Read back through a fresh connection: what was acknowledged is on disk.
        let store = Store::open(&db).unwrap();
        let (rows, slots): (i64, i64) = store
            .read(|tx| {
                Ok(tx.query_row(
                    "SELECT count(*) - sum(vendor = 'slot'), sum(vendor = 'slot') \
                     FROM development_account",
                    [],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )?)
            })
            .await
            .unwrap();
        assert_eq!(rows, kept);
        assert_eq!(slots, 1, "one slot, whatever the batching");
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
