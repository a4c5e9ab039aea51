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
//!   before `main` or replaces a symbol (anywhere in an attribute: `#[cfg_attr(all(), used)]`);
//! - what hides the above from a scan: `macro_rules!` (a macro can paste `std::$m::exit`
//!   together from pieces), renaming or glob-importing `std`, and characters outside strings and
//!   comments that are invisible or not Rust's (rustc reads a right-to-left mark as a space);
//! - a hand-written `impl PartialEq` or `PartialOrd`: a value that equals everything passes
//!   every `assert_eq!` (`#[derive(PartialEq)]` is fine).
//!
//! The compiler enforces what it can: every exercise's `Cargo.toml` (sealed) forbids
//! `unsafe_code`, which also covers `#[no_mangle]`, `#[export_name]` and `#[link_section]`.
//!
//! The scan reads tokens, not text: comments and string literals are skipped, so `// fs::write`
//! or `"process"` are no findings, while `use std::{fs, process};` and `std :: process` are; a
//! raw identifier (`r#path`) is read as its word. A module counts as the standard library's when
//! it follows `std::` (or `core::`, `alloc::`) or sits in a `use std::…`, so a learner's own
//! function or module called `process` or `env` is fine. It is a scan, not a proof: see "What
//! `--strict` guarantees" in `xtask/README.md` for what is left to a teacher's eyes.

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

/// The standard library's crates: a forbidden module is reached through one of them.
const STD_CRATES: [&str; 3] = ["std", "core", "alloc"];

/// Traits whose hand-written `impl` can make any `assert_eq!` pass, whatever the value.
const COMPARISONS: [&str; 2] = ["PartialEq", "PartialOrd"];

/// The findings in one source file, in the order they appear.
pub fn scan(source: &str) -> Vec<Finding> {
    let tokens = tokenize(source);
    let text = |i: usize| tokens.get(i).map(|t| t.text.as_str());
    let mut findings = Vec::new();
    // Inside `use std::…;` (or core, alloc): every forbidden module named there counts.
    let mut in_std_use = false;
    // The depth of `[` inside an attribute, `#[…]` or `#![…]`; 0 outside one.
    let mut attribute_depth = 0usize;
    // Inside the header of an `impl` (up to its `{`).
    let mut in_impl_header = false;
    for (index, token) in tokens.iter().enumerate() {
        let next = text(index + 1);
        let previous = index.checked_sub(1).and_then(text);
        let before_previous = index.checked_sub(2).and_then(text);
        let word = token.text.as_str();
        match word {
            "use" => in_std_use = next.is_some_and(|n| STD_CRATES.contains(&n) || n == "::"),
            ";" => {
                in_std_use = false;
                in_impl_header = false;
            }
            "impl" => in_impl_header = true,
            "{" => in_impl_header = false,
            "[" if attribute_depth > 0 => attribute_depth += 1,
            "[" if previous == Some("#")
                || (previous == Some("!") && before_previous == Some("#")) =>
            {
                attribute_depth = 1
            }
            "]" if attribute_depth > 0 => attribute_depth -= 1,
            _ => {}
        }
        let after_std =
            previous == Some("::") && before_previous.is_some_and(|b| STD_CRATES.contains(&b));
        let what = match word {
            _ if token.invisible => Some("a character that is invisible or not Rust's".to_owned()),
            word if KEYWORDS.contains(&word) => Some(format!("`{word}`")),
            "macro_rules" => Some(
                "`macro_rules!`: a macro can put together a path the scan cannot see".to_owned(),
            ),
            word if MACROS.contains(&word) && next == Some("!") => Some(format!("`{word}!`")),
            word if MODULES.contains(&word) && (after_std || in_std_use) => {
                Some(format!("the module `{word}` (as in `std::{word}`)"))
            }
            word if STD_CRATES.contains(&word)
                && ((next == Some("as") && previous != Some("::"))
                    || (next == Some("::") && text(index + 2) == Some("*"))) =>
            {
                Some(format!(
                    "`{word}` renamed or glob-imported, hiding what is used from it"
                ))
            }
            word if ATTRIBUTES.contains(&word) && attribute_depth > 0 => {
                Some(format!("the attribute `#[{word}]`"))
            }
            word if COMPARISONS.contains(&word) && in_impl_header => Some(format!(
                "a hand-written `impl {word}`, which can make any comparison succeed"
            )),
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

/// A word or a punctuation mark of Rust source, with its line. `invisible` marks a character
/// outside strings and comments that is neither ASCII nor part of a word: a zero-width space, a
/// right-to-left mark, a non-breaking space. rustc reads some of them as white space; a reader
/// does not see them at all.
#[derive(Debug, PartialEq)]
struct Token {
    text: String,
    line: usize,
    invisible: bool,
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
            c if c.is_ascii_whitespace() => i += 1,
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
                // A character literal ('x', '\n', '\'', '\u{1F600}') or a lifetime ('a).
                if at(i + 1) == '\\' {
                    // The escaped character is part of the literal, even a quote.
                    let mut j = i + 3;
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
                // `r#path` is the identifier `path`, written raw: it is read as the word.
                if c == 'r' && at(i + 1) == '#' && (at(i + 2).is_alphanumeric() || at(i + 2) == '_')
                {
                    i += 2;
                }
                let start = i;
                while i < chars.len() && (chars[i].is_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                tokens.push(Token {
                    text: word,
                    line,
                    invisible: false,
                });
            }
            ':' if at(i + 1) == ':' => {
                tokens.push(Token {
                    text: "::".to_owned(),
                    line,
                    invisible: false,
                });
                i += 2;
            }
            c => {
                tokens.push(Token {
                    text: c.to_string(),
                    line,
                    invisible: !c.is_ascii(),
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

    /// The evasions a red-team review found in an earlier scan, each now a finding.
    #[test]
    fn finds_the_ways_around_an_earlier_scan() {
        let cases = [
            (
                "macro_rules! sp { ($m:ident) => { std::$m::exit(0) } }",
                "`macro_rules!`",
            ),
            (
                "#[cfg_attr(all(), path = \"helpers.txt\")] mod helpers;",
                "`#[path]`",
            ),
            ("#[r#path = \"helpers.txt\"] mod helpers;", "`#[path]`"),
            (
                "fn f() { std::fs\u{200E}::write(\"x\", \"\"); }",
                "invisible",
            ),
            (
                "const Q: [char; 2] = ['\\'', '\"'];\nfn f() { std::fs::write(\"x\", \"\"); }",
                "`fs`",
            ),
            ("#[cfg_attr(all(), used)] static S: u8 = 0;", "`#[used]`"),
            (
                "#[cfg_attr(all(), link_section = \".init_array\")] static S: u8 = 0;",
                "`#[link_section]`",
            ),
            (
                "impl PartialEq<i32> for Anything { fn eq(&self, _: &i32) -> bool { true } }",
                "`impl PartialEq`",
            ),
            ("use std as s;", "renamed"),
            ("use std::*;", "glob"),
        ];
        for (source, expected) in cases {
            let found = whats(source);
            assert!(
                found.iter().any(|f| f.contains(expected)),
                "{source:?}: {found:?}"
            );
        }
    }

    /// Names of the learner's own that a scan of words would mistake for the forbidden ones.
    #[test]
    fn a_learners_own_modules_and_functions_are_not_the_standard_librarys() {
        let source = r#"
mod arithmetic { pub fn process<T>(x: T) -> T { x } }
use arithmetic::process;
mod env { pub const TABLE: &str = "orders"; }
fn f(os: u8) -> impl Iterator<Item = u8> + use<'_> { process::<u8>(os); std::iter::once(env::TABLE.len() as u8) }
fn g(c: char) -> bool { matches!(c, '\''|'"') }
const NOTE: &str = "unsafe words in a string";
#[derive(Debug, PartialEq)] struct Order;
"#;
        assert_eq!(whats(source), Vec::<String>::new());
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
