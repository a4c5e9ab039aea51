//! `cargo xtask watch [<exercise>]`: verify the exercise the learner is on each time they save.
//!
//! The loop: verify the current exercise (the one named, or the first that does not pass) and
//! show its verdict, then wait until a file under its folder changes, and verify again. When it
//! passes, move on to the next exercise that does not pass, and verify that one; when every
//! exercise passes, stop.
//!
//! Waiting is two things at once, joined by a channel:
//!
//! - Every 300 ms the modification times and sizes of the exercise's files are compared with a
//!   snapshot taken before the last verify (so an edit saved during a build is not missed).
//!   Polling needs nothing beyond the standard library, works the same on every system, and is
//!   cheap for a folder of a few files; a file-notification crate would be one more dependency
//!   for the learner to compile.
//! - A thread reads standard input: an empty line (Enter) verifies again at once; `q` stops.
//!   The end of input does not stop it: an editor's task or a background job (`cargo xtask
//!   watch &`) has no input at all, and must keep watching. (To check once, `verify`.)
//!
//! Ctrl-C ends the process (and cargo, and the tests, which share the terminal). Nothing is left
//! half-written: the progress file is replaced by a rename ([`crate::progress`]), and the reports
//! of `verify --json/--junit` are not written by `watch`.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, BufRead};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::thread;
use std::time::{Duration, SystemTime};

use crate::language::Language;
use crate::manifest::{Exercise, Manifest};
use crate::progress::{self, Progress};
use crate::report::Verdict;
use crate::verify;

/// How often the exercise's files are looked at.
const POLL: Duration = Duration::from_millis(300);

/// What the learner typed.
enum Input {
    CheckNow,
    Quit,
}

/// Runs the command and returns the process exit code: 0 when stopped, or when all pass. It
/// speaks `language`.
pub fn run(
    root: &Path,
    exercise: Option<&str>,
    timeout: Duration,
    language: Language,
) -> Result<u8, String> {
    let manifest = Manifest::load(root)?;
    let mut current = match exercise {
        Some(name) => manifest.find(name)?,
        None => match Progress::load(root)?.next_from(&manifest, 0) {
            Some(exercise) => exercise,
            None => {
                match language {
                    Language::English => println!(
                        "Every exercise passes. Well done! (`cargo xtask watch <exercise>` \
                         watches one.)"
                    ),
                    Language::Korean => println!(
                        "모든 연습 문제를 통과했습니다. 잘하셨습니다! (하나를 지켜보려면 \
                         `cargo xtask watch <exercise>`)"
                    ),
                }
                return Ok(0);
            }
        },
    };
    let input = read_input();
    loop {
        let folder = root.join(&current.dir);
        let before = Snapshot::take(&folder);
        let graded =
            verify::check_exercises(root, &manifest, vec![current], false, timeout, language);
        match graded {
            Ok(graded) if graded.iter().all(|g| g.outcome.verdict == Verdict::Passed) => {
                match (following(root, &manifest, current), language) {
                    (Some(next), Language::English) => {
                        println!("\n{} passes. On to {}!", current.name, next.name);
                        current = next;
                        continue;
                    }
                    (Some(next), Language::Korean) => {
                        println!("\n{} 통과! 다음은 {}입니다.", current.name, next.name);
                        current = next;
                        continue;
                    }
                    (None, Language::English) => {
                        println!("\nThat was the last one: you have finished the workbook.");
                        return Ok(0);
                    }
                    (None, Language::Korean) => {
                        println!("\n마지막 연습 문제였습니다. 워크북을 모두 마쳤습니다!");
                        return Ok(0);
                    }
                }
            }
            Ok(_) => {}
            // Cargo could not even start the build (say, a `Cargo.toml` mid-edit): say so, and
            // try again at the next save.
            Err(error) => println!("\nerror: {error}"),
        }
        match language {
            Language::English => println!(
                "\nWatching {}/ for changes: save a file to check again, press Enter to check \
                 now, type q and Enter to stop.",
                current.dir
            ),
            Language::Korean => println!(
                "\n{}/ 폴더의 변경을 지켜보는 중: 파일을 저장하면 다시 검사하고, Enter는 바로 \
                 검사, q와 Enter는 종료입니다.",
                current.dir
            ),
        }
        loop {
            match input.recv_timeout(POLL) {
                Ok(Input::CheckNow) => break,
                Ok(Input::Quit) => return Ok(0),
                // Only if the input thread died; then the files are still worth watching.
                Err(RecvTimeoutError::Disconnected) => thread::sleep(POLL),
                Err(RecvTimeoutError::Timeout) if Snapshot::take(&folder) != before => break,
                Err(RecvTimeoutError::Timeout) => {}
            }
        }
    }
}

/// The exercise after `current` that does not pass yet (wrapping around), per the progress
/// that the last verify recorded.
fn following<'m>(root: &Path, manifest: &'m Manifest, current: &Exercise) -> Option<&'m Exercise> {
    let position = manifest.exercises.iter().position(|e| e == current)?;
    progress::load_or_warn(root).next_from(manifest, position + 1)
}

/// Starts the thread that turns standard input into [`Input`]s. At the end of input the thread
/// ends without a word; the watcher keeps watching the files.
fn read_input() -> Receiver<Input> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            let input = match line.trim() {
                "q" | "quit" => Input::Quit,
                _ => Input::CheckNow,
            };
            if sender.send(input).is_err() {
                return; // the watcher has stopped
            }
        }
        // No more input, ever: hand the watcher a channel end that never speaks, so that it
        // keeps polling the files. Parking forever keeps `sender` alive.
        let _keep_open = sender;
        loop {
            thread::park();
        }
    });
    receiver
}

/// The modification time and size of every file under a folder. Hidden files and editors'
/// backups (`~`) are left out: saving in an editor touches them without changing the code.
#[derive(Debug, PartialEq)]
struct Snapshot(BTreeMap<PathBuf, (Option<SystemTime>, u64)>);

impl Snapshot {
    fn take(folder: &Path) -> Snapshot {
        let mut files = BTreeMap::new();
        let mut folders = vec![folder.to_path_buf()];
        while let Some(folder) = folders.pop() {
            // A folder that vanished mid-walk (an editor's temporary one) is simply not there.
            let Ok(entries) = fs::read_dir(&folder) else {
                continue;
            };
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') || name.ends_with('~') {
                    continue;
                }
                match entry.metadata() {
                    Ok(meta) if meta.is_dir() => folders.push(entry.path()),
                    Ok(meta) => {
                        files.insert(entry.path(), (meta.modified().ok(), meta.len()));
                    }
                    Err(_) => {}
                }
            }
        }
        Snapshot(files)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snapshot_sees_edits_new_files_and_deletions_but_not_hidden_files() {
        let folder = std::env::temp_dir().join(format!("xtask-watch-{}", std::process::id()));
        fs::create_dir_all(folder.join("src")).unwrap();
        fs::write(folder.join("src/lib.rs"), "fn a() {}").unwrap();
        let before = Snapshot::take(&folder);
        assert_eq!(Snapshot::take(&folder), before);

        fs::write(folder.join(".lib.rs.swp"), "x").unwrap();
        fs::write(folder.join("src/lib.rs~"), "x").unwrap();
        assert_eq!(Snapshot::take(&folder), before);

        fs::write(folder.join("src/lib.rs"), "fn a() { 1; }").unwrap();
        let edited = Snapshot::take(&folder);
        assert_ne!(edited, before);

        fs::write(folder.join("src/new.rs"), "").unwrap();
        let added = Snapshot::take(&folder);
        assert_ne!(added, edited);
        fs::remove_file(folder.join("src/new.rs")).unwrap();
        assert_eq!(Snapshot::take(&folder), edited);
        fs::remove_dir_all(&folder).unwrap();
    }
}
