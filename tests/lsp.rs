//! `schemaguard server` driven the way an editor drives it: the binary is spawned and spoken to
//! in JSON-RPC over its standard input and output (initialize, didOpen, publishDiagnostics,
//! codeAction, didChange, shutdown, exit).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::time::Duration;

use serde_json::{Value, json};

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(cwd: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_schemaguard"))
            .arg("server")
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start schemaguard server");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(v) = line.strip_prefix("Content-Length: ") {
                        length = v.parse::<usize>().ok();
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming: rx,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and waits for its response (skipping notifications meanwhile).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let msg = self.recv();
            if msg["id"] == json!(id) {
                assert!(msg.get("error").is_none(), "{method} failed: {msg}");
                return msg["result"].clone();
            }
        }
    }

    fn recv(&mut self) -> Value {
        self.incoming
            .recv_timeout(Duration::from_secs(30))
            .expect("the server answers within 30 s")
    }

    /// The next diagnostics published for `uri`.
    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let msg = self.recv();
            if msg["method"] == "textDocument/publishDiagnostics" && msg["params"]["uri"] == uri {
                return msg["params"]["diagnostics"].as_array().unwrap().clone();
            }
        }
    }

    fn shutdown(mut self) {
        let result = self.request("shutdown", Value::Null);
        assert!(result.is_null());
        self.notify("exit", Value::Null);
        let status = self.child.wait().unwrap();
        assert!(
            status.success(),
            "the server exits cleanly after shutdown/exit"
        );
    }
}

fn file_uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                s.push(b as char)
            }
            _ => s.push_str(&format!("%{b:02X}")),
        }
    }
    s
}

fn initialize(client: &mut Client, root: &Path, encodings: &[&str]) -> Value {
    let result = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": file_uri(root),
            "workspaceFolders": [{ "uri": file_uri(root), "name": "ws" }],
            "capabilities": {
                "general": { "positionEncodings": encodings },
                "textDocument": { "publishDiagnostics": { "relatedInformation": true } },
            },
        }),
    );
    client.notify("initialized", json!({}));
    result
}

/// A workspace whose config opts in to the migration hazards (off by default for their measured
/// precision) and makes drop-column a warning (so the test sees the config applied).
fn workspace() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("schemaguard.toml"),
        "extend-select = [\"BC\"]\n[severity]\nBC001 = \"warning\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("db")).unwrap();
    dir
}

// A comment with a character outside the BMP before the finding: UTF-16 and UTF-8 columns
// differ. DROP TABLE's finding has a secondary label (related information).
const TEXT: &str = "SET lock_timeout = '2s';\nALTER TABLE users /* é😀 */ DROP COLUMN email;\nDROP TABLE sessions;\n";

#[test]
fn diagnostics_quick_fix_and_lifecycle_over_stdio() {
    let ws = workspace();
    let root = std::fs::canonicalize(ws.path()).unwrap();
    let mut client = Client::start(Path::new("/"));
    let init = initialize(&mut client, &root, &["utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "schemaguard");
    assert_eq!(init["capabilities"]["textDocumentSync"]["change"], 1);

    // The document is not saved: the server lints the text it is sent.
    let uri = file_uri(&root.join("db/002_drop email.sql"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "sql", "version": 1, "text": TEXT } }),
    );
    let diags = client.diagnostics(&uri);
    let drop = diags
        .iter()
        .find(|d| d["code"] == "BC001")
        .unwrap_or_else(|| panic!("BC001 published: {diags:?}"));
    assert_eq!(drop["source"], "schemaguard");
    assert_eq!(
        drop["severity"], 2,
        "the workspace config makes BC001 a warning"
    );
    assert!(
        drop["codeDescription"]["href"]
            .as_str()
            .unwrap()
            .ends_with("/docs/rules/BC001.md")
    );
    assert!(drop["message"].as_str().unwrap().contains("users.email"));
    // `ALTER TABLE users /* é😀 */ ` is 28 UTF-16 code units.
    assert_eq!(
        drop["range"]["start"],
        json!({ "line": 1, "character": 28 })
    );
    let table = diags.iter().find(|d| d["code"] == "BC002").expect("BC002");
    assert_eq!(table["severity"], 1);
    let related = table["relatedInformation"].as_array().expect("labels");
    assert_eq!(related[0]["location"]["uri"], uri);
    assert_eq!(
        related[0]["location"]["range"]["start"],
        json!({ "line": 2, "character": 11 })
    );

    // The quick fix inserts a suppression comment with a reason placeholder above the line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": uri },
            "range": drop["range"],
            "context": { "diagnostics": [drop] },
        }),
    );
    let suppress = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["title"].as_str().unwrap().starts_with("Suppress BC001"))
        .unwrap_or_else(|| panic!("a suppression action: {actions}"));
    assert_eq!(suppress["kind"], "quickfix");
    let edits = &suppress["edit"]["changes"][&uri];
    assert_eq!(
        edits[0]["newText"],
        "-- schemaguard: ignore[BC001] <reason>\n"
    );
    assert_eq!(
        edits[0]["range"]["start"],
        json!({ "line": 1, "character": 0 })
    );

    // The editor applies it (with a real reason) and sends the new text.
    let fixed = TEXT.replace(
        "ALTER",
        "-- schemaguard: ignore[BC001] the column was unused since v2\nALTER",
    );
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [{ "text": fixed }],
        }),
    );
    let diags = client.diagnostics(&uri);
    assert!(
        diags.iter().all(|d| d["code"] != "BC001"),
        "suppressed after the change: {diags:?}"
    );

    // Saving relints too; closing clears the diagnostics.
    client.notify(
        "textDocument/didSave",
        json!({ "textDocument": { "uri": uri }, "text": TEXT }),
    );
    assert!(
        client
            .diagnostics(&uri)
            .iter()
            .any(|d| d["code"] == "BC001")
    );
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": uri } }),
    );
    assert!(client.diagnostics(&uri).is_empty());
    client.shutdown();
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let ws = workspace();
    let root = std::fs::canonicalize(ws.path()).unwrap();
    let mut client = Client::start(&root);
    let init = initialize(&mut client, &root, &["utf-8", "utf-16"]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-8");
    let uri = file_uri(&root.join("db/002.sql"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "sql", "version": 1, "text": TEXT } }),
    );
    let diags = client.diagnostics(&uri);
    let drop = diags.iter().find(|d| d["code"] == "BC001").unwrap();
    // `ALTER TABLE users /* é😀 */ ` is 31 bytes.
    assert_eq!(
        drop["range"]["start"],
        json!({ "line": 1, "character": 31 })
    );
    client.shutdown();
}

#[test]
fn a_document_is_linted_with_its_migration_folder() {
    let ws = workspace();
    let root = std::fs::canonicalize(ws.path()).unwrap();
    // On disk: the folder's other migrations. In the editor: a new one, not saved yet.
    std::fs::write(
        root.join("db/001_users.up.sql"),
        "CREATE TABLE users (id bigint PRIMARY KEY, email text);\n",
    )
    .unwrap();
    std::fs::write(
        root.join("db/002_add_name.up.sql"),
        "ALTER TABLE users ADD COLUMN name text;\n",
    )
    .unwrap();
    let mut client = Client::start(&root);
    initialize(&mut client, &root, &["utf-16"]);
    let uri = file_uri(&root.join("db/002_add_nick.up.sql"));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": { "uri": uri, "languageId": "sql", "version": 1,
            "text": "ALTER TABLE users ADD COLUMN nick text;\n" } }),
    );
    let diags = client.diagnostics(&uri);
    let dup = diags
        .iter()
        .find(|d| d["code"] == "NM003")
        .unwrap_or_else(|| panic!("the folder's other version 002 is seen: {diags:?}"));
    assert!(
        dup["message"]
            .as_str()
            .unwrap()
            .contains("002_add_name.up.sql"),
        "{dup}"
    );
    client.shutdown();
}
