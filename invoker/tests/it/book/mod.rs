//! The worked examples of the book, run as tests: one module per chapter, named after the
//! chapter's file in `book/src/`. The book includes their code (between the ANCHOR lines) and
//! their transcripts (the snapshots in `snapshots/`), so what a reader sees is exactly what the
//! invoker does.

mod ch01_handler_event_context;
mod concurrency;
mod environment_variables;
mod errors_and_retries;
mod event_models;
mod execution_environment;
mod layers_and_packaging;
mod patterns;
mod permissions;
mod testing;
mod versions_and_aliases;
