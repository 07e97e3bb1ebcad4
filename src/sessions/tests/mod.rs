//! Tests for the session records, their store and the hook payload parser.

mod payload;
mod store;
