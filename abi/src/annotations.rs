//! The annotation table (`abi/annotations.tsv`): one hand-kept line per
//! exported symbol saying how cuvm implements it. The shim takes the reason it
//! logs for an unsupported call from here, tests check that the table names
//! exactly the exported symbols and matches what each export does, and
//! `make coverage` renders it as `docs/coverage.md`.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::OnceLock;

/// The table's text, compiled in.
pub const TABLE: &str = include_str!("../annotations.tsv");

/// The names real clients use (`abi/reference/client-names.txt`): looked up
/// through `cuGetProcAddress`, called directly, or both.
pub const CLIENT_NAMES: &str = include_str!("../reference/client-names.txt");

/// Each name real clients use, with the exported symbol it reaches: a
/// looked-up name reaches what `cuGetProcAddress` returns for it at the
/// newest version (default stream); a directly called symbol is itself.
#[must_use]
pub fn client_symbols() -> Vec<(&'static str, &'static str)> {
    CLIENT_NAMES
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| {
            let name = l.split('\t').next().unwrap_or(l);
            let symbol = match crate::procaddress::resolve(name, -1, 0) {
                crate::procaddress::Resolution::Found(sym) => sym,
                _ => name,
            };
            (name, symbol)
        })
        .collect()
}

/// How a symbol is implemented.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Status {
    /// Answered in the guest library, no host involved.
    Local,
    /// Forwarded to cuvm-host by code generated from the declaration list.
    Auto,
    /// Forwarded to cuvm-host by hand-written code.
    Manual,
    /// Returns `CUDA_ERROR_NOT_SUPPORTED` (logged once), for the stated reason.
    Unsupported,
    /// Not implemented yet: returns `CUDA_ERROR_NOT_SUPPORTED`, logged once.
    Planned,
    /// A data symbol, exported as zero-initialised data.
    Data,
}

impl Status {
    /// Every status, in report order.
    pub const ALL: [Status; 6] = [Status::Local, Status::Auto, Status::Manual, Status::Unsupported, Status::Planned, Status::Data];

    /// The word used in the table.
    #[must_use]
    pub const fn word(self) -> &'static str {
        match self {
            Status::Local => "local",
            Status::Auto => "auto",
            Status::Manual => "manual",
            Status::Unsupported => "unsupported",
            Status::Planned => "planned",
            Status::Data => "data",
        }
    }

    fn parse(word: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.word() == word)
    }

    /// Whether a call answers `CUDA_ERROR_NOT_SUPPORTED` without doing anything.
    #[must_use]
    pub const fn is_not_supported(self) -> bool {
        matches!(self, Status::Unsupported | Status::Planned)
    }
}

/// One line of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotation {
    /// The exported symbol.
    pub symbol: &'static str,
    /// How it is implemented.
    pub status: Status,
    /// Why (for unsupported and planned) or how (for the others).
    pub reason: &'static str,
}

/// A defect in the table's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Parses a table. Lines starting with `#` and blank lines are comments.
///
/// # Errors
/// Returns the first malformed line: wrong column count, unknown status, an
/// empty reason, or a symbol listed twice or out of order.
pub fn parse(text: &'static str) -> Result<Vec<Annotation>, ParseError> {
    let mut out: Vec<Annotation> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let err = |message: String| ParseError { line: i + 1, message };
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [symbol, status, reason] = cols[..] else {
            return Err(err(format!("expected 3 tab-separated columns, found {}", cols.len())));
        };
        let status = Status::parse(status).ok_or_else(|| err(format!("unknown status {status:?}")))?;
        if reason.trim().is_empty() {
            return Err(err(format!("{symbol}: the reason is empty")));
        }
        if let Some(prev) = out.last() {
            if prev.symbol >= symbol {
                return Err(err(format!("{symbol} is not after {} (keep the table sorted, once per symbol)", prev.symbol)));
            }
        }
        out.push(Annotation { symbol, status, reason });
    }
    Ok(out)
}

/// The compiled-in table, parsed once. A malformed table (which the tests
/// reject) yields an empty list rather than a panic inside a C call.
pub fn all() -> &'static [Annotation] {
    static TABLE_PARSED: OnceLock<Vec<Annotation>> = OnceLock::new();
    TABLE_PARSED.get_or_init(|| parse(TABLE).unwrap_or_default())
}

/// The annotation of `symbol`.
#[must_use]
pub fn lookup(symbol: &str) -> Option<&'static Annotation> {
    let table = all();
    table.binary_search_by(|a| a.symbol.cmp(symbol)).ok().map(|i| &table[i])
}

/// Renders `docs/coverage.md` from the table.
#[must_use]
pub fn render_coverage(table: &[Annotation]) -> String {
    let mut counts: BTreeMap<Status, usize> = BTreeMap::new();
    for a in table {
        *counts.entry(a.status).or_default() += 1;
    }
    let mut out = String::new();
    out.push_str("<!-- @generated by `make coverage` from abi/annotations.tsv; do not edit. -->\n");
    out.push_str("# Coverage of the CUDA driver API\n\n");
    let _ = writeln!(
        out,
        "Every symbol that the real `libcuda.so.1` (driver 580.159.04) exports, {} in all, is\n\
         exported by cuvm's guest library. This is how each one is implemented today.\n",
        table.len()
    );
    out.push_str("| status | meaning | symbols |\n|---|---|---|\n");
    for status in Status::ALL {
        let meaning = match status {
            Status::Local => "answered in the guest library",
            Status::Auto => "forwarded to cuvm-host, generated from the declaration list",
            Status::Manual => "forwarded to cuvm-host, hand-written",
            Status::Unsupported => "returns CUDA_ERROR_NOT_SUPPORTED (logged once), for the reason given",
            Status::Planned => "not implemented yet: returns CUDA_ERROR_NOT_SUPPORTED (logged once)",
            Status::Data => "data symbol, exported as zero-initialised data",
        };
        let _ = writeln!(out, "| {} | {meaning} | {} |", status.word(), counts.get(&status).copied().unwrap_or(0));
    }
    render_clients(table, &mut out);
    out.push_str("\n## Every symbol\n\n| symbol | status | reason |\n|---|---|---|\n");
    for a in table {
        let _ = writeln!(out, "| `{}` | {} | {} |", a.symbol, a.status.word(), a.reason.replace('|', "\\|"));
    }
    out
}

/// The status of what each client name reaches, by status.
#[must_use]
pub fn client_counts(table: &[Annotation]) -> BTreeMap<Status, usize> {
    let mut counts = BTreeMap::new();
    for (_, symbol) in client_symbols() {
        if let Some(a) = table.iter().find(|a| a.symbol == symbol) {
            *counts.entry(a.status).or_default() += 1;
        }
    }
    counts
}

fn render_clients(table: &[Annotation], out: &mut String) {
    let names = client_symbols();
    let counts = client_counts(table);
    let _ = writeln!(
        out,
        "\n## Names real clients use\n\n\
         The {} names that cudart, PyTorch, CuPy, Triton and JAX look up with `cuGetProcAddress` or call\n\
         directly (`abi/reference/client-names.txt`), by the status of the symbol each reaches (a looked-up\n\
         name: what `cuGetProcAddress` returns for it at CUDA 13.0, default stream).\n",
        names.len()
    );
    out.push_str("| status | names |\n|---|---|\n");
    for status in Status::ALL {
        let _ = writeln!(out, "| {} | {} |", status.word(), counts.get(&status).copied().unwrap_or(0));
    }
    out.push_str("\nThose not supported, and why:\n\n| name | symbol | status | reason |\n|---|---|---|---|\n");
    for (name, symbol) in names {
        if let Some(a) = table.iter().find(|a| a.symbol == symbol).filter(|a| a.status.is_not_supported()) {
            let _ = writeln!(out, "| `{name}` | `{symbol}` | {} | {} |", a.status.word(), a.reason.replace('|', "\\|"));
        }
    }
}

/// The enum types that `auto` forwarding carries as u32 values (guest and
/// host expand their marshalling from this one list): `$m! { T, ... }`.
#[macro_export]
macro_rules! auto_enum_types {
    ($m:ident) => {
        $m! {
            CUdevice_attribute, CUfunction_attribute, CUlimit, CUfunc_cache, CUsharedconfig, CUarray_format,
            CUexecAffinityType, CUpointer_attribute, CUstreamCaptureMode, CUstreamCaptureStatus, CUmemAllocationHandleType,
            CUstreamAttrID, CUdevice_P2PAttribute, CUjitInputType, CUgraphMem_attribute,
            CUmem_advise, CUmem_range_attribute, CUflushGPUDirectRDMAWritesTarget, CUflushGPUDirectRDMAWritesScope,
            CUmoduleLoadingMode, CUfunctionLoadingState, CUmemPool_attribute, CUgraphNodeType, CUmemAllocationGranularity_flags,
        }
    };
}

/// The handle types that `auto` forwarding carries as session ids, with the
/// host's kind of each: `$m! { T => Kind, ... }`.
#[macro_export]
macro_rules! auto_handle_types {
    ($m:ident) => {
        $m! {
            CUcontext => Context, CUmodule => Module, CUfunction => Function, CUstream => Stream, CUevent => Event,
            CUgraph => Graph, CUgraphExec => GraphExec,
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn committed_table_parses() {
        let table = parse(TABLE).expect("abi/annotations.tsv is malformed");
        assert_eq!(table.len(), all().len());
    }

    #[test]
    fn lookup_finds_local_and_rejects_unknown() {
        assert_eq!(lookup("cuGetErrorName").map(|a| a.status), Some(Status::Local));
        assert_eq!(lookup("cuNoSuchFunction"), None);
    }

    #[test]
    fn malformed_lines_are_rejected_with_their_line_number() {
        assert_eq!(parse("a\tlocal\n").unwrap_err().line, 1);
        assert!(parse("a\tbogus\twhy\n").unwrap_err().message.contains("unknown status"));
        assert!(parse("a\tplanned\t \n").unwrap_err().message.contains("reason is empty"));
        assert!(parse("b\tlocal\tx\na\tlocal\tx\n").unwrap_err().message.contains("sorted"));
        assert!(parse("a\tlocal\tx\na\tlocal\tx\n").unwrap_err().message.contains("once per symbol"));
    }

    #[test]
    fn readme_coverage_counts_match_the_table() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_default();
        let count = |s: Status| all().iter().filter(|a| a.status == s).count();
        for (label, status) in [
            ("| local (answered in the guest) |", Status::Local),
            ("| forwarded by hand-written code |", Status::Manual),
            ("| forwarded by generated code |", Status::Auto),
            ("| unsupported, with a reason", Status::Unsupported),
            ("| planned (returns", Status::Planned),
            ("| data (debugger variables) |", Status::Data),
        ] {
            let line = readme.lines().find(|l| l.starts_with(label)).unwrap_or_else(|| panic!("README lacks the row {label}"));
            let n: usize = line.trim_end_matches('|').rsplit('|').next().and_then(|v| v.trim().parse().ok()).unwrap_or(usize::MAX);
            assert_eq!(n, count(status), "README coverage row {label} is stale: update it from docs/coverage.md");
        }
    }

    #[test]
    fn every_client_name_reaches_an_exported_symbol() {
        let names = client_symbols();
        assert_eq!(names.len(), 379, "abi/reference/client-names.txt holds the 379 names of the shared reference");
        for (name, symbol) in names {
            assert!(lookup(symbol).is_some(), "{name} reaches {symbol}, which the table lacks");
        }
        assert_eq!(client_symbols().iter().find(|(n, _)| *n == "cuArrayCreate").map(|p| p.1), Some("cuArrayCreate_v2"));
    }

    #[test]
    fn readme_client_counts_match_the_table() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap_or_default();
        let counts = client_counts(all());
        let line = readme.lines().find(|l| l.starts_with("| names real clients use |")).expect("README lacks the client row");
        let want = Status::ALL.iter().map(|s| counts.get(s).copied().unwrap_or(0).to_string()).collect::<Vec<_>>().join(" / ");
        assert!(line.contains(&want), "README client row is stale: want {want} (local / auto / manual / unsupported / planned / data)");
    }

    #[test]
    fn committed_coverage_report_is_current() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/coverage.md");
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == render_coverage(all()), "docs/coverage.md is stale: run `make coverage` and commit it");
    }
}
