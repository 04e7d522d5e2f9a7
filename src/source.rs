//! The source model: file text, byte spans, and the conversion to lines and columns.
//!
//! Every position inside schemaguard is a byte range into the original text. Parsers that speak
//! in lines and columns are converted once, at the parse boundary; renderers turn bytes back into
//! 1-based lines and columns with [`LineIndex`].

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A half-open byte range `start..end` into a file's text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `offset`.
    pub const fn at(offset: usize) -> Self {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(&self) -> bool {
        self.end <= self.start
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// Whether `other` lies entirely inside this span.
    pub fn encloses(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub fn shift(self, by: usize) -> Span {
        Span {
            start: self.start + by,
            end: self.end + by,
        }
    }

    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(r: std::ops::Range<usize>) -> Self {
        Span {
            start: r.start,
            end: r.end,
        }
    }
}

/// A 1-based line and column. Columns count Unicode scalar values (characters), which is what
/// editors, GitHub annotations and SARIF (`columnKind: unicodeCodePoints`) expect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line, for byte -> line/column conversion.
///
/// Converting is O(1) on ASCII lines and O(1 KiB) on others, whatever the line's length: a
/// minified dump can hold megabytes on one line, and counting characters from the line's start
/// for each of thousands of findings on it would take hours.
#[derive(Clone, Debug)]
pub struct LineIndex {
    starts: Vec<usize>,
    len: usize,
    /// The lines (0-based, sorted) that hold non-ASCII text; empty for an ASCII file.
    non_ascii: Vec<usize>,
    /// For non-ASCII lines longer than [`CHECKPOINT_EVERY`]: every that many bytes, the byte
    /// offset in the line, and how many characters and UTF-16 units come before it.
    checkpoints: std::collections::HashMap<usize, Vec<Checkpoint>>,
}

/// Spacing of the checkpoints of long non-ASCII lines.
const CHECKPOINT_EVERY: usize = 1024;

#[derive(Clone, Copy, Debug)]
struct Checkpoint {
    byte: usize,
    chars: usize,
    utf16: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 40 + 1);
        starts.push(0);
        for pos in memchr::memchr_iter(b'\n', text.as_bytes()) {
            starts.push(pos + 1);
        }
        let mut index = LineIndex {
            starts,
            len: text.len(),
            non_ascii: Vec::new(),
            checkpoints: Default::default(),
        };
        if !text.is_ascii() {
            for line in 0..index.starts.len() {
                let start = index.starts[line];
                let end = index.starts.get(line + 1).copied().unwrap_or(text.len());
                let line_text = &text[start..end];
                if line_text.is_ascii() {
                    continue;
                }
                index.non_ascii.push(line);
                if line_text.len() > CHECKPOINT_EVERY {
                    index.checkpoints.insert(line, checkpoints(line_text));
                }
            }
        }
        index
    }

    fn is_ascii_line(&self, line: usize) -> bool {
        self.non_ascii.binary_search(&line).is_err()
    }

    /// The last checkpoint of `line` at or before byte `rel` of the line (by `key`), if any.
    fn checkpoint(&self, line: usize, key: impl Fn(&Checkpoint) -> usize, at: usize) -> Checkpoint {
        let zero = Checkpoint {
            byte: 0,
            chars: 0,
            utf16: 0,
        };
        let Some(cps) = self.checkpoints.get(&line) else {
            return zero;
        };
        match cps.partition_point(|c| key(c) <= at) {
            0 => zero,
            n => cps[n - 1],
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// 0-based line number containing `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts (the end of text past the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte range of 0-based `line`, without its line terminator.
    pub fn line_span(&self, text: &str, line: usize) -> Span {
        let start = self.line_start(line);
        let mut end = self.starts.get(line + 1).map(|s| s - 1).unwrap_or(self.len);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Span::new(start, end.max(start))
    }

    /// 1-based line and character column of a byte offset.
    pub fn line_col(&self, text: &str, offset: usize) -> LineCol {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = if self.is_ascii_line(line) {
            offset - start
        } else {
            let cp = self.checkpoint(line, |c| c.byte, offset - start);
            cp.chars + text[start + cp.byte..offset].chars().count()
        } + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }

    /// 0-based line and UTF-16 column, as the Language Server Protocol counts by default.
    pub fn line_col_utf16(&self, text: &str, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(text, offset.min(text.len()));
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let col = if self.is_ascii_line(line) {
            offset - start
        } else {
            let cp = self.checkpoint(line, |c| c.byte, offset - start);
            cp.utf16 + text[start + cp.byte..offset].encode_utf16().count()
        };
        (line, col)
    }

    /// Byte offset of a 1-based line and character column; clamps to the line's end.
    pub fn offset_of(&self, text: &str, line: usize, column: usize) -> usize {
        if line == 0 {
            return 0;
        }
        let span = self.line_span(text, line - 1);
        let line_text = span.text(text);
        let col = column.saturating_sub(1);
        if self.is_ascii_line(line - 1) {
            return span.start + col.min(line_text.len());
        }
        let cp = self.checkpoint(line - 1, |c| c.chars, col);
        let from = span.start + cp.byte.min(line_text.len());
        match text[from..span.end].char_indices().nth(col - cp.chars) {
            Some((i, _)) => from + i,
            None => span.end,
        }
    }
}

/// Checkpoints of one long line: at the first char boundary at or after each multiple of
/// [`CHECKPOINT_EVERY`] bytes.
fn checkpoints(line: &str) -> Vec<Checkpoint> {
    let mut out = Vec::with_capacity(line.len() / CHECKPOINT_EVERY);
    let (mut chars, mut utf16, mut next) = (0, 0, CHECKPOINT_EVERY);
    for (i, c) in line.char_indices() {
        if i >= next {
            out.push(Checkpoint {
                byte: i,
                chars,
                utf16,
            });
            next = i - i % CHECKPOINT_EVERY + CHECKPOINT_EVERY;
        }
        chars += 1;
        utf16 += c.len_utf16();
    }
    out
}

/// The largest char boundary at or before `offset`.
pub fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The smallest char boundary at or after `offset`.
pub fn ceil_char_boundary(text: &str, mut offset: usize) -> usize {
    offset = offset.min(text.len());
    while offset < text.len() && !text.is_char_boundary(offset) {
        offset += 1;
    }
    offset
}

/// One file's text, as linted.
#[derive(Debug)]
pub struct SourceFile {
    /// The path as shown to users: relative to the working directory where possible, `/`-separated.
    pub display: String,
    /// The path used to read the file (absolute or as given).
    pub path: PathBuf,
    pub text: Arc<str>,
    /// Built on first use: most files of a run have no finding to place.
    lines: std::sync::OnceLock<LineIndex>,
    /// Whether the file started with a UTF-8 byte order mark (stripped from `text`).
    pub had_bom: bool,
}

/// The line ending a text uses: `\r\n` when it has any, else `\n`. Edits that add lines (a
/// suppression comment, a fix) write the file's own.
pub fn line_ending(text: &str) -> &'static str {
    if text.contains("\r\n") { "\r\n" } else { "\n" }
}

impl SourceFile {
    pub fn new(
        path: impl Into<PathBuf>,
        display: impl Into<String>,
        text: impl Into<Arc<str>>,
    ) -> Self {
        SourceFile {
            display: display.into(),
            path: path.into(),
            text: text.into(),
            lines: std::sync::OnceLock::new(),
            had_bom: false,
        }
    }

    /// An in-memory file (tests, `--stdin-filename`).
    pub fn from_text(display: &str, text: &str) -> Self {
        Self::new(PathBuf::from(display), display.to_string(), text)
    }

    /// The file's line index (line starts, for 1-based line and column).
    pub fn lines(&self) -> &LineIndex {
        self.lines.get_or_init(|| LineIndex::new(&self.text))
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        self.lines().line_col(&self.text, offset)
    }

    pub fn slice(&self, span: Span) -> &str {
        span.text(&self.text)
    }

    pub fn file_name(&self) -> &str {
        self.path.file_name().and_then(|s| s.to_str()).unwrap_or("")
    }
}

/// Why a file's bytes could not be linted as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// The OS refused to read it (permission denied, a dangling link, a directory...).
    Io(String),
    /// It holds NUL bytes or other binary content; `offset` is the first NUL in the file's bytes.
    Binary { offset: usize },
    /// It is not valid UTF-8; `offset` is the first bad byte in the file's bytes.
    InvalidUtf8 { offset: usize },
    /// It is larger than the configured limit.
    TooLarge { size: u64, limit: u64 },
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unreadable::Io(e) => write!(f, "cannot read the file: {e}"),
            Unreadable::Binary { offset } => {
                write!(
                    f,
                    "the file looks binary (a NUL byte at offset {offset}); it was not linted"
                )
            }
            Unreadable::InvalidUtf8 { offset } => write!(
                f,
                "the file is not valid UTF-8 (first bad byte at offset {offset}); re-encode it as UTF-8 to lint it"
            ),
            Unreadable::TooLarge { size, limit } => write!(
                f,
                "the file is {} and the limit is {}; it was skipped (raise `max-file-size` to lint it)",
                human_size(*size),
                human_size(*limit)
            ),
        }
    }
}

pub fn human_size(bytes: u64) -> String {
    const KB: f64 = 1024.0;
    let b = bytes as f64;
    if b >= KB * KB * KB {
        format!("{:.1} GiB", b / (KB * KB * KB))
    } else if b >= KB * KB {
        format!("{:.1} MiB", b / (KB * KB))
    } else if b >= KB {
        format!("{:.1} KiB", b / KB)
    } else {
        format!("{bytes} bytes")
    }
}

/// Reads a file as text, refusing what cannot be linted. The size is checked before reading so a
/// huge file costs nothing.
pub fn read_source(
    path: &Path,
    display: &str,
    max_size: u64,
) -> Result<SourceFile, (Unreadable, Option<LineCol>)> {
    let meta = std::fs::metadata(path).map_err(|e| (Unreadable::Io(e.to_string()), None))?;
    if meta.is_dir() {
        return Err((Unreadable::Io("it is a directory".into()), None));
    }
    if meta.len() > max_size {
        return Err((
            Unreadable::TooLarge {
                size: meta.len(),
                limit: max_size,
            },
            None,
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| (Unreadable::Io(e.to_string()), None))?;
    if bytes.len() as u64 > max_size {
        return Err((
            Unreadable::TooLarge {
                size: bytes.len() as u64,
                limit: max_size,
            },
            None,
        ));
    }
    decode(bytes).map(|(text, bom)| {
        let mut file = SourceFile::new(path, display, text);
        file.had_bom = bom;
        file
    })
}

/// Turns bytes into text: strips a UTF-8 BOM, refuses binary and invalid UTF-8 with the position
/// of the first offending byte.
pub fn decode(bytes: Vec<u8>) -> Result<(String, bool), (Unreadable, Option<LineCol>)> {
    let bom = bytes.starts_with(&[0xEF, 0xBB, 0xBF]);
    let mut bytes = bytes;
    if bom {
        bytes.drain(..3);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err((
            Unreadable::InvalidUtf8 { offset: 0 },
            Some(LineCol { line: 1, column: 1 }),
        ));
    }
    // Offsets in messages are file offsets (what a hex editor shows), so they count the BOM.
    let in_file = if bom { 3 } else { 0 };
    if let Some(offset) = memchr::memchr(0, &bytes) {
        let pos = position_in_bytes(&bytes, offset);
        return Err((
            Unreadable::Binary {
                offset: offset + in_file,
            },
            Some(pos),
        ));
    }
    match String::from_utf8(bytes) {
        Ok(s) => Ok((s, bom)),
        Err(e) => {
            let offset = e.utf8_error().valid_up_to();
            let pos = position_in_bytes(e.as_bytes(), offset);
            Err((
                Unreadable::InvalidUtf8 {
                    offset: offset + in_file,
                },
                Some(pos),
            ))
        }
    }
}

/// Line and column of a byte offset in bytes that may not be valid UTF-8 past `offset`.
fn position_in_bytes(bytes: &[u8], offset: usize) -> LineCol {
    let before = &bytes[..offset.min(bytes.len())];
    let line = memchr::memchr_iter(b'\n', before).count() + 1;
    let line_start = memchr::memrchr(b'\n', before).map(|p| p + 1).unwrap_or(0);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    LineCol { line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        let text = "ab\ncé d\r\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.line_col(text, 0), LineCol { line: 1, column: 1 });
        assert_eq!(idx.line_col(text, 3), LineCol { line: 2, column: 1 });
        // 'd' is after "cé " = 4 bytes
        assert_eq!(idx.line_col(text, 3 + 4), LineCol { line: 2, column: 4 });
        assert_eq!(idx.offset_of(text, 2, 4), 7);
        assert_eq!(idx.line_span(text, 1).text(text), "cé d");
        assert_eq!(
            idx.line_col(text, text.len()),
            LineCol { line: 3, column: 2 }
        );
    }

    #[test]
    fn long_non_ascii_lines_convert_like_short_ones() {
        // Checkpoints must give exactly what counting from the line's start gives.
        let line: String = (0..3000)
            .map(|i| match i % 7 {
                0 => "é",
                1 => "日本",
                2 => "😀",
                _ => "ab",
            })
            .collect();
        let text = format!("first\n{line}\r\nlast é");
        let idx = LineIndex::new(&text);
        let start = text.find('\n').unwrap() + 1;
        for (i, _) in text.char_indices() {
            let naive_line = text[..i].matches('\n').count();
            let ls = text[..i].rfind('\n').map(|p| p + 1).unwrap_or(0);
            let naive_col = text[ls..i].chars().count() + 1;
            assert_eq!(
                idx.line_col(&text, i),
                LineCol {
                    line: naive_line + 1,
                    column: naive_col
                }
            );
            assert_eq!(
                idx.line_col_utf16(&text, i),
                (naive_line, text[ls..i].encode_utf16().count())
            );
            // (Past the line's text, at its `\r\n`, a column clamps to the text's end.)
            if naive_line == 1 && i <= start + line.len() {
                assert_eq!(idx.offset_of(&text, 2, naive_col), i);
            }
        }
        assert_eq!(idx.offset_of(&text, 2, 10_000_000), start + line.len());
    }

    #[test]
    fn decode_refuses_binary_and_bad_utf8() {
        assert!(matches!(
            decode(b"ab\0c".to_vec()),
            Err((Unreadable::Binary { offset: 2 }, _))
        ));
        let (e, pos) = decode(b"ok\n\xffbad".to_vec()).unwrap_err();
        assert_eq!(e, Unreadable::InvalidUtf8 { offset: 3 });
        assert_eq!(pos, Some(LineCol { line: 2, column: 1 }));
        // Offsets count the BOM; lines and columns do not.
        let (e, pos) = decode(b"\xEF\xBB\xBFa;\n\0".to_vec()).unwrap_err();
        assert_eq!(e, Unreadable::Binary { offset: 6 });
        assert_eq!(pos, Some(LineCol { line: 2, column: 1 }));
        assert_eq!(
            decode(b"\xEF\xBB\xBFselect 1".to_vec()).unwrap(),
            ("select 1".to_string(), true)
        );
    }
}
