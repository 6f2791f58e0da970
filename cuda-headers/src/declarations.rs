//! Stage 4: the one declaration list. Every exported entry point becomes one
//! line `fn name(arg: Type, ...) -> Ret;` inside the `cuda_function_declarations!`
//! macro, which hands the whole list to a macro of the caller's choosing. The
//! shim's exports, its `cuGetProcAddress` targets, the wire op codes and the
//! host's dispatch are all expanded from it.

use std::collections::BTreeSet;
use std::fmt::Write;

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::ToTokens;

/// Renders `functions.rs`.
pub fn render(functions: &[syn::ForeignItemFn], type_names: &BTreeSet<String>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "/// The declaration list: all {} functions that libcuda.so.1 exports, with their\n\
         /// C signatures, sorted by name.\n\
         ///\n\
         /// `cuda_function_declarations!(callback)` expands to `callback! {{ ... }}` with one\n\
         /// `fn name(arg: Type, ...) -> Ret;` per entry point. Types are qualified with\n\
         /// `$crate::`, so the callback may live in any crate.",
        functions.len()
    );
    out.push_str("#[macro_export]\nmacro_rules! cuda_function_declarations {\n");
    out.push_str("    ($callback:ident) => {\n        $callback! {\n");
    for f in functions {
        let name = f.sig.ident.to_string();
        if crate::extra::NAMES.contains(&name.as_str()) {
            out.push_str("            // added by cuvm-abi-gen: exported by the driver, declared by no header\n");
        }
        let mut args = Vec::new();
        for (i, input) in f.sig.inputs.iter().enumerate() {
            if let syn::FnArg::Typed(pat) = input {
                let arg_name = match &*pat.pat {
                    syn::Pat::Ident(p) => p.ident.to_string(),
                    _ => format!("arg{i}"),
                };
                args.push(format!("{arg_name}: {}", qualify(pat.ty.to_token_stream(), type_names)));
            }
        }
        let ret = match &f.sig.output {
            syn::ReturnType::Default => "()".to_string(),
            syn::ReturnType::Type(_, ty) => qualify(ty.to_token_stream(), type_names),
        };
        let _ = writeln!(out, "            fn {name}({}) -> {ret};", args.join(", "));
    }
    out.push_str("        }\n    };\n}\n");
    out
}

/// Prints a type's tokens, prefixing every name defined by the generated
/// types with `$crate::`.
fn qualify(tokens: TokenStream, type_names: &BTreeSet<String>) -> String {
    let mut printer = Printer { out: String::new(), names: type_names, prev: Prev::Open };
    printer.print(tokens);
    printer.out
}

#[derive(Clone, Copy, PartialEq)]
enum Prev {
    /// Nothing yet, or an opening delimiter.
    Open,
    /// A keyword after which a space always follows (`mut`, `const`...).
    Keyword,
    /// An identifier or literal.
    Word,
    /// `:` (part of a path separator).
    Colon,
    /// Any other punctuation or a closing delimiter.
    Other,
}

struct Printer<'a> {
    out: String,
    names: &'a BTreeSet<String>,
    prev: Prev,
}

impl Printer<'_> {
    fn print(&mut self, tokens: TokenStream) {
        for tt in tokens {
            match tt {
                TokenTree::Ident(id) => {
                    let s = id.to_string();
                    if matches!(self.prev, Prev::Keyword | Prev::Word) {
                        self.out.push(' ');
                    }
                    if self.prev != Prev::Colon && self.names.contains(&s) {
                        self.out.push_str("$crate::");
                    }
                    self.out.push_str(&s);
                    let keyword = matches!(s.as_str(), "mut" | "const" | "dyn" | "unsafe" | "extern" | "fn");
                    self.prev = if keyword { Prev::Keyword } else { Prev::Word };
                }
                TokenTree::Punct(p) => {
                    let c = p.as_char();
                    let spaced = matches!(c, '-' | '=') || (c == '*' && self.prev != Prev::Open);
                    if self.prev == Prev::Keyword || (spaced && self.prev != Prev::Other) {
                        self.out.push(' ');
                    }
                    self.out.push(c);
                    if c == ',' || c == '>' && self.out.ends_with("->") {
                        self.out.push(' ');
                    }
                    self.prev = if c == ':' { Prev::Colon } else { Prev::Other };
                }
                TokenTree::Group(g) => {
                    let (open, close) = match g.delimiter() {
                        Delimiter::Parenthesis => ("(", ")"),
                        Delimiter::Bracket => ("[", "]"),
                        Delimiter::Brace => ("{", "}"),
                        Delimiter::None => ("", ""),
                    };
                    if self.prev == Prev::Keyword {
                        self.out.push(' ');
                    }
                    self.out.push_str(open);
                    self.prev = Prev::Open;
                    self.print(g.stream());
                    self.out.push_str(close);
                    self.prev = Prev::Other;
                }
                TokenTree::Literal(l) => {
                    if matches!(self.prev, Prev::Keyword | Prev::Word) {
                        self.out.push(' ');
                    }
                    self.out.push_str(&l.to_string());
                    self.prev = Prev::Word;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeSet<String> {
        ["CUresult", "CUdeviceptr", "CUhostFn"].iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn generated_type_names_are_qualified_and_core_paths_are_not() {
        let ty: syn::Type = syn::parse_str("*mut *const CUdeviceptr").unwrap();
        assert_eq!(qualify(ty.to_token_stream(), &names()), "*mut *const $crate::CUdeviceptr");
        let ty: syn::Type = syn::parse_str("*mut ::core::ffi::c_void").unwrap();
        assert_eq!(qualify(ty.to_token_stream(), &names()), "*mut ::core::ffi::c_void");
    }

    #[test]
    fn one_line_per_function_with_unit_return_spelled_out() {
        let file = syn::parse_file("extern \"C\" { pub fn cuA(x: CUdeviceptr) -> CUresult; pub fn cuB(); }").unwrap();
        let syn::Item::ForeignMod(m) = &file.items[0] else { panic!() };
        let fns: Vec<syn::ForeignItemFn> =
            m.items.iter().map(|i| if let syn::ForeignItem::Fn(f) = i { f.clone() } else { panic!() }).collect();
        let text = render(&fns, &names());
        assert!(text.contains("fn cuA(x: $crate::CUdeviceptr) -> $crate::CUresult;"), "{text}");
        assert!(text.contains("fn cuB() -> ();"), "{text}");
    }
}
