//! The exercise manifest, `exercises/manifest.toml`, and the checks that keep it honest.
//!
//! The manifest is the one list of exercises: their order, the crates that hold each starter and
//! its reference solution, the book chapter that teaches it and the points it is worth. Everything
//! else in xtask is driven by it, so a typo here would silently drop an exercise from grading.
//! Two layers guard against that:
//!
//! - [`Manifest::parse`] rejects what can never work: a missing or unknown key (a misspelt
//!   `chapters = …` would otherwise be ignored) and two exercises with the same name, package or
//!   directory. Each error names the entry and the key, so it says what to fix.
//! - [`drift`] compares the manifest with what is on disk, for `cargo xtask check`: every crate
//!   under `exercises/*` and `solutions/*` must have an entry and every entry its two crates, with
//!   the package names the conventions ask for. [`incomplete_entries`] finds entries without a
//!   chapter in the book or without hints.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use toml::{Table, Value};

use crate::language::Language;

/// Where the manifest lives, relative to the workspace root.
pub const PATH: &str = "exercises/manifest.toml";

/// The folders whose subfolders are exercise crates; each must be listed in the manifest.
const CRATE_FOLDERS: [&str; 2] = ["exercises", "solutions"];

/// The keys of an `[[exercise]]` entry. All are required but the translations of the hints,
/// and any other key is a typo.
const KEYS: [&str; 5] = ["name", "chapter", "points", "hints", "hints_ko"];

/// Keys that older manifests had, and that now follow from the name and the place.
const DERIVED_KEYS: [&str; 3] = ["package", "dir", "solution"];

/// The optional keys among [`KEYS`]: the hints in Korean.
const HINTS_KO: &str = "hints_ko";

/// One `[[exercise]]` entry. The field comments in `exercises/manifest.toml` say what each means.
/// Its package and folders are not written there: they follow from its name and its place
/// (the `n`th exercise is `exercises/0n-<name>`, package `<name>`), so they cannot disagree.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    pub name: String,
    /// The starter's package: the exercise's name.
    pub package: String,
    /// The starter crate's folder, relative to the workspace root, with `/` separators.
    pub dir: String,
    /// The solution crate's folder, relative to the workspace root, with `/` separators.
    pub solution: String,
    /// The teaching page, relative to `book/src`.
    pub chapter: String,
    pub points: u32,
    pub hints: Vec<String>,
    /// The hints in Korean, in the same order; empty until they are translated.
    pub hints_ko: Vec<String>,
}

#[cfg(test)]
impl Exercise {
    /// An exercise for unit tests: `exercises/<name>`, its solution, `<name>.md`, 10 points, one
    /// hint. Change what a test needs with struct update syntax.
    pub fn named(name: &str) -> Self {
        Exercise {
            name: name.to_owned(),
            package: name.to_owned(),
            dir: format!("exercises/{name}"),
            solution: format!("solutions/{name}"),
            chapter: format!("{name}.md"),
            points: 10,
            hints: vec!["a hint".to_owned()],
            hints_ko: Vec::new(),
        }
    }
}

impl Exercise {
    /// The reference solution's package name: by convention the starter's, plus `-solution`.
    pub fn solution_package(&self) -> String {
        format!("{}-solution", self.package)
    }

    /// The hints in `language`, if they are translated into it; else in English.
    pub fn hints_in(&self, language: Language) -> (&[String], Language) {
        match language {
            Language::Korean if !self.hints_ko.is_empty() => (&self.hints_ko, Language::Korean),
            _ => (&self.hints, Language::English),
        }
    }

    /// Reads the `number`th `[[exercise]]` entry (counting from 1, as a person would).
    fn from_toml(number: usize, entry: &Value) -> Result<Exercise, String> {
        let place = format!("{PATH}, exercise {number}");
        let table = entry
            .as_table()
            .ok_or_else(|| format!("{place}: write it as an [[exercise]] table"))?;
        if let Some(key) = table
            .keys()
            .find(|key| DERIVED_KEYS.contains(&key.as_str()))
        {
            return Err(format!(
                "{place}: `{key}` follows from the exercise's name and place (exercise {number} \
                 is in exercises/{number:02}-<name>, package <name>); remove it"
            ));
        }
        if let Some(key) = table.keys().find(|key| !KEYS.contains(&key.as_str())) {
            let keys = KEYS.join(", ");
            return Err(format!("{place}: unknown key `{key}`; the keys are {keys}"));
        }
        let field = |key: &str| {
            table
                .get(key)
                .ok_or_else(|| format!("{place}: `{key}` is missing"))
        };
        let text = |key: &str| {
            (field(key)?.as_str().map(str::to_owned))
                .ok_or_else(|| format!("{place}: `{key}` must be a string"))
        };
        let points = field("points")?
            .as_integer()
            .and_then(|points| u32::try_from(points).ok())
            .ok_or_else(|| format!("{place}: `points` must be a whole number, 0 or more"))?;
        let strings = |key: &str, value: &Value| {
            value
                .as_array()
                .and_then(|hints| {
                    let texts = hints.iter().map(|hint| hint.as_str().map(str::to_owned));
                    texts.collect::<Option<Vec<String>>>()
                })
                .ok_or_else(|| format!("{place}: `{key}` must be a list of strings"))
        };
        let hints = strings("hints", field("hints")?)?;
        let hints_ko = match table.get(HINTS_KO) {
            Some(value) => strings(HINTS_KO, value)?,
            None => Vec::new(),
        };
        // A translation says the same hints: as many, in the same order (a nudge first).
        if !hints_ko.is_empty() && hints_ko.len() != hints.len() {
            return Err(format!(
                "{place}: `{HINTS_KO}` has {} hint(s) and `hints` {}; translate each hint, in \
                 the same order",
                hints_ko.len(),
                hints.len()
            ));
        }
        let name = text("name")?;
        let folder = format!("{number:02}-{name}");
        Ok(Exercise {
            package: name.clone(),
            dir: format!("exercises/{folder}"),
            solution: format!("solutions/{folder}"),
            name,
            chapter: text("chapter")?,
            points,
            hints,
            hints_ko,
        })
    }
}

/// The whole manifest: exercises in the order a learner meets them.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    pub exercises: Vec<Exercise>,
}

impl Manifest {
    /// Reads and parses the manifest of the workspace at `root`.
    pub fn load(root: &Path) -> Result<Manifest, String> {
        let text = fs::read_to_string(root.join(PATH))
            .map_err(|e| format!("cannot read {PATH}: {e}; is this checkout complete?"))?;
        Manifest::parse(&text)
    }

    /// Parses manifest text and rejects unknown keys and duplicate names, packages and folders.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let table: Table = text
            .parse()
            .map_err(|e| format!("{PATH} is not valid TOML: {e}"))?;
        if let Some(key) = table.keys().find(|key| *key != "exercise") {
            return Err(format!(
                "{PATH}: unknown key `{key}`; the file holds only [[exercise]] entries"
            ));
        }
        let entries: &[Value] = match table.get("exercise") {
            None => &[],
            Some(Value::Array(entries)) => entries,
            Some(_) => {
                return Err(format!(
                    "{PATH}: write each exercise as an [[exercise]] table"
                ))
            }
        };
        let exercises = entries
            .iter()
            .enumerate()
            .map(|(index, entry)| Exercise::from_toml(index + 1, entry))
            .collect::<Result<Vec<Exercise>, String>>()?;

        let mut seen = BTreeSet::new();
        for exercise in &exercises {
            for (what, value) in [
                ("name", &exercise.name),
                ("package", &exercise.package),
                ("dir", &exercise.dir),
                ("solution", &exercise.solution),
            ] {
                if !seen.insert((what, value)) {
                    return Err(format!(
                        "{PATH}: two exercises have {what} = \"{value}\"; each must be unique"
                    ));
                }
            }
        }
        Ok(Manifest { exercises })
    }

    /// The exercise called `name`, or an error that lists the names there are. Its folder
    /// names it too, as a learner sees it in their editor or types it with tab completion
    /// (`01-hello-api`, `exercises/01-hello-api/`).
    pub fn find(&self, name: &str) -> Result<&Exercise, String> {
        let folder = name.trim_end_matches(['/', '\\']).replace('\\', "/");
        self.exercises
            .iter()
            .find(|e| {
                e.name == name
                    || e.dir == folder
                    || e.dir.rsplit('/').next() == Some(folder.as_str())
            })
            .ok_or_else(|| {
                let names: Vec<&str> = self.exercises.iter().map(|e| e.name.as_str()).collect();
                format!(
                    "there is no exercise `{name}`; the exercises are: {}",
                    names.join(", ")
                )
            })
    }
}

/// A crate found on disk under one of the exercise folders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CrateOnDisk {
    /// Its folder relative to the workspace root, spelt like the manifest spells it.
    pub dir: String,
    /// `package.name` from its `Cargo.toml`.
    pub package: String,
}

/// Every crate under `exercises/*` and `solutions/*` of the workspace at `root`.
pub fn crates_on_disk(root: &Path) -> Result<Vec<CrateOnDisk>, String> {
    let mut crates = Vec::new();
    for folder in CRATE_FOLDERS {
        let entries =
            fs::read_dir(root.join(folder)).map_err(|e| format!("cannot list {folder}/: {e}"))?;
        for entry in entries {
            let path = entry
                .map_err(|e| format!("cannot list {folder}/: {e}"))?
                .path();
            let cargo_toml = path.join("Cargo.toml");
            if !cargo_toml.is_file() {
                continue; // manifest.toml, a README, or a folder that is not a crate
            }
            let text = fs::read_to_string(&cargo_toml)
                .map_err(|e| format!("cannot read {}: {e}", cargo_toml.display()))?;
            let parsed: Table = text
                .parse()
                .map_err(|e| format!("{} is not valid TOML: {e}", cargo_toml.display()))?;
            let package = parsed
                .get("package")
                .and_then(|package| package.get("name"))
                .and_then(Value::as_str)
                .ok_or_else(|| format!("{} has no [package] name", cargo_toml.display()))?;
            let file_name = path.file_name().unwrap_or_default().to_string_lossy();
            crates.push(CrateOnDisk {
                dir: format!("{folder}/{file_name}"),
                package: package.to_owned(),
            });
        }
    }
    crates.sort_by(|a, b| a.dir.cmp(&b.dir));
    Ok(crates)
}

/// Where the manifest and the crates on disk disagree, one sentence each, saying what to fix.
pub fn drift(manifest: &Manifest, crates: &[CrateOnDisk]) -> Vec<String> {
    let mut problems = Vec::new();
    for exercise in &manifest.exercises {
        let name = &exercise.name;
        for (role, dir, package) in [
            ("starter", &exercise.dir, exercise.package.clone()),
            ("solution", &exercise.solution, exercise.solution_package()),
        ] {
            match crates.iter().find(|c| &c.dir == dir) {
                None => problems.push(format!(
                    "exercise `{name}`: its {role} crate `{dir}` does not exist; \
                     create it or fix the path in {PATH}"
                )),
                Some(found) if found.package != package => problems.push(format!(
                    "exercise `{name}`: `{dir}/Cargo.toml` names the package `{}`, \
                     but the {role} must be called `{package}`",
                    found.package
                )),
                Some(_) => {}
            }
        }
    }
    for found in crates {
        let listed = manifest
            .exercises
            .iter()
            .any(|e| e.dir == found.dir || e.solution == found.dir);
        if !listed {
            problems.push(format!(
                "the crate `{}` is not in {PATH}; add an [[exercise]] entry for it or remove it",
                found.dir
            ));
        }
    }
    problems
}

/// What the entries themselves lack: a chapter that is not in the book, or hints.
/// `chapter_exists` answers whether a chapter file exists under `book/src`.
pub fn incomplete_entries(
    manifest: &Manifest,
    chapter_exists: impl Fn(&str) -> bool,
) -> Vec<String> {
    let mut problems = Vec::new();
    for exercise in &manifest.exercises {
        let name = &exercise.name;
        if !chapter_exists(&exercise.chapter) {
            problems.push(format!(
                "exercise `{name}`: its chapter `book/src/{}` does not exist",
                exercise.chapter
            ));
        }
        if exercise.hints.is_empty() {
            problems.push(format!(
                "exercise `{name}` has no hints; give it at least one"
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const ONE: &str = r#"
        [[exercise]]
        name = "hello-api"
        chapter = "ch01.md"
        points = 10
        hints = ["look at the query string"]
    "#;

    fn on_disk(dir: &str, package: &str) -> CrateOnDisk {
        CrateOnDisk {
            dir: dir.to_owned(),
            package: package.to_owned(),
        }
    }

    fn both_crates() -> Vec<CrateOnDisk> {
        vec![
            on_disk("exercises/01-hello-api", "hello-api"),
            on_disk("solutions/01-hello-api", "hello-api-solution"),
        ]
    }

    #[test]
    fn parses_an_entry() {
        let manifest = Manifest::parse(ONE).unwrap();
        let exercise = manifest.find("hello-api").unwrap();
        assert_eq!(exercise.points, 10);
        assert_eq!(exercise.solution_package(), "hello-api-solution");
        assert_eq!(exercise.hints.len(), 1);
    }

    #[test]
    fn an_exercise_is_found_by_its_name_or_its_folder() {
        let manifest = Manifest::parse(ONE).unwrap();
        for spelling in [
            "hello-api",
            "01-hello-api",
            "exercises/01-hello-api/",
            "exercises\\01-hello-api",
        ] {
            assert_eq!(
                manifest.find(spelling).unwrap().name,
                "hello-api",
                "{spelling}"
            );
        }
        assert!(manifest.find("02-hello-api").is_err());
    }

    #[test]
    fn hints_may_be_translated_into_korean() {
        let manifest = Manifest::parse(ONE).unwrap();
        let exercise = manifest.find("hello-api").unwrap();
        let english = ["look at the query string".to_owned()];
        assert_eq!(
            exercise.hints_in(Language::Korean),
            (&english[..], Language::English)
        );
        let translated = ONE.replace("hints =", "hints_ko = [\"쿼리 문자열을 보세요\"]\nhints =");
        let manifest = Manifest::parse(&translated).unwrap();
        let exercise = manifest.find("hello-api").unwrap();
        let korean = ["쿼리 문자열을 보세요".to_owned()];
        assert_eq!(
            exercise.hints_in(Language::Korean),
            (&korean[..], Language::Korean)
        );
        assert_eq!(
            exercise.hints_in(Language::English),
            (&english[..], Language::English)
        );

        let too_many = ONE.replace("hints =", "hints_ko = [\"하나\", \"둘\"]\nhints =");
        let error = Manifest::parse(&too_many).unwrap_err();
        assert!(
            error.ends_with(
                "`hints_ko` has 2 hint(s) and `hints` 1; translate each hint, in the same order"
            ),
            "{error}"
        );
        let error = Manifest::parse(&ONE.replace("hints =", "hints_ko = 3\nhints =")).unwrap_err();
        assert!(
            error.ends_with("`hints_ko` must be a list of strings"),
            "{error}"
        );
    }

    #[test]
    fn rejects_unknown_keys() {
        let error = Manifest::parse(&ONE.replace("chapter =", "chapters =")).unwrap_err();
        assert!(error.contains("chapters"), "{error}");
    }

    #[test]
    fn rejects_missing_keys_and_wrong_types() {
        let error = Manifest::parse(&ONE.replace("points = 10", "")).unwrap_err();
        assert_eq!(
            error,
            "exercises/manifest.toml, exercise 1: `points` is missing"
        );
        let error = Manifest::parse(&ONE.replace("points = 10", "points = -1")).unwrap_err();
        assert!(
            error.ends_with("`points` must be a whole number, 0 or more"),
            "{error}"
        );
        let error = Manifest::parse(&ONE.replace(r#"["look"#, r#"[1, "look"#)).unwrap_err();
        assert!(
            error.ends_with("`hints` must be a list of strings"),
            "{error}"
        );
    }

    #[test]
    fn rejects_duplicate_names() {
        let twice = format!("{ONE}{}", ONE.replace("exercises/01", "exercises/02"));
        let error = Manifest::parse(&twice).unwrap_err();
        assert!(error.contains("name = \"hello-api\""), "{error}");
    }

    #[test]
    fn unknown_exercise_lists_the_known_ones() {
        let error = Manifest::parse(ONE).unwrap().find("nope").unwrap_err();
        assert!(error.ends_with("the exercises are: hello-api"), "{error}");
    }

    #[test]
    fn agreeing_manifest_and_disk_have_no_problems() {
        let manifest = Manifest::parse(ONE).unwrap();
        assert_eq!(drift(&manifest, &both_crates()), Vec::<String>::new());
        assert_eq!(
            incomplete_entries(&manifest, |_| true),
            Vec::<String>::new()
        );
    }

    #[test]
    fn reports_drift_in_both_directions() {
        let manifest = Manifest::parse(ONE).unwrap();
        let crates = vec![
            on_disk("exercises/01-hello-api", "hello-api"),
            on_disk("solutions/01-hello-api", "hello-api-sol"),
            on_disk("exercises/02-extra", "extra"),
        ];
        assert_eq!(
            drift(&manifest, &crates),
            [
                "exercise `hello-api`: `solutions/01-hello-api/Cargo.toml` names the package \
                 `hello-api-sol`, but the solution must be called `hello-api-solution`",
                "the crate `exercises/02-extra` is not in exercises/manifest.toml; \
                 add an [[exercise]] entry for it or remove it",
            ]
        );
        let problems = drift(&manifest, &crates[..1]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("`solutions/01-hello-api` does not exist"));
    }

    #[test]
    fn reports_a_missing_chapter_and_missing_hints() {
        let no_hints = ONE.replace(r#"["look at the query string"]"#, "[]");
        let manifest = Manifest::parse(&no_hints).unwrap();
        assert_eq!(
            incomplete_entries(&manifest, |chapter| chapter != "ch01.md"),
            [
                "exercise `hello-api`: its chapter `book/src/ch01.md` does not exist",
                "exercise `hello-api` has no hints; give it at least one",
            ]
        );
    }
}
