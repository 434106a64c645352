//! The CLI's end-to-end tests, one binary (one link of the whole program for all of them):
//! each module drives the real `corroborate` binary the way a user would.
//! `cargo test -p corroborate --test it` runs them all; `--test it MODULE::` one module.

mod browser;
mod cli;
mod common;
mod entities;
mod facts;
mod golden;
mod hostile;
mod html;
mod properties;
mod serve;
mod sharing;
mod stories;
mod web;
