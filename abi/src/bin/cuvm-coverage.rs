//! Prints docs/coverage.md, rendered from abi/annotations.tsv (`make coverage`).

use std::process::ExitCode;

fn main() -> ExitCode {
    match cuvm_abi::annotations::parse(cuvm_abi::annotations::TABLE) {
        Ok(table) => {
            print!("{}", cuvm_abi::annotations::render_coverage(&table));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("abi/annotations.tsv line {}: {}", e.line, e.message);
            ExitCode::FAILURE
        }
    }
}
