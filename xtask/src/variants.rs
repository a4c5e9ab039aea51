//! `cargo xtask variants [<exercise>]`: proof that the tests grade both ways.
//!
//! A test suite can be wrong in two directions. It can reject a correct answer that is merely
//! written differently from the reference (another order, another spelling, another approach),
//! and it can accept a wrong one. Neither shows when only the reference solution is run, so
//! each solution keeps a `variants.toml` beside its `Cargo.toml` with two kinds of variant:
//!
//! - an **alternative**: another right answer. It must pass every test, and nothing in it may be
//!   what `verify --strict`'s scan refuses ([`crate::audit`]).
//! - a **mutant**: a wrong answer, written to embody one misconception the chapter warns about.
//!   It must compile (a mutant that does not compile proves nothing about the tests) and fail
//!   at least one test.
//!
//! ```toml
//! [[alternative]]
//! name = "body-keys-in-another-order"
//! idea = "The body is compared as JSON values, so the order of its keys is free."
//! [[alternative.edit]]
//! find = '''json!({ "message": message, "requestId": id })'''
//! replace = '''json!({ "requestId": id, "message": message })'''
//!
//! [[mutant]]
//! name = "greets-without-the-name"
//! misconception = "The name is in the path, not in the query string."
//! [[mutant.edit]]
//! find = '''…'''
//! replace = '''…'''
//! ```
//!
//! A variant is a list of edits to the solution's `src/lib.rs`, each a `find` that must occur
//! exactly once, so a variant that no longer applies after the solution changed is an error, not
//! a silent pass. Edits keep a variant to the few lines that make it what it is.
//!
//! # How they run
//!
//! Each variant becomes a crate of its own in a scratch workspace, `target/variants/`: the
//! solution's manifest with every path made absolute, and the edited `lib.rs`. All of them are
//! built by one cargo call and graded by the same code as `verify` ([`crate::grade`]), against
//! the exercise's own test files and snapshots. The scratch workspace shares the workbook's
//! `Cargo.lock` (the same dependency versions) and its target folder (dependencies built once).
//! The solutions reach their starter's `given.rs` by a relative `#[path]`, which is made
//! absolute in the copy, like the manifest's paths.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::Duration;

use toml::{Table, Value};

use crate::audit;
use crate::grade::{self, Crate};
use crate::manifest::{Exercise, Manifest};
use crate::report::{Outcome, TestStatus, Verdict};

/// The file of variants beside a solution's `Cargo.toml`.
pub const FILE: &str = "variants.toml";

/// Where the variant crates are written and built, below the workspace root.
const SCRATCH: &str = "target/variants";

/// What every exercise needs at the least, so that both directions are shown.
pub const MIN_ALTERNATIVES: usize = 2;
pub const MIN_MUTANTS: usize = 3;

/// A right answer or a wrong one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Alternative,
    Mutant,
}

impl Kind {
    fn key(self) -> &'static str {
        match self {
            Kind::Alternative => "alternative",
            Kind::Mutant => "mutant",
        }
    }
}

/// One variant of a solution.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    pub kind: Kind,
    pub name: String,
    /// Why an alternative is right (`idea`), or the misconception a mutant embodies.
    pub why: String,
    pub edits: Vec<Edit>,
}

/// Replace the one occurrence of `find` with `replace`.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    pub find: String,
    pub replace: String,
}

/// How the variants of one exercise fared.
#[derive(Debug, Default, PartialEq)]
pub struct Tally {
    pub alternatives: usize,
    pub alternatives_passing: usize,
    pub mutants: usize,
    pub mutants_caught: usize,
}

/// Parses a `variants.toml`. `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Vec<Variant>, String> {
    let table: Table = text
        .parse()
        .map_err(|e| format!("{file} is not valid TOML: {e}"))?;
    if let Some(key) = table
        .keys()
        .find(|key| !matches!(key.as_str(), "alternative" | "mutant"))
    {
        return Err(format!(
            "{file}: unknown key `{key}`; a variant is an [[alternative]] or a [[mutant]]"
        ));
    }
    let mut variants = Vec::new();
    let mut names = BTreeSet::new();
    for kind in [Kind::Alternative, Kind::Mutant] {
        let entries = match table.get(kind.key()) {
            None => continue,
            Some(Value::Array(entries)) => entries,
            Some(_) => return Err(format!("{file}: `{}` must be [[{0}]]", kind.key())),
        };
        for entry in entries {
            let variant = parse_variant(kind, entry).map_err(|e| format!("{file}: {e}"))?;
            if !names.insert(variant.name.clone()) {
                return Err(format!("{file}: two variants are named `{}`", variant.name));
            }
            variants.push(variant);
        }
    }
    Ok(variants)
}

fn parse_variant(kind: Kind, entry: &Value) -> Result<Variant, String> {
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| format!("every [[{}]] needs a `{key}`", kind.key()))
    };
    let name = text("name")?;
    let why = text(match kind {
        Kind::Alternative => "idea",
        Kind::Mutant => "misconception",
    })
    .map_err(|e| format!("`{name}`: {e}"))?;
    let edits = entry
        .get("edit")
        .and_then(Value::as_array)
        .filter(|edits| !edits.is_empty())
        .ok_or_else(|| format!("`{name}` has no [[{}.edit]]", kind.key()))?
        .iter()
        .map(|edit| {
            let field = |key: &str| {
                edit.get(key)
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .ok_or_else(|| format!("`{name}`: every edit needs `find` and `replace`"))
            };
            Ok(Edit {
                find: field("find")?,
                replace: field("replace")?,
            })
        })
        .collect::<Result<Vec<Edit>, String>>()?;
    Ok(Variant {
        kind,
        name,
        why,
        edits,
    })
}

/// The variants of `exercise`'s solution; none if it has no file of them.
pub fn load(root: &Path, exercise: &Exercise) -> Result<Vec<Variant>, String> {
    let file = format!("{}/{FILE}", exercise.solution);
    match fs::read_to_string(root.join(&file)) {
        Ok(text) => parse(&text, &file),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(error) => Err(format!("cannot read {file}: {error}")),
    }
}

/// Applies `variant`'s edits to `source`, in order. A `find` that occurs never or twice is an
/// error: the variant was written for another version of the solution.
pub fn apply(source: &str, variant: &Variant) -> Result<String, String> {
    let mut text = source.to_owned();
    for (index, edit) in variant.edits.iter().enumerate() {
        match text.matches(edit.find.as_str()).count() {
            1 => text = text.replacen(&edit.find, &edit.replace, 1),
            count => {
                return Err(format!(
                    "`{}`, edit {}: its `find` occurs {count} times in the solution's \
                     src/lib.rs, and must occur once:\n{}",
                    variant.name,
                    index + 1,
                    edit.find
                ))
            }
        }
    }
    Ok(text)
}

/// Runs the variants of `exercises` and returns a tally per exercise and the problems found:
/// an alternative rejected, a mutant that survives or does not compile, a variant that does not
/// apply.
pub fn run(
    root: &Path,
    exercises: &[&Exercise],
    timeout: Duration,
) -> Result<(Vec<Tally>, Vec<String>), String> {
    let scratch = root.join(SCRATCH);
    let workspace = Workspace::create(root, &scratch)?;
    let mut problems = Vec::new();
    let mut tallies: Vec<Tally> = exercises.iter().map(|_| Tally::default()).collect();
    let mut planned: Vec<(usize, Variant, String)> = Vec::new(); // (exercise, variant, package)
    for (index, exercise) in exercises.iter().enumerate() {
        let solution_dir = root.join(&exercise.solution);
        let source = fs::read_to_string(solution_dir.join("src/lib.rs"))
            .map_err(|e| format!("cannot read {}/src/lib.rs: {e}", exercise.solution))?;
        for variant in load(root, exercise)? {
            let tally = &mut tallies[index];
            match variant.kind {
                Kind::Alternative => tally.alternatives += 1,
                Kind::Mutant => tally.mutants += 1,
            }
            match apply(&source, &variant) {
                Err(error) => problems.push(format!("`{}`: {error}", exercise.name)),
                Ok(edited) => {
                    if variant.kind == Kind::Alternative {
                        problems.extend(flagged_by_strict(&exercise.name, &variant, &edited));
                    }
                    let package = format!("{}-{}", exercise.package, variant.name);
                    workspace.add_crate(&package, &solution_dir, &edited)?;
                    planned.push((index, variant, package));
                }
            }
        }
    }
    let members: Vec<String> = planned.iter().map(|(_, _, p)| p.clone()).collect();
    workspace.finish(&members)?;

    let crates: Vec<Crate> = members
        .iter()
        .map(|package| Crate {
            package: package.clone(),
            dir: package,
        })
        .collect();
    let outcomes = if crates.is_empty() {
        Vec::new()
    } else {
        grade::grade(&scratch, &crates, timeout)?
    };

    for ((index, variant, _), outcome) in planned.iter().zip(&outcomes) {
        let tally = &mut tallies[*index];
        let exercise = &exercises[*index].name;
        match judge(variant, outcome) {
            Ok(()) if variant.kind == Kind::Alternative => tally.alternatives_passing += 1,
            Ok(()) => tally.mutants_caught += 1,
            Err(problem) => problems.push(format!("`{exercise}`: {problem}")),
        }
    }
    Ok((tallies, problems))
}

/// What `verify --strict`'s scan ([`crate::audit`]) would flag in an alternative: a right
/// answer must pass a teacher's grade too, not only the tests. The solution's own `#[path]` to
/// its starter's `given.rs` is the solution's, not the learner's, and is left out.
fn flagged_by_strict(exercise: &str, variant: &Variant, source: &str) -> Vec<String> {
    let findings: Vec<String> = audit::scan(source)
        .into_iter()
        .filter(|finding| finding.what != "the attribute `#[path]`")
        .map(|finding| finding.to_string())
        .collect();
    match findings.is_empty() {
        true => Vec::new(),
        false => vec![format!(
            "`{exercise}`: the alternative `{}` is a right answer, but `verify --strict` would \
             refuse it:\n{}",
            variant.name,
            findings.join("\n")
        )],
    }
}

/// Whether a variant fared as its kind must; if not, why that is a problem of the tests.
fn judge(variant: &Variant, outcome: &Outcome) -> Result<(), String> {
    let name = &variant.name;
    match (variant.kind, outcome.verdict) {
        (Kind::Alternative, Verdict::Passed) => Ok(()),
        (Kind::Alternative, _) => {
            let (test, message) = outcome
                .tests
                .iter()
                .find(|t| t.status != TestStatus::Pass)
                .map(|t| (t.name.as_str(), t.message.as_deref().unwrap_or_default()))
                .unwrap_or(("", outcome.message.as_deref().unwrap_or_default()));
            Err(format!(
                "the alternative `{name}` is a right answer ({}), but the tests reject it \
                 ({}){}:\n{message}",
                variant.why,
                outcome.verdict.label(crate::language::Language::English),
                if test.is_empty() {
                    String::new()
                } else {
                    format!(" in `{test}`")
                },
            ))
        }
        (Kind::Mutant, Verdict::Failed | Verdict::TimedOut) => Ok(()),
        (Kind::Mutant, Verdict::DoesNotCompile) => Err(format!(
            "the mutant `{name}` does not compile, so it proves nothing about the tests:\n{}",
            outcome.message.as_deref().unwrap_or_default()
        )),
        (Kind::Mutant, _) => Err(format!(
            "the mutant `{name}` survives: every test passes, although it embodies a \
             misconception ({})",
            variant.why
        )),
    }
}

/// `cargo xtask variants [<exercise>]`: runs the variants and prints a line per exercise.
pub fn command(root: &Path, exercise: Option<&str>, timeout: Duration) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let exercises: Vec<&Exercise> = match exercise {
        Some(name) => vec![manifest.find(name)?],
        None => manifest.exercises.iter().collect(),
    };
    let (tallies, mut problems) = run(root, &exercises, timeout)?;
    problems.extend(too_few(&exercises, &tallies));
    println!("\n{}", table(&exercises, &tallies));
    if problems.is_empty() {
        println!("variants: every alternative passes and every mutant is caught.");
        return Ok(0);
    }
    println!("variants: {} problem(s):", problems.len());
    for problem in &problems {
        println!("  - {}", problem.replace('\n', "\n    "));
    }
    Ok(1)
}

/// An exercise with fewer variants than [`MIN_ALTERNATIVES`] and [`MIN_MUTANTS`] shows only
/// half of what its tests do.
pub fn too_few(exercises: &[&Exercise], tallies: &[Tally]) -> Vec<String> {
    exercises
        .iter()
        .zip(tallies)
        .filter(|(_, t)| t.alternatives < MIN_ALTERNATIVES || t.mutants < MIN_MUTANTS)
        .map(|(exercise, t)| {
            format!(
                "`{}` has {} alternative(s) and {} mutant(s) in {}/{FILE}; it needs at least \
                 {MIN_ALTERNATIVES} and {MIN_MUTANTS}, so that the tests are shown to accept \
                 other right answers and to reject wrong ones",
                exercise.name, t.alternatives, t.mutants, exercise.solution
            )
        })
        .collect()
}

/// A line per exercise: how many alternatives pass, how many mutants are caught.
pub fn table(exercises: &[&Exercise], tallies: &[Tally]) -> String {
    let width = exercises.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut text = format!(
        "{:width$}  alternatives passing  mutants caught\n",
        "exercise"
    );
    for (exercise, t) in exercises.iter().zip(tallies) {
        let _ = writeln!(
            text,
            "{:width$}  {:>20}  {:>14}",
            exercise.name,
            format!("{}/{}", t.alternatives_passing, t.alternatives),
            format!("{}/{}", t.mutants_caught, t.mutants),
        );
    }
    text
}

/// The scratch workspace the variant crates are built in, locked for as long as it lives: two
/// runs at once (a `check` and a `variants`) would otherwise clear each other's crates.
struct Workspace {
    root: PathBuf,
    scratch: PathBuf,
    _lock: File,
}

impl Workspace {
    /// Waits for the scratch folder to be free, then empties it of old variant crates (not of
    /// its build output, which is reused).
    fn create(root: &Path, scratch: &Path) -> Result<Workspace, String> {
        fs::create_dir_all(scratch).map_err(|e| format!("cannot create {SCRATCH}: {e}"))?;
        let lock = File::create(scratch.join(".lock"))
            .map_err(|e| format!("cannot create {SCRATCH}/.lock: {e}"))?;
        if lock.try_lock().is_err() {
            println!("Waiting for another run of the variants to finish…");
            lock.lock()
                .map_err(|e| format!("cannot lock {SCRATCH}/.lock: {e}"))?;
        }
        for entry in fs::read_dir(scratch).map_err(|e| e.to_string())? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                fs::remove_dir_all(&path)
                    .map_err(|e| format!("cannot clear {}: {e}", path.display()))?;
            }
        }
        Ok(Workspace {
            root: root.to_owned(),
            scratch: scratch.to_owned(),
            _lock: lock,
        })
    }

    /// Writes one variant crate: the solution's manifest with absolute paths, and `lib_rs`.
    fn add_crate(&self, package: &str, solution_dir: &Path, lib_rs: &str) -> Result<(), String> {
        let manifest_path = solution_dir.join("Cargo.toml");
        let text = fs::read_to_string(&manifest_path)
            .map_err(|e| format!("cannot read {}: {e}", manifest_path.display()))?;
        let mut manifest: Table = text
            .parse()
            .map_err(|e| format!("{} is not valid TOML: {e}", manifest_path.display()))?;
        if let Some(Value::Table(package_table)) = manifest.get_mut("package") {
            package_table.insert("name".into(), Value::String(package.to_owned()));
        }
        // The variant is graded by its tests; the exercise's command-line binary is not needed.
        manifest.remove("bin");
        for test in manifest
            .get_mut("test")
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
        {
            absolutize(test, "path", solution_dir);
        }
        for section in ["dependencies", "dev-dependencies"] {
            for dependency in manifest
                .get_mut(section)
                .and_then(Value::as_table_mut)
                .into_iter()
                .flat_map(|table| table.iter_mut().map(|(_, value)| value))
            {
                absolutize(dependency, "path", solution_dir);
            }
        }
        let dir = self.scratch.join(package);
        let src = dir.join("src");
        fs::create_dir_all(&src).map_err(|e| format!("cannot create {}: {e}", src.display()))?;
        let manifest = toml::to_string(&manifest).map_err(|e| e.to_string())?;
        write(&dir.join("Cargo.toml"), &manifest)?;
        write(
            &src.join("lib.rs"),
            &absolute_module_paths(lib_rs, &solution_dir.join("src")),
        )
    }

    /// Writes the workspace manifest for `members`: the workbook's shared package settings,
    /// dependencies (with absolute paths) and profiles, and its lock file.
    fn finish(&self, members: &[String]) -> Result<(), String> {
        let text = fs::read_to_string(self.root.join("Cargo.toml"))
            .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
        let root_manifest: Table = text
            .parse()
            .map_err(|e| format!("Cargo.toml is not valid TOML: {e}"))?;
        let mut workspace = Table::new();
        workspace.insert("resolver".into(), "2".into());
        workspace.insert(
            "members".into(),
            Value::Array(members.iter().cloned().map(Value::String).collect()),
        );
        let shared = root_manifest.get("workspace").and_then(Value::as_table);
        for key in ["package", "dependencies"] {
            if let Some(value) = shared.and_then(|w| w.get(key)) {
                workspace.insert(key.into(), value.clone());
            }
        }
        for dependency in workspace
            .get_mut("dependencies")
            .and_then(Value::as_table_mut)
            .into_iter()
            .flat_map(|table| table.iter_mut().map(|(_, value)| value))
        {
            absolutize(dependency, "path", &self.root);
        }
        let mut manifest = Table::new();
        manifest.insert("workspace".into(), Value::Table(workspace));
        if let Some(Value::Table(profiles)) = root_manifest.get("profile") {
            // The same optimisation as the workbook's build; a profile for one of the
            // workbook's own packages (`xtask`) names nothing here, and cargo would warn.
            let mut profiles = profiles.clone();
            for (_, profile) in profiles.iter_mut() {
                if let Some(Value::Table(packages)) = profile.get_mut("package") {
                    packages.retain(|name, _| name == "*");
                }
            }
            manifest.insert("profile".into(), Value::Table(profiles));
        }
        let manifest = toml::to_string(&manifest).map_err(|e| e.to_string())?;
        write(
            &self.scratch.join("Cargo.toml"),
            &format!("# Written by `cargo xtask variants`; see xtask/src/variants.rs.\n{manifest}"),
        )?;
        // The same dependency versions as the workbook, and its target folder: nothing is
        // resolved or downloaded again, and the dependencies are built once for both.
        if let Ok(lock) = fs::read_to_string(self.root.join("Cargo.lock")) {
            write(&self.scratch.join("Cargo.lock"), &lock)?;
        }
        let config = format!(
            "[build]\ntarget-dir = {}\n",
            Value::String(self.root.join("target").display().to_string())
        );
        fs::create_dir_all(self.scratch.join(".cargo")).map_err(|e| e.to_string())?;
        write(&self.scratch.join(".cargo/config.toml"), &config)
    }
}

/// Makes a relative `key` of a table absolute, relative to `base`.
fn absolutize(table: &mut Value, key: &str, base: &Path) {
    if let Some(Value::String(path)) = table.get_mut(key) {
        if Path::new(path.as_str()).is_relative() {
            *path = base.join(path.as_str()).display().to_string();
        }
    }
}

/// Rewrites each `#[path = "relative"]` attribute of `source` to the absolute path it means
/// from `dir`, the folder the source was written in.
fn absolute_module_paths(source: &str, dir: &Path) -> String {
    const ATTRIBUTE: &str = "#[path = \"";
    let mut out = String::with_capacity(source.len());
    let mut rest = source;
    while let Some(start) = rest.find(ATTRIBUTE) {
        let after = start + ATTRIBUTE.len();
        out.push_str(&rest[..after]);
        rest = &rest[after..];
        let end = rest.find('"').unwrap_or(rest.len());
        let path = &rest[..end];
        if Path::new(path).is_relative() {
            out.push_str(&dir.join(path).display().to_string());
        } else {
            out.push_str(path);
        }
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE_TEXT: &str = r#"
[[alternative]]
name = "swapped"
idea = "Addition commutes."
[[alternative.edit]]
find = "a + b"
replace = "b + a"

[[mutant]]
name = "subtracts"
misconception = "Adding is subtracting."
[[mutant.edit]]
find = "a + b"
replace = "a - b"
"#;

    #[test]
    fn reads_both_kinds() {
        let variants = parse(FILE_TEXT, "v.toml").unwrap();
        assert_eq!(variants.len(), 2);
        assert_eq!(variants[0].kind, Kind::Alternative);
        assert_eq!(variants[0].why, "Addition commutes.");
        assert_eq!(variants[1].kind, Kind::Mutant);
        assert_eq!(
            variants[1].edits,
            [Edit {
                find: "a + b".into(),
                replace: "a - b".into()
            }]
        );
    }

    #[test]
    fn refuses_unknown_keys_duplicate_names_and_missing_fields() {
        let unknown = parse("[[mutants]]\nname = \"x\"\n", "v.toml").unwrap_err();
        assert!(unknown.contains("unknown key `mutants`"), "{unknown}");
        let twice = format!(
            "{FILE_TEXT}\n{}",
            &FILE_TEXT[..FILE_TEXT.find("[[mutant]]").unwrap()]
        );
        assert!(parse(&twice, "v.toml")
            .unwrap_err()
            .contains("two variants"));
        let no_why = "[[mutant]]\nname = \"x\"\n[[mutant.edit]]\nfind = \"a\"\nreplace = \"b\"\n";
        assert!(parse(no_why, "v.toml")
            .unwrap_err()
            .contains("needs a `misconception`"));
        let no_edit = "[[alternative]]\nname = \"x\"\nidea = \"y\"\n";
        assert!(parse(no_edit, "v.toml")
            .unwrap_err()
            .contains("no [[alternative.edit]]"));
    }

    #[test]
    fn an_edit_must_find_its_text_exactly_once() {
        let variants = parse(FILE_TEXT, "v.toml").unwrap();
        assert_eq!(
            apply("fn f() { a + b }", &variants[1]).unwrap(),
            "fn f() { a - b }"
        );
        let missing = apply("fn f() { a * b }", &variants[1]).unwrap_err();
        assert!(missing.contains("occurs 0 times"), "{missing}");
        let twice = apply("a + b; a + b", &variants[1]).unwrap_err();
        assert!(twice.contains("occurs 2 times"), "{twice}");
    }

    /// Every alternative of the real workbook passes `--strict`'s scan (building and testing them
    /// is `check`'s job; this part needs neither).
    #[test]
    fn every_alternative_of_the_workbook_passes_the_strict_scan() {
        let solutions = Path::new(env!("CARGO_MANIFEST_DIR")).join("../solutions");
        let mut scanned = 0;
        for entry in fs::read_dir(solutions).unwrap() {
            let folder = entry.unwrap().path();
            let Ok(text) = fs::read_to_string(folder.join(FILE)) else {
                continue;
            };
            let source = fs::read_to_string(folder.join("src/lib.rs")).unwrap();
            for variant in parse(&text, FILE).unwrap() {
                if variant.kind == Kind::Alternative {
                    let edited = apply(&source, &variant).unwrap();
                    let name = folder.display().to_string();
                    assert_eq!(
                        flagged_by_strict(&name, &variant, &edited),
                        Vec::<String>::new()
                    );
                    scanned += 1;
                }
            }
        }
        assert!(scanned >= 40, "only {scanned} alternatives found");
    }

    #[test]
    fn module_paths_become_absolute() {
        let source = "#[path = \"../../../exercises/x/src/given.rs\"]\nmod given;\n#[path = \"/abs.rs\"]\nmod a;\n";
        let rewritten = absolute_module_paths(source, Path::new("/w/solutions/x/src"));
        assert_eq!(
            rewritten,
            "#[path = \"/w/solutions/x/src/../../../exercises/x/src/given.rs\"]\nmod given;\n#[path = \"/abs.rs\"]\nmod a;\n"
        );
    }
}
