//! Provided by the exercise: the function's name, the customer database it talks to (a stand-in
//! that counts its connections), the [`Request`] it receives, the code as it is today
//! ([`connect_in_handler`]) and the deployment. Read it, but you don't need to change it: your
//! part is `customer_api`, in `lib.rs`.

use invoker::{
    service_fn, Diagnostic, FunctionCode, FunctionConfig, Lambda, LambdaEvent, ServiceError,
};
use serde::Deserialize;
use serde_json::{json, Value};
use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::customer_api;

/// The function this exercise deploys.
pub const FUNCTION: &str = "customers";
/// How long opening a connection takes: DNS, TCP, TLS and the database's authentication, several
/// round trips before the first query can be sent.
pub const CONNECT_TIME: Duration = Duration::from_millis(300);
/// How long one query takes on an open connection.
pub const QUERY_TIME: Duration = Duration::from_millis(5);

/// The customers the database knows: id and name.
const CUSTOMERS: [(&str, &str); 3] = [
    ("c-42", "Ada Lovelace"),
    ("c-43", "Grace Hopper"),
    ("c-44", "Katherine Johnson"),
];

/// A request to the function: `{"customerId": "c-42"}`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Request {
    /// The customer to look up.
    pub customer_id: String,
}

/// The customer database, seen from outside. Clones share one database, so a test (or the
/// function) can hold one and read how many connections were ever opened to it.
#[derive(Clone, Debug, Default)]
pub struct Database {
    connections_opened: Arc<AtomicUsize>,
}

impl Database {
    /// A database nobody has connected to yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Opens a connection; it takes [`CONNECT_TIME`]. The future it returns owns all it needs,
    /// so it can be returned from a closure as it is: `move |_init: InitContext| db.connect()`.
    pub fn connect(&self) -> impl Future<Output = Result<Connection, Diagnostic>> + Send + 'static {
        let opened = Arc::clone(&self.connections_opened);
        async move {
            invoker::sleep(CONNECT_TIME).await;
            let number = opened.fetch_add(1, Ordering::SeqCst) + 1;
            Ok(Connection { number })
        }
    }

    /// How many connections were opened so far.
    pub fn connections_opened(&self) -> usize {
        self.connections_opened.load(Ordering::SeqCst)
    }
}

/// An open connection to the database.
#[derive(Debug)]
pub struct Connection {
    /// 1 for the first connection the database accepted, 2 for the second…
    number: usize,
}

impl Connection {
    /// Looks a customer up; it takes [`QUERY_TIME`]. The answer names the connection that served
    /// it, so you can see which requests shared one. An unknown id is a `CustomerNotFound` error.
    pub async fn find_customer(&self, customer_id: &str) -> Result<Value, Diagnostic> {
        invoker::sleep(QUERY_TIME).await;
        let (id, name) = CUSTOMERS
            .iter()
            .find(|(id, _)| *id == customer_id)
            .ok_or_else(|| Diagnostic {
                error_type: "CustomerNotFound".into(),
                error_message: format!("no customer {customer_id}"),
            })?;
        Ok(json!({ "customerId": id, "name": name, "connection": self.number }))
    }
}

// ANCHOR: connect_in_handler
/// The function as it is today: it opens a connection on **every** request, so every request
/// waits [`CONNECT_TIME`] before its 5 ms query, and the database sees one new connection per
/// request.
pub fn connect_in_handler(db: Database) -> FunctionCode {
    service_fn(move |event: LambdaEvent<Request>| {
        let request = event.payload;
        let connecting = db.connect();
        async move {
            let connection = connecting.await?;
            connection.find_customer(&request.customer_id).await
        }
    })
}
// ANCHOR_END: connect_in_handler

/// Deploys `customers` with your code, `customer_api`, talking to `db`.
pub fn deploy_to(lambda: &Lambda, db: &Database) -> Result<(), ServiceError> {
    let config = FunctionConfig::new(FUNCTION).description("Looks customers up in the database");
    lambda.create_function(config, customer_api(db.clone()))?;
    Ok(())
}

/// Deploys the exercise with a database of its own.
pub fn deploy(lambda: &Lambda) -> Result<(), ServiceError> {
    deploy_to(lambda, &Database::new())
}
