//! The `zaitaku` binary: parse the arguments, run the subcommand (one file each in
//! `commands/`), print. An error the user can fix exits with code 2, anything else with 1;
//! the error's type decides (`zaitaku::fault::Fault`).

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match cli::Cli::parse().command.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // `{:#}` prints the error and each of its causes once.
            eprintln!("error: {:#}", f.error);
            ExitCode::from(if f.users { 2 } else { 1 })
        }
    }
}
