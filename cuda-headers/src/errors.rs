//! Stage 6: error names and strings. `cuGetErrorName`/`cuGetErrorString` are
//! answered in the guest, with the exact strings of the real driver. Those
//! strings are measured on the real driver by `measure/driver_facts.c` and kept
//! in `measured/driver-facts-<driver version>.tsv`; this stage turns the rows
//! `error <value> 0 <name> 0 <string>` into a table, and checks that every name
//! is a `CUresult` constant of the headers.

use std::fmt::Write;

/// Renders `errors.rs`.
///
/// # Errors
/// Returns a message for a malformed fact row or a name the headers lack.
pub fn render(facts: &str, types: &syn::File) -> Result<String, String> {
    let header_names = cuda_error_constants(types);
    let mut rows = Vec::new();
    for line in facts.lines().filter(|l| l.starts_with("error\t")) {
        let cols: Vec<&str> = line.split('\t').collect();
        if cols.len() != 6 {
            return Err(format!("malformed fact row: {line}"));
        }
        if cols[2] != "0" || cols[4] != "0" {
            continue; // the driver does not know this value
        }
        let value: u32 = cols[1].parse().map_err(|_| format!("bad value in {line}"))?;
        if !header_names.iter().any(|(n, v)| n == cols[3] && *v == value) {
            return Err(format!("{} = {value} is not a CUresult constant of the headers", cols[3]));
        }
        rows.push((value, cols[3].to_string(), cols[5].to_string()));
    }
    rows.sort();
    let missing: Vec<&String> = header_names.iter().filter(|(_, v)| !rows.iter().any(|r| r.0 == *v)).map(|(n, _)| n).collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// (value, name, description) of every CUresult the real driver 580.159.04 names,\n\
         /// measured with cuGetErrorName and cuGetErrorString ({} values). Any other value\n\
         /// is unknown to the driver: both calls answer CUDA_ERROR_INVALID_VALUE.",
        rows.len()
    );
    if !missing.is_empty() {
        let _ = writeln!(
            out,
            "///\n/// CUresult constants of the headers that the driver does not name: {}.",
            missing.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
        );
    }
    out.push_str("pub static ERROR_STRINGS: &[(u32, &core::ffi::CStr, &core::ffi::CStr)] = &[\n");
    for (value, name, text) in &rows {
        let _ = writeln!(out, "    ({value}, c{name:?}, c{text:?}),");
    }
    out.push_str("];\n");
    Ok(out)
}

/// The `CUresult` associated constants in the generated types: `impl
/// cudaError_enum { pub const NAME: cudaError_enum = cudaError_enum(value); }`.
fn cuda_error_constants(types: &syn::File) -> Vec<(String, u32)> {
    let mut out = Vec::new();
    for item in &types.items {
        let syn::Item::Impl(imp) = item else { continue };
        let syn::Type::Path(p) = &*imp.self_ty else {
            continue;
        };
        if !p.path.is_ident("cudaError_enum") {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Const(c) = it else {
                continue;
            };
            if let syn::Expr::Call(call) = &c.expr {
                if let Some(syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Int(i), .. })) = call.args.first() {
                    if let Ok(v) = i.base10_parse::<u32>() {
                        out.push((c.ident.to_string(), v));
                    }
                }
            }
        }
    }
    out
}
