//! Just enough PTX parsing for the emulated backend: the kernels a module
//! defines (`.entry`), their parameters' offsets and sizes as the driver lays
//! them out, and module-scope `.global`/`.const` variables with their sizes.

use crate::backend::ParamInfo;

/// A kernel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Its name.
    pub name: String,
    /// Its parameters, in order.
    pub params: Vec<ParamInfo>,
}

/// A module-scope variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Global {
    /// Its name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
}

/// What a PTX module defines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Module {
    /// Kernels.
    pub entries: Vec<Entry>,
    /// Variables.
    pub globals: Vec<Global>,
}

fn scalar_size(ty: &str) -> Option<u32> {
    let bits: u32 = ty.trim_start_matches('.').get(1..)?.parse().ok()?;
    matches!(bits, 8 | 16 | 32 | 64).then_some(bits / 8)
}

/// Parses one parameter declaration, e.g. `.param .u64 p`,
/// `.param .align 8 .b8 s[24]`; returns (alignment, size).
fn param(decl: &str) -> Option<(u32, u32)> {
    let words: Vec<&str> = decl.split_whitespace().collect();
    let mut i = words.iter().position(|w| *w == ".param")? + 1;
    let mut align = None;
    if words.get(i) == Some(&".align") {
        align = Some(words.get(i + 1)?.parse::<u32>().ok()?);
        i += 2;
    }
    // Skip state-space qualifiers such as .ptr .global.
    while words.get(i).is_some_and(|w| w.starts_with(".ptr")) {
        i += 1;
    }
    let ty = words.get(i)?;
    let elem = scalar_size(ty)?;
    let name = words.get(i + 1..)?.join("");
    let count = match (name.find('['), name.find(']')) {
        (Some(a), Some(b)) if b > a + 1 => name[a + 1..b].parse::<u32>().ok()?,
        _ => 1,
    };
    let size = elem.checked_mul(count)?;
    Some((align.unwrap_or(elem), size))
}

fn strip_comments(src: &str) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while !rest.is_empty() {
        if let Some(stripped) = rest.strip_prefix("//") {
            rest = stripped.find('\n').map_or("", |i| &stripped[i..]);
        } else if let Some(stripped) = rest.strip_prefix("/*") {
            rest = stripped.find("*/").map_or("", |i| &stripped[i + 2..]);
        } else {
            let c = rest.chars().next().unwrap_or(' ');
            out.push(c);
            rest = &rest[c.len_utf8()..];
        }
    }
    out
}

/// Parses PTX text.
///
/// # Errors
/// A message when the text is not PTX (no `.version` directive) or an
/// `.entry` is malformed.
pub fn parse(text: &str) -> Result<Module, String> {
    let src = strip_comments(text);
    if !src.contains(".version") {
        return Err("not PTX: no .version directive".into());
    }
    let mut module = Module::default();
    let mut rest = src.as_str();
    while let Some(at) = rest.find(".entry") {
        let after = &rest[at + ".entry".len()..];
        let open = after.find('(');
        let brace = after.find('{');
        let name_end = [open, brace].into_iter().flatten().min().ok_or("malformed .entry")?;
        let name = after[..name_end].trim().to_string();
        let mut params = Vec::new();
        let mut consumed = name_end;
        if let Some(open) = open.filter(|o| brace.is_none_or(|b| *o < b)) {
            let close = after[open..].find(')').ok_or("unterminated .entry parameter list")? + open;
            let mut offset = 0u32;
            for decl in after[open + 1..close].split(',').filter(|d| d.contains(".param")) {
                let (align, size) = param(decl).ok_or_else(|| format!("cannot parse parameter {decl:?} of {name}"))?;
                let align = align.max(1);
                offset = offset.div_ceil(align) * align;
                params.push(ParamInfo { offset, size });
                offset += size;
            }
            consumed = close;
        }
        module.entries.push(Entry { name, params });
        rest = &after[consumed..];
    }
    for line in src.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(space) = words.iter().position(|w| *w == ".global" || *w == ".const") else {
            continue;
        };
        if line.contains(".entry") || line.contains(".func") || !line.trim_end().ends_with(';') {
            continue;
        }
        let mut i = space + 1;
        if words.get(i) == Some(&".align") {
            i += 2;
        }
        let (Some(ty), Some(_)) = (words.get(i), words.get(i + 1)) else {
            continue;
        };
        let Some(elem) = scalar_size(ty) else {
            continue;
        };
        let decl: String = words[i + 1..].join("");
        let decl = decl.split('=').next().unwrap_or("").trim_end_matches(';').to_string();
        let (name, count) = match (decl.find('['), decl.find(']')) {
            (Some(a), Some(b)) if b > a + 1 => (decl[..a].to_string(), decl[a + 1..b].parse::<u64>().unwrap_or(1)),
            _ => (decl.clone(), 1),
        };
        module.globals.push(Global { name, size: u64::from(elem) * count });
    }
    Ok(module)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PTX: &str = r#"
//
// Generated by NVIDIA NVVM Compiler
.version 8.0
.target sm_52
.address_size 64
.global .align 4 .u32 counter;
.global .align 8 .b8 table[64];
.visible .entry vadd(
    .param .u64 vadd_param_0,
    .param .u64 vadd_param_1,
    .param .u32 vadd_param_2,
    .param .align 8 .b8 vadd_param_3[24],
    .param .f64 vadd_param_4
)
{
    ret;
}
.visible .entry empty()
{
    ret;
}
"#;

    #[test]
    fn entries_and_param_layout_follow_alignment() {
        let m = parse(PTX).unwrap();
        assert_eq!(m.entries.len(), 2);
        assert_eq!(m.entries[0].name, "vadd");
        let p: Vec<(u32, u32)> = m.entries[0].params.iter().map(|p| (p.offset, p.size)).collect();
        assert_eq!(p, vec![(0, 8), (8, 8), (16, 4), (24, 24), (48, 8)]);
        assert_eq!(m.entries[1], Entry { name: "empty".into(), params: vec![] });
    }

    #[test]
    fn globals_have_sizes() {
        let m = parse(PTX).unwrap();
        assert_eq!(m.globals, vec![Global { name: "counter".into(), size: 4 }, Global { name: "table".into(), size: 64 }]);
    }

    #[test]
    fn text_without_version_is_not_ptx() {
        assert!(parse("hello").is_err());
    }
}
