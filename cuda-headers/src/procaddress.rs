//! Stage 5: the `cuGetProcAddress` table.
//!
//! `cudaTypedefs.h` (and its GL/EGL/VDPAU/profiler siblings) declares one
//! `PFN_<name>_v<version>` typedef per ABI revision of each entry point, and a
//! `PFN_<name>_v<version>_ptds`/`_ptsz` typedef where a per-thread-default-stream
//! variant exists. The real driver answers a query for `<name>` at CUDA version
//! V with the newest revision whose version is at most V. Revisions map to
//! exported symbols in order: the first to `<name>`, the next to `<name>_v2`,
//! then `_v3`..., counting only names that are declared. A per-thread variant
//! at version V is the symbol of the default revision current at V plus the
//! suffix. The generator checks every symbol it derives against the
//! declaration list; the shim's tests check the table against the answers
//! measured on the real driver.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::Path;

const TYPEDEF_HEADERS: &[&str] =
    &["cudaTypedefs.h", "cudaGLTypedefs.h", "cudaEGLTypedefs.h", "cudaVDPAUTypedefs.h", "cudaProfilerTypedefs.h"];

/// One row: from `version` on, `name` (with per-thread semantics when
/// `per_thread`) resolves to `symbol`.
pub struct Row {
    pub name: String,
    pub per_thread: bool,
    pub version: u32,
    pub symbol: String,
}

/// The derived table, and the typedef'd names that have no exported symbol.
pub struct Table {
    pub rows: Vec<Row>,
    pub skipped: Vec<String>,
}

/// Reads the typedef headers and derives the table.
///
/// # Errors
/// Returns a message when a typedef name does not parse or a derived symbol
/// is not in the declaration list.
pub fn build(include: &Path, declared: &[String]) -> Result<Table, String> {
    // (base name) -> (default revisions, per-thread revisions with suffix)
    let mut revisions: BTreeMap<String, (Vec<u32>, Vec<(u32, String)>)> = BTreeMap::new();
    for header in TYPEDEF_HEADERS {
        let path = include.join(header);
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for piece in text.split("*PFN_").skip(1) {
            let ident: String = piece.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            let (stem, suffix) = match ident.strip_suffix("_ptds").or_else(|| ident.strip_suffix("_ptsz")) {
                Some(stem) => (stem, Some(ident[stem.len()..].to_string())),
                None => (ident.as_str(), None),
            };
            let at = stem.rfind("_v").ok_or_else(|| format!("PFN_{ident} has no _v<version>"))?;
            let version: u32 = stem[at + 2..].parse().map_err(|_| format!("PFN_{ident}: bad version"))?;
            let entry = revisions.entry(stem[..at].to_string()).or_default();
            match suffix {
                Some(s) => entry.1.push((version, s)),
                None => entry.0.push(version),
            }
        }
    }
    let is_declared = |s: &str| declared.binary_search_by(|d| d.as_str().cmp(s)).is_ok();
    let mut rows = Vec::new();
    let mut skipped = Vec::new();
    for (name, (mut defaults, mut per_thread)) in revisions {
        if crate::extra::DECLARED_NOT_EXPORTED.contains(&name.as_str()) {
            continue;
        }
        defaults.sort_unstable();
        defaults.dedup();
        per_thread.sort();
        per_thread.dedup();
        let symbols: Vec<String> =
            std::iter::once(name.clone()).chain((2..10).map(|i| format!("{name}_v{i}"))).filter(|s| is_declared(s)).collect();
        if symbols.is_empty() {
            // A typedef for an entry point this platform's driver does not export
            // (cuWGLGetDevice is Windows-only): unknown to cuGetProcAddress too.
            skipped.push(name);
            continue;
        }
        if defaults.len() > symbols.len() {
            return Err(format!("{name}: {} revisions but only {} declared symbols", defaults.len(), symbols.len()));
        }
        for (i, version) in defaults.iter().enumerate() {
            rows.push(Row { name: name.clone(), per_thread: false, version: *version, symbol: symbols[i].clone() });
        }
        for (version, suffix) in per_thread {
            let current = defaults.iter().filter(|v| **v <= version).count();
            let base = &symbols[current.saturating_sub(1)];
            let symbol = format!("{base}{suffix}");
            if !is_declared(&symbol) {
                return Err(format!("{name}: derived per-thread symbol {symbol} is not declared"));
            }
            rows.push(Row { name: name.clone(), per_thread: true, version, symbol });
        }
    }
    rows.sort_by(|a, b| (&a.name, a.per_thread, a.version).cmp(&(&b.name, b.per_thread, b.version)));
    Ok(Table { rows, skipped })
}

/// Renders `procaddress.rs`.
pub fn render(table: &Table) -> String {
    let rows = &table.rows;
    let mut out = String::new();
    out.push_str(
        "/// One revision of an entry point as `cuGetProcAddress` sees it: from CUDA\n\
         /// `version` on, `name` (queried with per-thread default stream semantics when\n\
         /// `per_thread`) resolves to the exported `symbol`.\n\
         #[derive(Debug, Clone, Copy, PartialEq, Eq)]\n\
         pub struct ProcAddressRow {\n    \
         /// The name a caller asks for (no _v2, no _ptds).\n    pub name: &'static str,\n    \
         /// Whether this row answers CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM queries.\n    pub per_thread: bool,\n    \
         /// The first CUDA version (1000 * major + 10 * minor) this row answers.\n    pub version: u32,\n    \
         /// The exported symbol returned.\n    pub symbol: &'static str,\n}\n\n",
    );
    let _ = writeln!(
        out,
        "/// Every revision, sorted by (name, per_thread, version); derived from the\n\
         /// `PFN_*` typedefs of cudaTypedefs.h and its siblings ({} rows). Typedef'd\n\
         /// names with no exported symbol, left out: {}.\n\
         pub static PROC_ADDRESS_TABLE: &[ProcAddressRow] = &[",
        rows.len(),
        table.skipped.join(", ")
    );
    for r in rows {
        let _ = writeln!(
            out,
            "    ProcAddressRow {{ name: {:?}, per_thread: {}, version: {}, symbol: {:?} }},",
            r.name, r.per_thread, r.version, r.symbol
        );
    }
    out.push_str("];\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(typedefs: &str, declared: &[&str]) -> Result<Table, String> {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("cuvm-abi-gen-test-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for h in TYPEDEF_HEADERS {
            std::fs::write(dir.join(h), "").unwrap();
        }
        std::fs::write(dir.join("cudaTypedefs.h"), typedefs).unwrap();
        let mut declared: Vec<String> = declared.iter().map(|s| s.to_string()).collect();
        declared.sort();
        build(&dir, &declared)
    }

    #[test]
    fn revisions_map_to_suffixes_in_order_and_ptds_to_the_current_one() {
        let t = table(
            "typedef CUresult (CUDAAPI *PFN_cuX_v2000)(void);\n\
             typedef CUresult (CUDAAPI *PFN_cuX_v3020)(void);\n\
             typedef CUresult (CUDAAPI *PFN_cuX_v7000_ptds)(void);\n",
            &["cuX", "cuX_v2", "cuX_v2_ptds"],
        )
        .unwrap();
        let rows: Vec<(bool, u32, &str)> = t.rows.iter().map(|r| (r.per_thread, r.version, r.symbol.as_str())).collect();
        assert_eq!(rows, vec![(false, 2000, "cuX"), (false, 3020, "cuX_v2"), (true, 7000, "cuX_v2_ptds")]);
    }

    #[test]
    fn undeclared_per_thread_symbol_is_an_error_and_unexported_name_is_skipped() {
        let err = table("typedef CUresult (CUDAAPI *PFN_cuX_v7000_ptsz)(void);\n", &["cuX"]).err().unwrap();
        assert!(err.contains("cuX_ptsz"), "{err}");
        let t = table("typedef CUresult (CUDAAPI *PFN_cuWGLGetDevice_v2020)(void);\n", &["cuX"]).unwrap();
        assert_eq!(t.skipped, vec!["cuWGLGetDevice".to_string()]);
    }
}
