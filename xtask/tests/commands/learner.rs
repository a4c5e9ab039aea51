//! The learner's commands: list, hint, watch, reset, solution, and the Korean they speak.

use crate::fixture::{stderr, stdout, Fixture};

#[test]
fn list_shows_each_chapters_exercises_with_their_status_and_the_next_one() {
    let fixture = Fixture::new("list");
    let list = stdout(&fixture.xtask(&["list"]).assert().success());
    assert_eq!(
        list,
        "\
Adding numbers  (book/src/adding.md)
   adder    not started  0/2 hints   <- next
Greeting people  (book/src/greeting.md)
   greeter  not started  0/1 hints

0 of 2 exercises pass. Next: `cargo xtask watch adder`
"
    );

    // Progress from an older workbook: an exercise it no longer has is ignored.
    fixture.write(
        ".workbook/progress",
        "version 1\nadder passing 1\nretired passing 0\n",
    );
    let list = stdout(&fixture.xtask(&["list"]).assert().success());
    assert!(
        list.contains("   adder    passing      1/2 hints\n"),
        "{list}"
    );
    assert!(
        list.contains("   greeter  not started  0/1 hints   <- next\n"),
        "{list}"
    );
    assert!(!list.contains("retired"), "{list}");
}

#[test]
fn hints_are_revealed_one_at_a_time_and_remembered() {
    let fixture = Fixture::new("hint");
    let all = stdout(
        &fixture
            .xtask(&["hint", "adder", "--all"])
            .assert()
            .success(),
    );
    assert!(all.starts_with("No hint for adder revealed yet"), "{all}");

    // Without a name, nothing is revealed: it says which exercise the learner is on, and how.
    let unasked = stdout(&fixture.xtask(&["hint"]).assert().success());
    assert!(
        unasked.starts_with(
            "No hint for adder revealed yet; `cargo xtask hint adder` shows the first."
        ),
        "{unasked}"
    );
    assert!(
        !fixture.path(".workbook/progress").exists(),
        "nothing recorded"
    );
    let first = stdout(&fixture.xtask(&["hint", "adder"]).assert().success());
    assert!(
        first.starts_with("Hint 1 of 2 for adder:\n\n    Rust has an operator for this.\n"),
        "{first}"
    );
    let recalled = stdout(&fixture.xtask(&["hint"]).assert().success());
    assert!(recalled.contains("Hint 1 of 2:"), "{recalled}");
    assert!(
        recalled.ends_with("`cargo xtask hint adder` reveals hint 2.\n"),
        "{recalled}"
    );
    let second = stdout(&fixture.xtask(&["hint", "adder"]).assert().success());
    assert!(second.starts_with("Hint 2 of 2 for adder:\n\n    The answer is `a + b`.\n"));
    assert!(second.contains("That was the last hint."), "{second}");
    let again = stdout(&fixture.xtask(&["hint", "adder"]).assert().success());
    assert!(again.starts_with("Hint 2 of 2 for adder:"), "{again}");

    let all = stdout(
        &fixture
            .xtask(&["hint", "adder", "--all"])
            .assert()
            .success(),
    );
    assert!(all.contains("Hint 1 of 2:\n\n    Rust has an operator for this.\n"));
    assert!(all.contains("Hint 2 of 2:\n\n    The answer is `a + b`.\n"));
    assert!(fixture
        .read(".workbook/progress")
        .contains("\nadder not-started 2\n"));

    let unknown = fixture.xtask(&["hint", "subtracter"]).assert().code(2);
    let error = stderr(&unknown);
    assert!(
        error.contains("the exercises are: adder, greeter"),
        "{error}"
    );
}

#[test]
fn a_korean_locale_gets_korean_hints_where_they_are_translated() {
    let fixture = Fixture::new("hint-ko");
    let korean = |args: &[&str]| {
        let run = fixture
            .xtask(args)
            .env("LANG", "ko_KR.UTF-8")
            .assert()
            .success();
        stdout(&run)
    };
    let first = korean(&["hint", "adder"]);
    assert!(
        first.starts_with("adder 힌트 1/2:\n\n    Rust에는 이 일을 하는 연산자가 있습니다.\n"),
        "{first}"
    );
    assert!(
        first.contains("다음 힌트(2번)는 `cargo xtask hint adder` 명령을"),
        "{first}"
    );
    // `--lang en` wins over the locale; the count of hints seen is the same in both languages.
    let second = korean(&["hint", "adder", "--lang", "en"]);
    assert!(
        second.starts_with("Hint 2 of 2 for adder:\n\n    The answer is `a + b`.\n"),
        "{second}"
    );
    let all = korean(&["hint", "adder", "--all"]);
    assert!(all.starts_with("adder: 지금까지 본 힌트:\n"), "{all}");
    assert!(
        all.contains("힌트 2/2:\n\n    답은 `a + b`입니다.\n"),
        "{all}"
    );

    // greeter's hints are not translated: English, and the heading says why.
    let fallback = korean(&["hint", "greeter"]);
    assert!(
        fallback.starts_with(
            "greeter 힌트 1/1 (아직 번역되지 않아 영어로 보여 드립니다):\n\n    \
             `format!` builds a `String`.\n"
        ),
        "{fallback}"
    );
    // The same in English settings, with `--lang ko`.
    let chosen = stdout(
        &fixture
            .xtask(&["hint", "greeter", "--lang", "ko"])
            .assert()
            .success(),
    );
    assert!(chosen.starts_with("greeter 힌트 1/1"), "{chosen}");
}

#[test]
fn verify_speaks_korean_under_a_korean_locale() {
    let fixture = Fixture::new("verify-ko");
    fixture.solve("01-adder");
    let run = fixture
        .xtask(&["verify"])
        .env("LC_ALL", "ko_KR.UTF-8")
        .assert()
        .code(1);
    let output = stdout(&run);
    // Hangul is two columns wide in a terminal: the columns are padded to line up.
    assert!(
        output.contains(
            "연습 문제  장           테스트  점수  상태\n\
             adder      adding.md    2/2     5/5   통과\n\
             greeter    greeting.md  0/2     0/10  실패\n\
             합계                            5/15\n"
        ),
        "{output}"
    );
    assert!(
        output.contains("greeter: 테스트 `greets_by_name`: 실패"),
        "{output}"
    );
    assert!(
        output.contains("다음 연습 문제: greeter — 읽을 장: book/src/greeting.md"),
        "{output}"
    );

    let english = fixture
        .xtask(&["verify", "--lang", "en"])
        .env("LC_ALL", "ko_KR.UTF-8")
        .assert()
        .code(1);
    let english = stdout(&english);
    assert!(
        english.contains("exercise  chapter      tests  points  status\n"),
        "{english}"
    );
}

#[test]
fn watch_verifies_on_each_change_and_moves_on_when_the_exercise_passes() {
    let fixture = Fixture::new("watch");
    let mut watch = fixture.spawn(&["watch"]);
    watch.wait_for("Watching exercises/01-adder/", 1);

    fixture.solve("01-adder");
    let seen = watch.wait_for("Watching exercises/02-greeter/", 1);
    assert!(seen.contains("adder passes. On to greeter!"), "{seen}");

    // Enter checks again at once; `q` stops.
    let stdin = watch.child.stdin.as_mut().expect("stdin is piped");
    std::io::Write::write_all(stdin, b"\n").unwrap();
    watch.wait_for("Watching exercises/02-greeter/", 2);
    let stdin = watch.child.stdin.as_mut().expect("stdin is piped");
    std::io::Write::write_all(stdin, b"q\n").unwrap();
    assert!(watch.wait_for_exit(), "watch stops cleanly on `q`");

    let progress = fixture.read(".workbook/progress");
    assert!(
        progress.contains("\nadder passing 0\ngreeter failing 0\n"),
        "{progress}"
    );
}

#[test]
fn watch_keeps_watching_at_the_end_of_input() {
    let fixture = Fixture::new("watch-eof");
    let mut watch = fixture.spawn(&["watch", "greeter"]);
    let first = watch
        .wait_for("Watching exercises/02-greeter/", 1)
        .to_owned();
    assert!(
        first.contains("greeter: test `greets_by_name` failed"),
        "{first}"
    );
    assert!(
        first.contains("Next: greeter — read book/src/greeting.md"),
        "{first}"
    );
    // An editor's task has no input: its end is not a reason to stop.
    drop(watch.child.stdin.take());
    fixture.solve("02-greeter");
    watch.wait_for("greeter passes. On to adder!", 1);
    watch.wait_for("Watching exercises/01-adder/", 1);
    watch.child.kill().expect("watch can be stopped");
}

#[test]
fn reset_asks_before_throwing_work_away() {
    let fixture = Fixture::new("reset");
    fixture.commit_everything();
    let starter = fixture.read("exercises/01-adder/src/lib.rs");
    let work = "pub fn add(a: i32, b: i32) -> i32 {\n    a - b\n}\n";
    fixture.write("exercises/01-adder/src/lib.rs", work);
    fixture.write("exercises/01-adder/src/notes.rs", "// my notes\n");
    // A new file added to git's index but never committed is work too.
    fixture.write("exercises/01-adder/src/staged.rs", "// staged\n");
    let added = std::process::Command::new("git")
        .current_dir(&fixture.root)
        .args(["add", "exercises/01-adder/src/staged.rs"])
        .status()
        .expect("git runs");
    assert!(added.success());

    let kept = stdout(
        &fixture
            .xtask(&["reset", "adder"])
            .write_stdin("n\n")
            .assert()
            .success(),
    );
    assert!(
        kept.starts_with("Throw away your work in exercises/01-adder? [y/N] Kept your work"),
        "{kept}"
    );
    assert_eq!(fixture.read("exercises/01-adder/src/lib.rs"), work);

    let reset = stdout(
        &fixture
            .xtask(&["reset", "adder"])
            .write_stdin("y\n")
            .assert()
            .success(),
    );
    assert!(
        reset.contains("Restored exercises/01-adder as in the last commit."),
        "{reset}"
    );
    assert!(
        reset.contains("\n  exercises/01-adder/src/notes.rs"),
        "untracked files are listed: {reset}"
    );
    assert_eq!(fixture.read("exercises/01-adder/src/lib.rs"), starter);
    assert!(
        fixture.path("exercises/01-adder/src/notes.rs").exists(),
        "and kept"
    );
    assert_eq!(
        fixture.read("exercises/01-adder/src/staged.rs"),
        "// staged\n",
        "a staged new file is kept: {reset}"
    );
    assert!(
        reset.contains("\n  exercises/01-adder/src/staged.rs"),
        "{reset}"
    );

    let nothing = stdout(&fixture.xtask(&["reset", "adder"]).assert().success());
    assert!(nothing.starts_with("Nothing to reset"), "{nothing}");

    fixture.write("exercises/01-adder/src/lib.rs", work);
    fixture.write("exercises/02-greeter/src/lib.rs", "");
    let all = stdout(
        &fixture
            .xtask(&["reset", "--all", "--yes"])
            .assert()
            .success(),
    );
    assert!(
        all.contains("Restored exercises/01-adder, exercises/02-greeter"),
        "{all}"
    );
    assert_eq!(fixture.read("exercises/01-adder/src/lib.rs"), starter);
}

#[test]
fn the_solution_is_shown_only_once_the_exercise_passes() {
    let fixture = Fixture::new("solution");
    let refused = fixture.xtask(&["solution", "adder"]).assert().code(1);
    let refused = stdout(&refused);
    assert!(
        refused.contains("Not yet: `adder` does not pass"),
        "{refused}"
    );
    assert!(
        !refused.contains("a + b"),
        "the solution stays hidden: {refused}"
    );

    fixture.solve("01-adder");
    let shown = stdout(&fixture.xtask(&["solution", "adder"]).assert().success());
    assert!(shown.contains("// solutions/01-adder/src/lib.rs: the reference solution of `adder`."));
    assert!(shown.ends_with("    a + b\n}\n"), "{shown}");
    // The verify on the way recorded the pass, so the next time needs no build.
    assert!(fixture.read(".workbook/progress").contains("adder passing"));
}

#[test]
fn verify_shows_the_compilers_warnings_and_takes_folder_names() {
    let fixture = Fixture::new("warnings");
    fixture.write(
        "exercises/01-adder/src/lib.rs",
        "pub fn add(a: i32, b: i32) -> i32 {\n    let unused = 3;\n    a + b\n}\n",
    );
    let verified = stdout(&fixture.xtask(&["verify", "01-adder"]).assert().success());
    assert!(
        verified.contains("The compiler warns about adder's code (1 warning(s)); the first:"),
        "{verified}"
    );
    assert!(verified.contains("unused variable: `unused`"), "{verified}");
    let hint = stdout(
        &fixture
            .xtask(&["hint", "exercises/01-adder/"])
            .assert()
            .success(),
    );
    assert!(hint.starts_with("Hint 1 of 2 for adder:"), "{hint}");
}

#[test]
fn a_missing_exercise_folder_is_named_and_the_others_are_graded() {
    let fixture = Fixture::new("missing-folder");
    fixture.solve("01-adder");
    std::fs::remove_dir_all(fixture.path("exercises/02-greeter")).unwrap();
    let verified = stdout(&fixture.xtask(&["verify"]).assert().code(2));
    assert!(
        verified.contains("adder     adding.md    2/2    5/5     passed"),
        "{verified}"
    );
    assert!(
        verified.contains("its folder exercises/02-greeter/ is missing"),
        "{verified}"
    );
}

#[test]
fn an_empty_manifest_is_an_error_not_a_success() {
    let fixture = Fixture::new("empty-manifest");
    fixture.write("exercises/manifest.toml", "# no exercises\n");
    let assert = fixture.xtask(&["verify"]).assert().code(2);
    let error = stderr(&assert);
    assert!(error.contains("lists no exercise"), "{error}");
}

/// Linux only: it looks for the test binary in `/proc`.
#[cfg(target_os = "linux")]
#[test]
fn interrupting_xtask_ends_the_tests_it_started() {
    let fixture = Fixture::new("interrupted");
    let pid_file = fixture.path("test-binary.pid");
    // The adder's code says which process runs it, then loops: a learner's endless loop.
    fixture.write(
        "exercises/01-adder/src/lib.rs",
        &format!(
            "pub fn add(_a: i32, _b: i32) -> i32 {{\n    let _ = std::fs::write({pid_file:?}, std::process::id().to_string());\n    loop {{\n        std::hint::spin_loop();\n    }}\n}}\n"
        ),
    );
    let mut xtask = fixture.spawn(&["verify", "adder"]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let test_binary = loop {
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            break pid;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the test never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    // An editor's stop button: SIGINT to xtask alone, not to its process group.
    let interrupted = std::process::Command::new("kill")
        .args(["-INT", &xtask.child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(interrupted.success());
    assert!(!xtask.wait_for_exit(), "xtask ends as interrupted");
    let gone = (0..100).any(|_| {
        std::thread::sleep(std::time::Duration::from_millis(20));
        !std::path::Path::new(&format!("/proc/{test_binary}")).exists()
    });
    assert!(gone, "the test binary {test_binary} is still running");
}
