//! Provided by the exercise: the function's name, the database behind it (a stand-in that allows
//! [`DB_MAX_CONNECTIONS`] clients and remembers the most it saw at once), the `orders` code, the
//! retry settings your caller uses, and the deployment. Read it, but you don't need to change it:
//! your part is in `lib.rs`.

use invoker::{
    with_init, Diagnostic, FunctionCode, FunctionConfig, InitContext, Lambda, LambdaEvent,
    ServiceError,
};
use serde_json::{json, Value};
use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::reserve_concurrency;

/// The function this exercise deploys.
pub const FUNCTION: &str = "orders";
/// How many clients the database accepts at once (PostgreSQL's `max_connections`). One more is
/// refused.
pub const DB_MAX_CONNECTIONS: usize = 10;
/// How long opening a connection takes.
pub const CONNECT_TIME: Duration = Duration::from_millis(30);
/// How long saving an order holds the connection: one transaction.
pub const QUERY_TIME: Duration = Duration::from_millis(200);

/// The caller's wait after its first throttled attempt; each later wait is twice the one before.
pub const FIRST_BACKOFF: Duration = Duration::from_millis(100);
/// The longest the caller waits between two attempts, however many were throttled.
pub const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// How many times the caller tries one request, the first attempt included, before it gives up.
pub const MAX_ATTEMPTS: u32 = 12;

/// What the database has seen.
#[derive(Debug, Default)]
struct Stats {
    open: usize,
    most_at_once: usize,
    refused: usize,
}

/// The orders database. Clones share one database, so a test can hold one and read what it saw.
#[derive(Clone, Debug, Default)]
pub struct Database {
    stats: Arc<Mutex<Stats>>,
}

impl Database {
    /// A database nobody has connected to yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a connection; it takes [`CONNECT_TIME`]. With [`DB_MAX_CONNECTIONS`] clients
    /// connected already, the database refuses, as PostgreSQL does: `TooManyConnections`.
    pub fn connect(&self) -> impl Future<Output = Result<Connection, Diagnostic>> + Send + 'static {
        let db = self.clone();
        async move {
            invoker::sleep(CONNECT_TIME).await;
            let mut stats = db.stats();
            // A refused client counts too: for a moment, the database had one more to deal with.
            stats.most_at_once = stats.most_at_once.max(stats.open + 1);
            if stats.open >= DB_MAX_CONNECTIONS {
                stats.refused += 1;
                return Err(Diagnostic {
                    error_type: "TooManyConnections".into(),
                    error_message: "FATAL: sorry, too many clients already".into(),
                });
            }
            stats.open += 1;
            drop(stats);
            Ok(Connection { db })
        }
    }

    /// The most clients the database had at once, connected or trying to connect.
    pub fn most_clients_at_once(&self) -> usize {
        self.stats().most_at_once
    }

    /// How many connections the database refused.
    pub fn refused(&self) -> usize {
        self.stats().refused
    }

    fn stats(&self) -> MutexGuard<'_, Stats> {
        self.stats.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// An open connection; dropping it closes it.
#[derive(Debug)]
pub struct Connection {
    db: Database,
}

impl Connection {
    /// Saves an order; it holds the connection for [`QUERY_TIME`].
    pub async fn save_order(&self, order: Value) -> Result<Value, Diagnostic> {
        invoker::sleep(QUERY_TIME).await;
        Ok(json!({ "saved": order["orderId"] }))
    }
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.db.stats().open -= 1;
    }
}

// ANCHOR: orders
/// The code of `orders`. Each execution environment opens one connection in its init step and
/// keeps it as long as it lives (exercise 2): so the database sees one client per environment,
/// and Lambda runs one environment per request in flight.
pub fn orders(db: Database) -> FunctionCode {
    with_init(
        move |_init: InitContext| db.connect(),
        |connection: Arc<Connection>, event: LambdaEvent<Value>| async move {
            let order = event.payload;
            connection.save_order(order).await
        },
    )
}
// ANCHOR_END: orders

/// Deploys `orders` in front of `db`, with the concurrency your `reserve_concurrency` reserves.
pub fn deploy_to(lambda: &Lambda, db: &Database) -> Result<(), ServiceError> {
    let config = FunctionConfig::new(FUNCTION).description("Saves orders in the orders database");
    lambda.create_function(config, orders(db.clone()))?;
    reserve_concurrency(lambda)
}

/// Deploys the exercise with a database of its own.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_to(lambda, &Database::new())
}
