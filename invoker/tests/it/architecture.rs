//! The invoker's layering, checked: the invariants of ARCHITECTURE.md ("The invoker's layers")
//! as tests, so an import against them fails `cargo test` instead of waiting for a review.
//!
//! The invoker's source is read as text. Each module is a file under `invoker/src`; its layer is
//! its top folder:
//!
//! | layer                  | knows nothing of                                  |
//! |------------------------|---------------------------------------------------|
//! | `base`                 | functions, services, pollers                      |
//! | `lambda`               | the services around Lambda, the pollers           |
//! | `services`             | the pollers (event source mappings)               |
//! | `event_source_mapping` | the facade                                        |
//! | the facade (`lib.rs`, `cli.rs`, `bin/`) | — it may use everything          |
//!
//! A module refers to another as `crate::<layer>::<module>::…`; a reference to a higher layer is
//! a violation. So is a path through the facade (`crate::FunctionConfig`) from inside a layer:
//! it would hide the real dependency. Rust also lets a higher layer add methods to a lower
//! layer's type (`impl Lambda { pub fn s3(&self) … }` in `services::s3`); calling such a method
//! from the lower layer is a dependency no import shows, so it is checked too (as written in
//! `impl` blocks; the methods a macro writes, such as `init.s3()`, are not seen). Code inside
//! `#[cfg(test)]` (at the end of a file, by this crate's convention) is left out: a unit test may
//! set up whatever it needs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers from the bottom up; a module may use its own layer and those before it.
const LAYERS: [&str; 4] = ["base", "lambda", "services", "event_source_mapping"];
/// The longest import cycle allowed: a few modules that are one idea split for reading.
const MAX_CYCLE: usize = 3;

#[test]
fn no_module_imports_a_layer_above_its_own() {
    let modules = modules();
    let mut violations = Vec::new();
    for module in modules.values() {
        let Some(own) = module.layer else { continue };
        for path in &module.paths {
            match layer_rank(path.split("::").next().unwrap_or_default()) {
                Some(target) if target > own => violations.push(format!(
                    "{} ({}) uses crate::{path} ({})",
                    module.name, LAYERS[own], LAYERS[target]
                )),
                None => violations.push(format!(
                    "{} uses crate::{path}, a name of the facade: name the module it comes from",
                    module.name
                )),
                Some(_) => {}
            }
        }
    }
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn no_lower_layer_calls_a_method_that_a_higher_layer_adds_to_its_types() {
    let modules = modules();
    // Types defined in each layer, and the methods higher layers add to them.
    let mut defined: BTreeMap<String, usize> = BTreeMap::new();
    for module in modules.values() {
        if let Some(layer) = module.layer {
            for name in &module.types {
                let lowest = defined.entry(name.clone()).or_insert(layer);
                *lowest = (*lowest).min(layer);
            }
        }
    }
    let mut added: Vec<(String, String, usize, usize)> = Vec::new(); // method, by, its layer, type's
    for module in modules.values() {
        let Some(layer) = module.layer else { continue };
        for (ty, methods) in &module.impls {
            if let Some(&ty_layer) = defined.get(ty) {
                if ty_layer < layer {
                    for method in methods {
                        added.push((method.clone(), module.name.clone(), layer, ty_layer));
                    }
                }
            }
        }
    }
    let mut violations = Vec::new();
    for module in modules.values() {
        let Some(layer) = module.layer else { continue };
        for (method, by, by_layer, _) in &added {
            if layer < *by_layer && module.code.contains(&format!(".{method}(")) {
                violations.push(format!(
                    "{} calls .{method}(), which {by} (a higher layer) adds",
                    module.name
                ));
            }
        }
    }
    assert!(
        !added.is_empty(),
        "the check found no method a higher layer adds (the services add `lambda.s3()` and more): \
         the parser is broken"
    );
    assert!(violations.is_empty(), "{}", violations.join("\n"));
}

#[test]
fn no_import_cycle_is_longer_than_three_modules() {
    let modules = modules();
    let names: BTreeSet<&str> = modules.keys().map(String::as_str).collect();
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for module in modules.values() {
        for path in &module.paths {
            // The longest prefix of the path that is a module: `lambda::service::Lambda` → `lambda::service`.
            let parts: Vec<&str> = path.split("::").collect();
            let target = (1..=parts.len())
                .rev()
                .map(|n| parts[..n].join("::"))
                .find(|prefix| names.contains(prefix.as_str()));
            if let Some(target) = target {
                let target = names.get(target.as_str()).expect("found among the names");
                if *target != module.name {
                    edges.entry(&module.name).or_default().insert(target);
                }
            }
        }
    }
    let long: Vec<Vec<&str>> = strongly_connected(&names, &edges)
        .into_iter()
        .filter(|cycle| cycle.len() > MAX_CYCLE)
        .collect();
    assert!(
        long.is_empty(),
        "import cycles longer than {MAX_CYCLE} modules: {long:?}"
    );
}

#[test]
fn the_reader_sees_through_comments_strings_and_test_modules() {
    let code = code_of(
        "use crate::base::clock; // crate::services::s3\n\
         /* crate::services::sns */ let s = \"crate::services::sqs\";\n\
         let r = r#\"crate::services::ses\"#; let c = '\"'; let l: &'static str = \"\";\n\
         #[cfg(test)]\nmod tests { use crate::services::kms; }\n",
    );
    assert_eq!(crate_paths(&code), vec!["base::clock".to_owned()]);
}

/// One source file of the invoker.
struct Module {
    /// `lambda::service`, `services::s3`, `lib`.
    name: String,
    /// Its layer's position in [`LAYERS`]; `None` for the facade.
    layer: Option<usize>,
    /// Its code without comments, strings and test module.
    code: String,
    /// Every `crate::…` path in it, without `crate::`.
    paths: Vec<String>,
    /// The structs, enums and traits it defines.
    types: Vec<String>,
    /// The methods of each `impl Type { … }` block in it, by type.
    impls: BTreeMap<String, Vec<String>>,
}

fn layer_rank(name: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| *layer == name)
}

fn modules() -> BTreeMap<String, Module> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    collect_rs_files(&root, &mut files);
    assert!(files.len() > 30, "the invoker's sources are under {root:?}");
    files
        .into_iter()
        .map(|file| {
            let relative = file.strip_prefix(&root).expect("under src");
            let name = relative
                .with_extension("")
                .to_string_lossy()
                .replace('\\', "/")
                .trim_end_matches("/mod")
                .replace('/', "::");
            let text = std::fs::read_to_string(&file).expect("a readable source file");
            let code = code_of(&text);
            let layer = layer_rank(name.split("::").next().unwrap_or_default());
            let module = Module {
                paths: crate_paths(&code),
                types: defined_types(&code),
                impls: impl_methods(&code),
                name: name.clone(),
                layer,
                code,
            };
            (name, module)
        })
        .collect()
}

fn collect_rs_files(dir: &Path, files: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a readable folder") {
        let path = entry.expect("a folder entry").path();
        if path.is_dir() {
            collect_rs_files(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// The code of a file with comments and the insides of string and character literals blanked,
/// and without its test module (from `#[cfg(test)]` on).
fn code_of(text: &str) -> String {
    let text = match text.find("#[cfg(test)]") {
        Some(start) => &text[..start],
        None => text,
    };
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        if rest.starts_with(&['/', '/']) {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if rest.starts_with(&['/', '*']) {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if rest.starts_with(&['r', '#']) || rest.starts_with(&['r', '"']) {
            // A raw string: r"…", r#"…"#, with as many # at the end as at the start.
            let hashes = rest[1..].iter().take_while(|c| **c == '#').count();
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            i += 2 + hashes;
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                i += 1;
            }
            i += closing.len();
            out.push_str("\"\"");
        } else if chars[i] == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if chars[i] == '\'' && rest.len() > 2 && (rest[1] == '\\' || rest[2] == '\'') {
            // A character literal ('x', '\n', '\''); a lifetime ('a) is code.
            i += if rest[1] == '\\' { 3 } else { 2 };
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// Every `crate::a::b` path in some code, as `a::b` (a `{…}` group is not followed: the invoker
/// writes one path per `use`).
fn crate_paths(code: &str) -> Vec<String> {
    code.match_indices("crate::")
        .map(|(at, _)| {
            code[at + "crate::".len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect::<String>()
                .trim_end_matches(':')
                .to_owned()
        })
        .filter(|path| !path.is_empty())
        .collect()
}

/// The names after `struct`, `enum` and `trait`.
fn defined_types(code: &str) -> Vec<String> {
    let words: Vec<&str> = code.split_whitespace().collect();
    words
        .windows(2)
        .filter(|w| matches!(w[0], "struct" | "enum" | "trait"))
        .map(|w| identifier(w[1]))
        .collect()
}

/// The `fn` names inside each inherent `impl Type {` block (not `impl Trait for Type`).
fn impl_methods(code: &str) -> BTreeMap<String, Vec<String>> {
    let mut impls: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (at, _) in code.match_indices("\nimpl ") {
        let header_end = code[at..].find('{').map_or(code.len(), |i| at + i);
        let header = &code[at + "\nimpl ".len()..header_end];
        if header.contains(" for ") || header.starts_with('<') {
            continue;
        }
        let ty = identifier(header.trim());
        let mut depth = 0;
        let mut end = header_end;
        for (i, c) in code[header_end..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                end = header_end + i;
                break;
            }
        }
        let body = &code[header_end..end];
        let methods = body
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .filter(|w| w[0] == "fn")
            .map(|w| identifier(w[1]))
            .collect::<Vec<_>>();
        impls.entry(ty).or_default().extend(methods);
    }
    impls
}

/// The identifier a word starts with: `Lambda<'a>` → `Lambda`, `s3(&self)` → `s3`.
fn identifier(word: &str) -> String {
    word.chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect()
}

/// Tarjan's strongly connected components: each is a set of modules that reach one another.
fn strongly_connected<'a>(
    nodes: &BTreeSet<&'a str>,
    edges: &BTreeMap<&'a str, BTreeSet<&'a str>>,
) -> Vec<Vec<&'a str>> {
    struct Search<'a, 'e> {
        edges: &'e BTreeMap<&'a str, BTreeSet<&'a str>>,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        on_stack: BTreeSet<&'a str>,
        components: Vec<Vec<&'a str>>,
    }
    impl<'a> Search<'a, '_> {
        fn visit(&mut self, node: &'a str) {
            let index = self.index.len();
            self.index.insert(node, index);
            self.low.insert(node, index);
            self.stack.push(node);
            self.on_stack.insert(node);
            for &next in self.edges.get(node).into_iter().flatten() {
                if !self.index.contains_key(next) {
                    self.visit(next);
                    let low = self.low[node].min(self.low[next]);
                    self.low.insert(node, low);
                } else if self.on_stack.contains(next) {
                    let low = self.low[node].min(self.index[next]);
                    self.low.insert(node, low);
                }
            }
            if self.low[node] == self.index[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack.remove(member);
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                self.components.push(component);
            }
        }
    }
    let mut search = Search {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        components: Vec::new(),
    };
    for &node in nodes {
        if !search.index.contains_key(node) {
            search.visit(node);
        }
    }
    search.components
}
