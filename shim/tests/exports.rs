//! The built guest library exports exactly the symbols of NVIDIA's
//! libcuda.so.1 (driver 580), read from its ELF dynamic symbol table.

mod common;

use std::collections::BTreeMap;

use object::{Object, ObjectSymbol, SymbolKind};

/// (name -> (kind, size)) of the defined dynamic symbols of the library.
fn dynamic_symbols() -> BTreeMap<String, (SymbolKind, u64)> {
    let path = common::shim_library();
    let data = std::fs::read(&path).expect("read the guest library");
    let file = object::File::parse(&*data).expect("parse ELF");
    file.dynamic_symbols()
        .filter(|s| s.is_definition() && s.is_global())
        .map(|s| (s.name().expect("utf-8 name").to_string(), (s.kind(), s.size())))
        .collect()
}

#[test]
fn exports_exactly_the_707_symbols_of_the_real_library() {
    let reference = common::reference("libcuda-580.159.04-symbols.txt");
    let expected: Vec<&str> = reference.split_whitespace().collect();
    let exported = dynamic_symbols();
    let missing: Vec<&&str> = expected.iter().filter(|s| !exported.contains_key(**s)).collect();
    let extra: Vec<&String> = exported.keys().filter(|s| !expected.contains(&s.as_str())).collect();
    let matching = expected.len() - missing.len();
    println!("exports: {matching}/{} of the real library's symbols; {} extra", expected.len(), extra.len());
    assert!(missing.is_empty(), "missing exports: {missing:?}");
    assert!(extra.is_empty(), "exports the real library does not have: {extra:?}");
    assert_eq!(expected.len(), 707);
}

#[test]
fn functions_are_code_and_debugger_variables_are_data_of_the_real_size() {
    let exported = dynamic_symbols();
    let mut data = 0;
    for (name, (kind, size)) in &exported {
        match kind {
            SymbolKind::Text => assert!(cuda::exports::EXPORTED_FUNCTIONS.contains(&name.as_str()), "{name}"),
            SymbolKind::Data => {
                data += 1;
                assert!(cuda::debugger::DEBUGGER_VARIABLES.iter().any(|(n, _)| n == name), "{name}");
                let want = match name.as_str() {
                    "cudbgInjectionPath" => 4096,
                    n if n.starts_with("cudbgReported") && !n.ends_with("Source") => 8,
                    _ => 4,
                };
                assert_eq!(*size, want, "size of {name}");
            }
            other => panic!("{name} has unexpected kind {other:?}"),
        }
    }
    assert_eq!(data, 25, "the real library exports 25 data objects");
    assert_eq!(exported.len() - data, 682, "and 682 functions");
}

#[test]
fn soname_is_libcuda_so_1() {
    let data = std::fs::read(common::shim_library()).expect("read the guest library");
    let needle = b"libcuda.so.1\0";
    assert!(data.windows(needle.len()).any(|w| w == needle), "no libcuda.so.1 soname string");
    let out = std::process::Command::new("readelf").arg("-d").arg(common::shim_library()).output();
    if let Ok(out) = out {
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("Library soname: [libcuda.so.1]"), "{text}");
    }
}
