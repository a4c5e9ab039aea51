//! `serve`: the book at `http://127.0.0.1:3000`, rebuilt when a source file changes.
//!
//! mdBook's own server lives in the `mdbook` program, not in its library, and brings an async
//! web framework with it. A book is a folder of static files, and one person reads it at a time,
//! so the standard library's `TcpListener` and a thread per connection are enough: read the
//! request line, map the path to a file under `book/build/`, send it, close the connection.
//!
//! Changes are noticed by polling: once a second we look for the newest modification time under
//! the book folder, which holds the chapters and the translations' catalogs (`book/po/`). No file-watching library, and it works the same on every system. There is
//! no live reload: refresh the page after a rebuild.

use std::fs;
use std::io::{self, BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, SystemTime};

use crate::{languages, open_in_browser, render};

/// Ports to try, in order: mdBook's usual 3000, or the next free one.
const PORTS: std::ops::RangeInclusive<u16> = 3000..=3010;

/// How often to look for changed sources.
const POLL: Duration = Duration::from_secs(1);

/// Builds the book in `languages`, serves the site until the process is stopped, and rebuilds
/// it on changes. A build with problems is reported and the server keeps running: fix the file
/// and it rebuilds. The address printed (and opened) is the first language's.
pub fn serve(book_dir: &Path, languages: &[&'static str], open: bool) -> Result<(), String> {
    let site = book_dir.join(render::BUILD_DIR);
    report(render::build(book_dir, languages));

    let listener = PORTS
        .clone()
        .find_map(|port| TcpListener::bind(("127.0.0.1", port)).ok())
        .ok_or("ports 3000 to 3010 are all in use; stop another server and try again")?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the server's address: {e}"))?;
    let url = match languages::site_folder(languages[0]) {
        "" => format!("http://{address}/"),
        folder => format!("http://{address}/{folder}/"),
    };
    println!("Serving the book at {url} (Ctrl-C to stop). Refresh the page after a change.");
    if open {
        open_in_browser(&url);
    }

    let (watched, languages) = (book_dir.to_path_buf(), languages.to_vec());
    thread::spawn(move || rebuild_on_change(&watched, &languages));

    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let site = site.clone();
        thread::spawn(move || {
            // A browser that closes the connection early is not our problem to report.
            let _ = respond(stream, &site);
        });
    }
    Ok(())
}

fn report(result: Result<PathBuf, String>) {
    match result {
        Ok(_) => println!("Built the book."),
        Err(problems) => eprintln!("The book has problems:\n{problems}"),
    }
}

/// Rebuilds whenever something under the book folder (other than the output) changed.
fn rebuild_on_change(book_dir: &Path, languages: &[&str]) {
    let output = book_dir.join(render::BUILD_DIR);
    let mut last = newest_change(book_dir, &output);
    loop {
        thread::sleep(POLL);
        let now = newest_change(book_dir, &output);
        if now > last {
            last = now;
            println!("A source changed; rebuilding.");
            report(render::build(book_dir, languages));
        }
    }
}

/// The latest modification time of any file under `dir`, skipping `skip`.
fn newest_change(dir: &Path, skip: &Path) -> Option<SystemTime> {
    let entries = fs::read_dir(dir).ok()?;
    entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path != skip)
        .filter_map(|path| {
            if path.is_dir() {
                newest_change(&path, skip)
            } else {
                fs::metadata(&path).and_then(|m| m.modified()).ok()
            }
        })
        .max()
}

/// Answers one HTTP request with a file from `site`, or its 404 page.
fn respond(stream: TcpStream, site: &Path) -> io::Result<()> {
    let mut reader = BufReader::new(&stream);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    // Read the headers too, though we ignore them: closing a socket with unread data makes the
    // system reset the connection, and the browser may lose our answer.
    let mut header = String::new();
    while reader.read_line(&mut header)? > 2 {
        header.clear();
    }

    let mut words = request_line.split_whitespace();
    let (method, target) = (words.next().unwrap_or(""), words.next().unwrap_or("/"));
    let (status, file) = match (method, file_for(site, target)) {
        ("GET" | "HEAD", Some(file)) => ("200 OK", Some(file)),
        ("GET" | "HEAD", None) => ("404 Not Found", Some(site.join("404.html"))),
        _ => ("405 Method Not Allowed", None),
    };
    let body = file.and_then(|f| fs::read(&f).ok().map(|b| (b, f)));
    let (body, content_type) = match &body {
        Some((bytes, file)) => (bytes.as_slice(), content_type(file)),
        None => (&b""[..], "text/plain"),
    };
    let mut stream = &stream;
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         Cache-Control: no-cache\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    if method != "HEAD" {
        stream.write_all(body)?;
    }
    stream.flush()
}

/// The file under `site` that a request target names, if there is one. `/` and folders mean
/// their `index.html`. A target that climbs out of `site` with `..` names nothing.
fn file_for(site: &Path, target: &str) -> Option<PathBuf> {
    let path = percent_decode(target.split(['?', '#']).next()?)?;
    let mut file = site.to_path_buf();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => return None,
            // A backslash would be a separator on Windows: another way to climb out.
            segment if segment.contains('\\') => return None,
            segment => file.push(segment),
        }
    }
    if file.is_dir() {
        file.push("index.html");
    }
    file.is_file().then_some(file)
}

/// Decodes `%20`-style escapes; `None` if an escape is malformed or the result is not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(text.len());
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' {
            let hex = std::str::from_utf8(tail.get(..2)?).ok()?;
            bytes.push(u8::from_str_radix(hex, 16).ok()?);
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).ok()
}

/// The `Content-Type` for the kinds of file an mdBook site contains.
fn content_type(file: &Path) -> &'static str {
    match file
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
    {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css",
        "js" => "text/javascript",
        "json" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "txt" | "md" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_escapes() {
        assert_eq!(percent_decode("/a%20b.html").as_deref(), Some("/a b.html"));
        assert_eq!(percent_decode("/%C3%A9"), Some("/é".to_owned()));
        assert_eq!(percent_decode("/bad%2"), None);
        assert_eq!(percent_decode("/bad%zz"), None);
    }

    #[test]
    fn maps_targets_to_files_and_never_leaves_the_site() {
        let site = std::env::temp_dir().join(format!("workbook-book-test-{}", std::process::id()));
        fs::create_dir_all(site.join("ch")).unwrap();
        fs::write(site.join("index.html"), "home").unwrap();
        fs::write(site.join("ch").join("index.html"), "chapter").unwrap();

        assert_eq!(file_for(&site, "/"), Some(site.join("index.html")));
        assert_eq!(
            file_for(&site, "/ch/?q=1#top"),
            Some(site.join("ch").join("index.html"))
        );
        assert_eq!(
            file_for(&site, "/ch"),
            Some(site.join("ch").join("index.html"))
        );
        assert_eq!(file_for(&site, "/missing.html"), None);
        assert_eq!(file_for(&site, "/ch/../../etc/passwd"), None);
        assert_eq!(file_for(&site, "/%2e%2e/x"), None);

        fs::remove_dir_all(&site).unwrap();
    }
}
