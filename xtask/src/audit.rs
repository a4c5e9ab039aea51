//! The ways out of the grader, looked for in the learner's code.
//!
//! The tests run the learner's code in their own process, and code in a process can do
//! anything that process can: end it early with a success status, write the file libtest
//! records results in, rewrite a snapshot before insta reads it, read the solution's source.
//! [`crate::grade`] catches what leaves a contradiction behind, but a determined forger can
//! avoid leaving one. What they cannot avoid is writing the code that does it, and none of the
//! exercises needs any of these:
//!
//! - `unsafe`, `extern` and `asm!`: foreign functions and raw memory;
//! - the modules `std::process`, `std::fs`, `std::env`, `std::os`, `std::net`, `std::arch` and
//!   `core::intrinsics`: exiting, files, arguments and the variables, the operating system. A
//!   handler reads its configuration and `/tmp` through its context, never through these (the
//!   invoker's own rule);
//! - `include!`, `include_str!`, `include_bytes!` and `#[path]`: compiling in a file from
//!   elsewhere, such as the reference solution;
//! - `#[no_mangle]`, `#[export_name]`, `#[link_section]`, `#[link]`, `#[used]`: code that runs
//!   before `main` or replaces a symbol.
//!
//! The scan reads tokens, not text: comments and string literals are skipped, so `// fs::write`
//! or `"process"` are no findings, while `use std::{fs, process};` and `std :: process` are. A
//! module name counts as a path segment (followed by `::`, or inside a `use`), so a function of
//! the learner's called `process` is fine. It is a scan, not a proof: see "What `--strict`
//! guarantees" in `xtask/README.md` for what is left to a teacher's eyes.

use std::fmt;

/// One way out of the grader, found in a learner's file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub line: usize,
    pub what: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.what)
    }
}

const KEYWORDS: [&str; 2] = ["unsafe", "extern"];
const MODULES: [&str; 7] = ["process", "fs", "env", "os", "net", "arch", "intrinsics"];
const MACROS: [&str; 5] = [
    "include",
    "include_str",
    "include_bytes",
    "asm",
    "global_asm",
];
const ATTRIBUTES: [&str; 6] = [
    "path",
    "no_mangle",
    "export_name",
    "link_section",
    "link",
    "used",
];

/// The findings in one source file, in the order they appear.
pub fn scan(source: &str) -> Vec<Finding> {
    let tokens = tokenize(source);
    let mut findings = Vec::new();
    let mut in_use = false;
    for (index, token) in tokens.iter().enumerate() {
        let next = |offset: usize| tokens.get(index + offset).map(|t| t.text.as_str());
        let previous = index
            .checked_sub(1)
            .and_then(|i| tokens.get(i))
            .map(|t| t.text.as_str());
        let what = match token.text.as_str() {
            "use" => {
                in_use = true;
                None
            }
            ";" => {
                in_use = false;
                None
            }
            word if KEYWORDS.contains(&word) => Some(format!("`{word}`")),
            word if MACROS.contains(&word) && next(1) == Some("!") => Some(format!("`{word}!`")),
            word if MODULES.contains(&word)
                && previous != Some(".")
                && (next(1) == Some("::") || in_use) =>
            {
                Some(format!("the module `{word}` (as in `std::{word}`)"))
            }
            word if ATTRIBUTES.contains(&word) && is_attribute_start(&tokens, index) => {
                Some(format!("the attribute `#[{word}]`"))
            }
            _ => None,
        };
        if let Some(what) = what {
            findings.push(Finding {
                line: token.line,
                what,
            });
        }
    }
    findings
}

/// Whether the token at `index` is the first word inside `#[` or `#![` (or `#[unsafe(`).
fn is_attribute_start(tokens: &[Token], index: usize) -> bool {
    let text = |i: usize| tokens.get(i).map(|t| t.text.as_str());
    match index.checked_sub(1).and_then(text) {
        Some("[") => {
            let before = index.checked_sub(2).and_then(text);
            before == Some("#")
                || (before == Some("!") && index.checked_sub(3).and_then(text) == Some("#"))
        }
        Some("(") => index.checked_sub(2).and_then(text) == Some("unsafe"),
        _ => false,
    }
}

/// A word or a punctuation mark of Rust source, with its line.
#[derive(Debug, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

/// Splits Rust source into identifiers and punctuation (`::` as one token), leaving out white
/// space, comments (nested block comments too), and string, byte-string, raw-string and
/// character literals. Lifetimes (`'a`) are kept apart from character literals (`'a'`).
fn tokenize(source: &str) -> Vec<Token> {
    let chars: Vec<char> = source.chars().collect();
    let mut tokens = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| chars.get(i).copied().unwrap_or('\0');
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0;
                while i < chars.len() {
                    if chars[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if chars[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(chars[i] == '\n');
                        i += 1;
                    }
                }
            }
            '"' => i = skip_string(&chars, i + 1, &mut line),
            'r' | 'b' | 'c' if is_raw_or_prefixed_string(&chars, i) => {
                // b"…", c"…", r"…", r#"…"#, br#"…"#: find the opening quote and the hashes.
                let mut j = i;
                while chars[j] != '"' && chars[j] != '#' {
                    j += 1;
                }
                let raw = chars[i..j].contains(&'r');
                let hashes = chars[j..].iter().take_while(|c| **c == '#').count();
                j += hashes + 1; // past the quote
                if raw {
                    let closing: Vec<char> = std::iter::once('"')
                        .chain(std::iter::repeat_n('#', hashes))
                        .collect();
                    while j < chars.len() && !chars[j..].starts_with(&closing) {
                        line += usize::from(chars[j] == '\n');
                        j += 1;
                    }
                    i = j + closing.len();
                } else {
                    i = skip_string(&chars, j, &mut line);
                }
            }
            '\'' => {
                // A character literal ('x', '\n', '\u{1F600}') or a lifetime ('a).
                if at(i + 1) == '\\' {
                    let mut j = i + 2;
                    while j < chars.len() && chars[j] != '\'' {
                        j += 1;
                    }
                    i = j + 1;
                } else if at(i + 2) == '\'' {
                    i += 3;
                } else {
                    i += 1; // a lifetime: its name follows as a word
                }
            }
            c if c.is_alphanumeric() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                // `r#unsafe` is the identifier `unsafe`, not a keyword; nothing to flag there.
                tokens.push(Token { text: word, line });
            }
            ':' if at(i + 1) == ':' => {
                tokens.push(Token {
                    text: "::".to_owned(),
                    line,
                });
                i += 2;
            }
            c => {
                tokens.push(Token {
                    text: c.to_string(),
                    line,
                });
                i += 1;
            }
        }
    }
    tokens
}

/// Whether a string literal with a prefix (`b"`, `c"`, `r"`, `r#"`, `br"`, `br#"`…) starts at
/// `i`, and is not an identifier that merely begins with r, b or c.
fn is_raw_or_prefixed_string(chars: &[char], i: usize) -> bool {
    if i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_') {
        return false;
    }
    let mut j = i;
    while j < chars.len() && j < i + 2 && matches!(chars[j], 'r' | 'b' | 'c') {
        j += 1;
    }
    let raw = chars[i..j].contains(&'r');
    let hashes = if raw {
        chars[j..].iter().take_while(|c| **c == '#').count()
    } else {
        0
    };
    chars.get(j + hashes) == Some(&'"')
}

/// The index after the closing quote of a string whose contents start at `i`.
fn skip_string(chars: &[char], mut i: usize, line: &mut usize) -> usize {
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            c => {
                *line += usize::from(c == '\n');
                i += 1;
            }
        }
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whats(source: &str) -> Vec<String> {
        scan(source).into_iter().map(|f| f.to_string()).collect()
    }

    #[test]
    fn finds_the_ways_out() {
        let source = r#"
use std::{fs, io};
fn f() {
    std :: process :: exit(0);
    let _ = unsafe { core::ptr::null::<u8>().read() };
}
#[path = "../../../solutions/01-hello-api/src/lib.rs"]
mod sol;
const S: &str = include_str!("../tests/x.rs");
#[unsafe(no_mangle)]
extern "C" fn g() {}
"#;
        assert_eq!(
            whats(source),
            [
                "line 2: the module `fs` (as in `std::fs`)",
                "line 4: the module `process` (as in `std::process`)",
                "line 5: `unsafe`",
                "line 7: the attribute `#[path]`",
                "line 9: `include_str!`",
                "line 10: `unsafe`",
                "line 10: the attribute `#[no_mangle]`",
                "line 11: `extern`",
            ]
        );
    }

    /// No right answer needs a way out: the starters and the reference solutions have none (the
    /// solutions but for the `#[path]` that reaches their starter's `given.rs` from outside).
    #[test]
    fn the_starters_and_the_solutions_need_no_way_out() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut scanned = 0;
        for folder in ["exercises", "solutions"] {
            for entry in std::fs::read_dir(root.join(folder)).unwrap() {
                let lib = entry.unwrap().path().join("src/lib.rs");
                let Ok(source) = std::fs::read_to_string(&lib) else {
                    continue;
                };
                let findings: Vec<String> = scan(&source)
                    .into_iter()
                    .filter(|f| !(folder == "solutions" && f.what == "the attribute `#[path]`"))
                    .map(|f| f.to_string())
                    .collect();
                assert_eq!(findings, Vec::<String>::new(), "{}", lib.display());
                scanned += 1;
            }
        }
        assert!(scanned >= 2, "found no exercise to scan");
    }

    #[test]
    fn comments_strings_methods_and_own_names_are_fine() {
        let source = r##"
// std::process::exit(0) in a comment
/* nested /* std::fs */ still a comment: unsafe */
fn process(records: &[u8]) -> usize { records.len() }
fn handler<'a>(ctx: &'a Ctx) -> &'a str {
    let _ = ctx.env("TABLE");
    let _ = ("std::fs::write", r#"unsafe "quoted" text"#, b"extern", '"', '\'');
    let path = "x";
    process(path.as_bytes());
    path
}
"##;
        assert_eq!(whats(source), Vec::<String>::new());
    }
}
