//! Stage 2: separates the entry points (which become the declaration list)
//! from everything else (which becomes `types.rs` as it is).

use std::collections::BTreeSet;

/// What stage 1 produced, split in two.
pub struct Parts {
    /// Types, constants and layout assertions.
    pub types: syn::File,
    /// Every `extern "C"` function bindgen saw.
    pub functions: Vec<syn::ForeignItemFn>,
    /// Names of all types defined in `types`, to qualify them in the list.
    pub type_names: BTreeSet<String>,
}

/// Splits bindgen's output.
///
/// # Errors
/// Returns a message when the output does not parse or holds an extern item
/// that is not a function.
pub fn split(source: &str) -> Result<Parts, String> {
    let file = syn::parse_file(source).map_err(|e| format!("bindgen output does not parse: {e}"))?;
    let mut items = Vec::new();
    let mut functions = Vec::new();
    let mut type_names = BTreeSet::new();
    for item in file.items {
        match item {
            syn::Item::ForeignMod(block) => {
                for foreign in block.items {
                    match foreign {
                        syn::ForeignItem::Fn(f) => functions.push(f),
                        other => {
                            return Err(format!("unexpected extern item {}", quote::quote!(#other)));
                        }
                    }
                }
            }
            other => {
                match &other {
                    syn::Item::Struct(s) => {
                        type_names.insert(s.ident.to_string());
                    }
                    syn::Item::Union(u) => {
                        type_names.insert(u.ident.to_string());
                    }
                    syn::Item::Type(t) => {
                        type_names.insert(t.ident.to_string());
                    }
                    syn::Item::Enum(e) => {
                        type_names.insert(e.ident.to_string());
                    }
                    syn::Item::Use(u) => collect_use(&u.tree, &mut type_names),
                    _ => {}
                }
                items.push(other);
            }
        }
    }
    Ok(Parts { types: syn::File { shebang: None, attrs: file.attrs, items }, functions, type_names })
}

fn collect_use(tree: &syn::UseTree, names: &mut BTreeSet<String>) {
    match tree {
        syn::UseTree::Path(p) => collect_use(&p.tree, names),
        syn::UseTree::Rename(r) => {
            names.insert(r.rename.to_string());
        }
        syn::UseTree::Name(n) => {
            names.insert(n.ident.to_string());
        }
        syn::UseTree::Group(g) => g.items.iter().for_each(|t| collect_use(t, names)),
        syn::UseTree::Glob(_) => {}
    }
}
