//! Tests of the trailer parser and the hook cleanup, most of them checked against git itself.

mod oracle;
mod table;
mod differential;
