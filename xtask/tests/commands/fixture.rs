//! A fresh copy of the miniature workbook for each test, and xtask pointed at it.

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Command as StdCommand, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::thread;
use std::time::{Duration, Instant};

use assert_cmd::assert::Assert;
use assert_cmd::Command;

/// What a copy leaves out: cargo's and xtask's own files, should the fixture folder have any.
const NOT_COPIED: [&str; 2] = ["target", ".workbook"];

/// The variables xtask takes the learner's language from. They are removed, so that the tests
/// see English whatever the machine's locale; a test of Korean sets one again.
const LOCALE_VARIABLES: [&str; 3] = ["LC_ALL", "LC_MESSAGES", "LANG"];

/// A copy of `xtask/tests/fixture`, in `<target>/tmp/fixtures/<test name>`.
pub struct Fixture {
    pub root: PathBuf,
}

impl Fixture {
    /// A fresh copy; `name` must differ between tests, since tests run in parallel.
    pub fn new(name: &str) -> Fixture {
        let root = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join("fixtures")
            .join(name);
        if root.exists() {
            fs::remove_dir_all(&root).expect("the last run's copy can be removed");
        }
        let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixture");
        copy_folder(&source, &root);
        Fixture { root }
    }

    /// `cargo xtask <args>` on this copy.
    pub fn xtask(&self, args: &[&str]) -> Command {
        let mut command = Command::cargo_bin("xtask").expect("cargo builds xtask for its tests");
        command
            .args(args)
            .current_dir(&self.root)
            .envs(self.environment());
        for variable in LOCALE_VARIABLES {
            command.env_remove(variable);
        }
        command
    }

    /// xtask started with piped standard input and output, for a conversation (`watch`).
    pub fn spawn(&self, args: &[&str]) -> Running {
        let mut command = StdCommand::new(env!("CARGO_BIN_EXE_xtask"));
        command
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .current_dir(&self.root)
            .envs(self.environment());
        for variable in LOCALE_VARIABLES {
            command.env_remove(variable);
        }
        let mut child = command.spawn().expect("xtask starts");
        let lines = read_lines(child.stdout.take().expect("stdout is piped"));
        Running {
            child,
            lines,
            seen: String::new(),
        }
    }

    /// xtask works on this copy, and cargo builds in the copy's own `target` folder: cargo names
    /// a workspace member's build outputs after its path *within* the workspace, so copies
    /// sharing one target folder would overwrite each other's test binaries as tests run in
    /// parallel. (Set here, as a `CARGO_TARGET_DIR` in the environment would apply otherwise.)
    fn environment(&self) -> [(&'static str, PathBuf); 2] {
        [
            ("WORKBOOK_ROOT", self.root.clone()),
            ("CARGO_TARGET_DIR", self.root.join("target")),
        ]
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.root.join(relative)
    }

    pub fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.path(relative))
            .unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
    }

    /// Writes a file of the copy, creating its folder if need be.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path(relative);
        if let Some(folder) = path.parent() {
            fs::create_dir_all(folder).expect("the folder can be created");
        }
        fs::write(&path, text).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
    }

    /// Puts the reference solution of `exercise` (its folder name, like `01-adder`) in place
    /// of the starter, as a learner who solved it would have.
    pub fn solve(&self, exercise: &str) {
        let solution = self.read(&format!("solutions/{exercise}/src/lib.rs"));
        self.write(&format!("exercises/{exercise}/src/lib.rs"), &solution);
    }

    /// Makes the copy a git repository with everything committed, as a learner's clone is.
    pub fn commit_everything(&self) {
        for args in [
            &["init", "--quiet"][..],
            &["add", "--all"],
            &["commit", "--quiet", "--message", "the workbook"],
        ] {
            let status = StdCommand::new("git")
                .current_dir(&self.root)
                .args(["-c", "user.name=Test", "-c", "user.email=test@example.com"])
                .args(["-c", "commit.gpgsign=false"])
                .args(args)
                .status()
                .expect("git runs");
            assert!(status.success(), "git {args:?} failed");
        }
    }
}

/// What a finished xtask printed on its standard output.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// What a finished xtask printed on its standard error: its error messages.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

fn copy_folder(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("the copy's folder can be created");
    for entry in fs::read_dir(from).expect("the fixture can be listed") {
        let entry = entry.expect("the fixture can be listed");
        let name = entry.file_name();
        if NOT_COPIED.iter().any(|skip| name == *skip) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if source.is_dir() {
            copy_folder(&source, &target);
        } else {
            fs::copy(&source, &target).expect("a fixture file can be copied");
        }
    }
}

/// A running xtask, and what it has printed so far.
pub struct Running {
    pub child: Child,
    lines: Receiver<String>,
    seen: String,
}

impl Running {
    /// Waits until xtask prints a line containing `text` for the `count`th time, and returns
    /// everything printed so far. Gives up (killing xtask) after a minute.
    pub fn wait_for(&mut self, text: &str, count: usize) -> &str {
        let deadline = Instant::now() + Duration::from_secs(60);
        while self.seen.matches(text).count() < count {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push_str(&line);
                    self.seen.push('\n');
                }
                Err(_) => {
                    let _ = self.child.kill();
                    panic!(
                        "xtask never printed `{text}` ({count}×); it printed:\n{}",
                        self.seen
                    );
                }
            }
        }
        &self.seen
    }

    /// Waits (up to a minute) for xtask to exit, and returns whether it succeeded.
    pub fn wait_for_exit(&mut self) -> bool {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().expect("xtask can be waited for") {
                return status.success();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("xtask did not stop; it printed:\n{}", self.seen);
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

fn read_lines(stdout: ChildStdout) -> Receiver<String> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            if sender.send(line).is_err() {
                break;
            }
        }
    });
    receiver
}
