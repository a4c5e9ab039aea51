#!/usr/bin/env python3
"""Every `aws ...` command in the book, run through the real AWS CLI's own parameter parsing.

Usage: python3 xtask/scripts/aws_commands.py <workbook root> [--list] [--built <book/build>]

`cargo xtask check` and `cargo xtask real-aws` run it (xtask/src/real_aws.rs); `--list` only
prints the commands it found, as the CLI will see them. It needs the AWS CLI's Python package
(`python3 -m pip install awscli`, version 1 on PyPI), and no network and no AWS account: each
command is sent to an endpoint where nothing listens (http://127.0.0.1:9), with dummy
credentials, one attempt and a one-second connect timeout. A command the CLI accepts gets as far
as connecting, so "Could not connect to the endpoint URL" means accepted; any other answer (a
usage error, an unknown option, a value the shorthand or JSON parser refuses, a parameter that
fails validation) is a failure, named with its chapter and line.

What it reads:
- every fenced code block marked sh, bash, shell, zsh or console in book/src/*.md (in a console
  block, the lines that start with `$ `). A line that starts with `aws ` in a block of another
  kind is reported, so no command escapes by its marking;
- every inline code span that starts with `aws ` in the chapters' prose. Prose often names a
  command with only the option it is talking about, so a span may leave out required
  arguments: they are filled with a placeholder (and a missing positional argument too) before
  the span is checked. What the span does give must still be accepted;
- the Korean catalog book/po/ko.po: its code blocks are the English book's (code blocks are not
  translated messages), and every `aws ...` span in a translation must be, word for word, one
  of the spans of its English message, so it is checked by checking the English;
- with `--built <dir>` (`cargo xtask check` passes the book it has just built): each
  translation's pages, `<dir>/<code>/*.html`, must have exactly the English pages' shell and
  YAML code blocks. The gettext library translates a comment or a string of a code block that
  equals a translated message, so this is where a command changed by the catalog would show.

How a command is made ready for the CLI (the shell's work, done by hand):
- lines ending in `\\` are joined, and so are lines inside an open quote; `# comments` go;
- a command is what lies between `|`, `;`, `&&`, `||`, `(`, `)` and line ends, with `VAR=value`
  assignments and `do`/`then` in front of it skipped; redirections (`> out.json`) go;
- `$(...)` (command substitution) is checked as a command of its own if it is an `aws` one, and
  stands for its output: `$(date ...)` for a time (2026-01-01T00:00:00Z), anything else for the
  word `placeholder`. `<(...)` (process substitution) stands for a file that exists;
- `$NAME` and `${NAME}` become a value from VARIABLES below when it names them, else
  `placeholder`; a placeholder in angle brackets (`<the QuotaCode from above>`) becomes the word
  `placeholder`;
- `--cli-binary-format <value>` is removed: it exists only in version 2 of the CLI, which the
  book's readers use (version 1 reads a JSON `--payload` as text already, so nothing else
  changes); it is the only version-2-only option the book may use, and the count of commands
  that had it is printed;
- every file a command reads (`file://path`, `fileb://path`) is created first, in a scratch
  folder that is the command's working folder: `{}` for `file://` (a JSON value every
  structure-typed parameter of the book accepts) and a few bytes for `fileb://`.
"""

import contextlib
import glob
import io
import os
import re
import shlex
import sys
import tempfile
import time
import zipfile

# Values for the shell variables the book's commands use; any other variable is `placeholder`.
VARIABLES = {
    "KEY_ARN": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
}

SHELL_BLOCKS = {"sh", "bash", "shell", "zsh", "console"}
SEPARATORS = {";", "&&", "||", "|", "&", "(", ")", "|&", ";;"}
REDIRECTIONS = {">", ">>", "<", "<<", "<<<", ">&", "&>", "<>", ">|"}
V2_ONLY_WITH_VALUE = {"--cli-binary-format"}
ENDPOINT = "http://127.0.0.1:9"
ACCEPTED = "Could not connect to the endpoint URL"


class Command:
    def __init__(self, where, words, partial=False):
        self.where = where  # "book/src/x.md:12"
        self.words = words  # after `aws`
        self.partial = partial  # from prose: required arguments may be missing

    def text(self):
        return "aws " + " ".join(shlex.quote(w) for w in self.words)


# ---------------------------------------------------------------------------------------------
# Finding the commands


def fenced_blocks(text):
    """(first line number of the content, info string, content lines) of each fenced block."""
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(`{3,}|~{3,})\s*([^\s`]*)", lines[i])
        if m:
            indent, fence, info = m.group(1), m.group(2), m.group(3)
            j = i + 1
            while j < len(lines) and not lines[j].strip().startswith(fence):
                j += 1
            content = [l[len(indent):] if l.startswith(indent) else l.lstrip() for l in lines[i + 1:j]]
            yield i + 2, info.split(",")[0].lower(), content
            i = j
        i += 1


def prose(text):
    """The text with fenced code blocks blanked out (line numbers kept)."""
    out = []
    inside = None
    for line in text.split("\n"):
        m = re.match(r"^\s*(`{3,}|~{3,})", line)
        if inside is None and m:
            inside = m.group(1)
            out.append("")
        elif inside is not None:
            if line.strip().startswith(inside):
                inside = None
            out.append("")
        else:
            out.append(line)
    return "\n".join(out)


def inline_aws_spans(text):
    """(offset, span) of each inline code span that starts with `aws `, whitespace normalized."""
    for m in re.finditer(r"(?<!`)`(aws\s[^`]+)`(?!`)", text):
        yield m.start(), " ".join(m.group(1).split())


def unclosed_quote(s):
    try:
        shlex.split(s, comments=True)
        return False
    except ValueError:
        return True


def logical_lines(first_line, lines, console):
    """Joins continuations and open quotes: (line number, text) of each logical line."""
    pending, start = None, None
    for n, line in enumerate(lines, first_line):
        if console and pending is None:
            if not line.startswith("$ "):
                continue
            line = line[2:]
        if pending is None:
            pending, start = line, n
        else:
            pending += "\n" + line if unclosed_quote(pending) else line
        if pending.endswith("\\") and not pending.endswith("\\\\"):
            pending = pending[:-1] + " "
            continue
        if unclosed_quote(pending):
            continue
        yield start, pending
        pending = None
    if pending is not None:
        yield start, pending


def matching_paren(s, open_at):
    """Index of the `)` that closes the `(` at open_at, respecting quotes; -1 if none."""
    depth, quote, i = 0, None, open_at
    while i < len(s):
        c = s[i]
        if quote:
            if c == "\\" and quote == '"':
                i += 1
            elif c == quote:
                quote = None
        elif c in "'\"":
            quote = c
        elif c == "\\":
            i += 1
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def substitute(line, scratch, inner):
    """Replaces $(...) and <(...) as the module's docs say; inner commands go to `inner`."""
    out, i = "", 0
    while i < len(line):
        if line.startswith("$(", i) or line.startswith("<(", i):
            end = matching_paren(line, i + 1)
            if end < 0:
                out += line[i:]
                break
            body = line[i + 2:end]
            inner.append(body)
            if line[i] == "<":
                path = os.path.join(scratch, "process-substitution-%d" % len(inner))
                with open(path, "wb") as f:
                    f.write(b"bytes")
                out += path
            elif body.strip().startswith("date"):
                out += "2026-01-01T00:00:00Z"
            else:
                out += "placeholder"
            i = end + 1
        else:
            out += line[i]
            i += 1
    out = re.sub(r"<[A-Za-z][^<>()\n]*>", "placeholder", out)
    return out


def expand_variables(word):
    return re.sub(
        r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?",
        lambda m: VARIABLES.get(m.group(1), "placeholder"),
        word,
    )


def simple_commands(line):
    lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>()")
    lexer.whitespace_split = True
    lexer.commenters = "#"
    words, skip_next = [], False
    for token in lexer:
        if skip_next:
            skip_next = False
            continue
        if token in SEPARATORS:
            if words:
                yield words
            words = []
        elif token in REDIRECTIONS:
            skip_next = True
        else:
            words.append(token)
    if words:
        yield words


def aws_commands_in(line, where, scratch):
    inner = []
    line = substitute(line, scratch, inner)
    found = []
    for body in inner:
        found.extend(aws_commands_in(body, where, scratch))
    for words in simple_commands(line):
        while words and (re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]) or words[0] in ("do", "then", "else", "time", "!")):
            words = words[1:]
        if words and words[0] == "aws":
            found.append(Command(where, [expand_variables(w) for w in words[1:]]))
    return found


def find_commands(root, scratch):
    commands, problems = [], []
    for path in sorted(glob.glob(os.path.join(root, "book", "src", "**", "*.md"), recursive=True)):
        name = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for first, info, lines in fenced_blocks(text):
            if info in SHELL_BLOCKS:
                for n, line in logical_lines(first, lines, info == "console"):
                    commands.extend(aws_commands_in(line, "%s:%d" % (name, n), scratch))
            else:
                for n, line in enumerate(lines, first):
                    if re.match(r"^\s*(\$ )?aws\s", line):
                        problems.append(
                            "%s:%d: an `aws` command in a ```%s block is not checked; mark "
                            "the block ```sh (or ```console with `$ ` prompts)" % (name, n, info or " ")
                        )
        plain = prose(text)
        for offset, span in inline_aws_spans(plain):
            n = plain.count("\n", 0, offset) + 1
            for command in aws_commands_in(span, "%s:%d" % (name, n), scratch):
                command.partial = True
                commands.append(command)
    return commands, problems


def po_entries(path):
    """(msgid, msgstr) of each entry of a PO file, strings joined and unescaped."""
    entries, current, key = [], {}, None
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}

    def unescape(s):
        return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), s)

    def flush():
        if "msgid" in current:
            entries.append((current.get("msgid", ""), current.get("msgstr", "")))
        current.clear()

    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r'^(msgid|msgstr|msgctxt|msgid_plural)\s+"(.*)"$', line)
            if m:
                if m.group(1) == "msgid" and "msgid" in current:
                    flush()
                key = m.group(1)
                current[key] = unescape(m.group(2))
            elif line.startswith('"') and key:
                current[key] += unescape(line[1:-1])
            elif not line.strip():
                flush()
                key = None
    flush()
    return entries


def translation_problems(root):
    problems = []
    for path in sorted(glob.glob(os.path.join(root, "book", "po", "*.po"))):
        name = os.path.relpath(path, root)
        for msgid, msgstr in po_entries(path):
            english = {span for _, span in inline_aws_spans(msgid)}
            for _, span in inline_aws_spans(msgstr):
                if span not in english:
                    problems.append(
                        "%s: the translation of \"%s…\" has the command `%s`, which its English "
                        "message does not have (commands are not translated: copy the English "
                        "one)" % (name, msgid[:60], span)
                    )
    return problems


def built_problems(root, built):
    """Shell and YAML code blocks of each translation's built pages that differ from English."""
    import html

    pattern = re.compile(r'<code class="language-(?:sh|bash|shell|zsh|console|yaml|yml)\b[^"]*">(.*?)</code>', re.S)

    def blocks(path):
        with open(path, encoding="utf-8") as f:
            return [html.unescape(b) for b in pattern.findall(f.read())]

    problems = []
    for po in sorted(glob.glob(os.path.join(root, "book", "po", "*.po"))):
        code = os.path.splitext(os.path.basename(po))[0]
        for english in sorted(glob.glob(os.path.join(built, "*.html"))):
            page = os.path.basename(english)
            translated = os.path.join(built, code, page)
            if page == "print.html" or not os.path.exists(translated):
                continue
            ours, theirs = blocks(english), blocks(translated)
            for a, b in zip(ours, theirs):
                if a != b:
                    line = next((x for x, y in zip(b.split("\n"), a.split("\n")) if x != y), b[:80])
                    problems.append(
                        "%s/%s: a code block differs from the English page's, at `%s`: the "
                        "catalog book/po/%s.po translates a comment or string of it; code "
                        "stays English" % (code, page, line.strip(), code)
                    )
            if len(ours) != len(theirs):
                problems.append("%s/%s: %d shell or YAML code blocks, the English page %d" % (code, page, len(theirs), len(ours)))
    return problems


# ---------------------------------------------------------------------------------------------
# Running them


def prepare(command, scratch):
    words, stripped, i = [], False, 0
    while i < len(command.words):
        w = command.words[i]
        if w in V2_ONLY_WITH_VALUE:
            stripped, i = True, i + 2
            continue
        if any(w.startswith(o + "=") for o in V2_ONLY_WITH_VALUE):
            stripped, i = True, i + 1
            continue
        if command.partial and w == "…" and not (words and words[-1].startswith("--")):
            i += 1  # prose: `…` in place of options left out
            continue
        for scheme, content in (("fileb://", b"bytes"), ("file://", b"{}")):
            value = w.split("=", 1)[1] if w.startswith("--") and "=" in w else w
            if value.startswith(scheme):
                target = os.path.join(scratch, value[len(scheme):])
                if not os.path.exists(target):
                    os.makedirs(os.path.dirname(target) or scratch, exist_ok=True)
                    if target.endswith(".zip"):
                        with zipfile.ZipFile(target, "w") as archive:
                            archive.writestr("bootstrap", "a function")
                    else:
                        with open(target, "wb") as f:
                            f.write(content)
                break
        words.append(w)
        i += 1
    return words, stripped


_DRIVER = []


def driver(create_clidriver):
    """One CLI driver for every command: building one takes longer than running a command, and
    a driver keeps no state from one command to the next that could change how it parses."""
    if os.environ.get("WORKBOOK_AWS_FRESH_DRIVER"):
        return create_clidriver()
    if not _DRIVER:
        _DRIVER.append(create_clidriver())
    return _DRIVER[0]


def run_cli(words, create_clidriver):
    """Runs the CLI in this process; returns (exit status, what it wrote to stderr)."""
    err, out = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        try:
            status = driver(create_clidriver).main(
                words + ["--endpoint-url", ENDPOINT, "--cli-connect-timeout", "1", "--cli-read-timeout", "1"]
            )
        except SystemExit as e:
            status = e.code
    return status, err.getvalue()


def why(stderr):
    """The part of the CLI's answer that says what is wrong, without its usage boilerplate."""
    lines = [l for l in stderr.replace("\r", "\n").split("\n") if l.strip()]
    for at, line in enumerate(lines):
        if line.startswith("Invalid choice"):
            return "\n".join(lines[at:at + 3])
    boilerplate = ("Note: AWS CLI version 2", "usage: ", "To see help text", "  aws ")
    lines = [l for l in lines if not l.startswith(boilerplate)]
    return "\n".join(lines[-4:]) or "(no message)"


def fill_in(words, stderr):
    """For a command named in prose: the words with what the CLI says is missing filled in with
    placeholders (required arguments, an option's value), or None if nothing is missing."""
    m = re.search(r"the following arguments are required: (.*)", stderr)
    if m:
        filled = list(words)
        for arg in (a.strip() for a in m.group(1).split(",")):
            filled += [arg, "placeholder"] if arg.startswith("-") else ["placeholder"]
        return filled
    m = re.search(r"argument (--[\w-]+): expected one argument", stderr)
    if m and m.group(1) in words:
        at = len(words) - words[::-1].index(m.group(1))
        return words[:at] + ["placeholder"] + words[at:]
    return None


def check(command, scratch, create_clidriver):
    words, stripped = prepare(command, scratch)
    status, stderr = run_cli(words, create_clidriver)
    for _ in range(5):
        if not command.partial or ACCEPTED in stderr:
            break
        filled = fill_in(words, stderr)
        if filled is None:
            break
        words = filled
        status, stderr = run_cli(words, create_clidriver)
    return ACCEPTED in stderr, stripped, stderr


def main(argv):
    if len(argv) < 2:
        print(__doc__.split("\n")[2], file=sys.stderr)
        return 2
    root = os.path.abspath(argv[1])
    only_list = "--list" in argv[2:]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="workbook-aws-") as scratch:
        commands, problems = find_commands(root, scratch)
        problems += translation_problems(root)
        if "--built" in argv[2:]:
            built = os.path.abspath(argv[argv.index("--built") + 1])
            before = len(problems)
            problems += built_problems(root, built)
            print(
                "The translated pages in %s: their shell and YAML code blocks are the English "
                "pages'%s." % (os.path.relpath(built, root), "" if len(problems) == before else ", except as listed below")
            )
        if only_list:
            for c in commands:
                print("%s: %s%s" % (c.where, c.text(), "   (prose: required arguments filled)" if c.partial else ""))
            return 0
        try:
            from awscli import __version__ as version
            from awscli.clidriver import create_clidriver
        except ImportError:
            print(
                "the AWS CLI's Python package is not installed: `python3 -m pip install awscli` "
                "(.ci/run installs it)"
            )
            return 3
        os.environ.update(
            AWS_ACCESS_KEY_ID="AKIDEXAMPLE",
            AWS_SECRET_ACCESS_KEY="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_MAX_ATTEMPTS="1",
            AWS_RETRY_MODE="standard",
            AWS_CONFIG_FILE=os.devnull,
            AWS_SHARED_CREDENTIALS_FILE=os.devnull,
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
        )
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_CA_BUNDLE"):
            os.environ.pop(name, None)
        sys.argv[0] = "aws"  # argparse names the program in its messages
        here = os.getcwd()
        os.chdir(scratch)
        stripped = 0
        try:
            for command in commands:
                accepted, had_v2_flag, stderr = check(command, scratch, create_clidriver)
                stripped += had_v2_flag
                if not accepted:
                    problems.append(
                        "%s: the AWS CLI refuses `%s`:\n%s" % (command.where, command.text(), why(stderr))
                    )
        finally:
            os.chdir(here)
    seconds = time.monotonic() - started
    partial = sum(c.partial for c in commands)
    print(
        "The book's aws commands: %d checked with the AWS CLI %s (%d from code blocks, %d named in "
        "prose), %d problem(s); --cli-binary-format (version 2 only) removed from %d; %.1f s."
        % (len(commands), version, len(commands) - partial, partial, len(problems), stripped, seconds)
    )
    for problem in problems:
        print("  - " + problem.replace("\n", "\n    "))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
