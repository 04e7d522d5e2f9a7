//! Redaction: every fixture of the sensitive-data rules is linted with every rule and rendered
//! in every output format (`Format` is iterated, so formats added later are covered), and no
//! secret a fixture holds may appear in the bytes, raw or escaped. Where a format shows source
//! text (code frames, SARIF snippets), the masked form must be there instead.
//!
//! Failure messages name the fixture, line and format of a leak, never the secret.

use std::path::{Path, PathBuf};

use clap::ValueEnum;
use schemaguard::discover::{self, Candidate};
use schemaguard::lint::{self, FileReport};
use schemaguard::output::{self, Format, RenderContext};
use schemaguard::redact::mask;
use schemaguard::secrets::{ValueClass, classify_value};
use schemaguard::settings::{Overrides, Settings};

mod common;
use common::repo;

/// Every secret the fail fixtures hold, written out in full: a detector whose span covers only
/// part of a secret would leave the rest visible, and only the full value catches that.
const FIXTURE_SECRETS: &[&str] = &[
    // provider-token
    "AKIAVQJXXVBOTHD2WTFL",
    "ASIAHBMUAPTT2ZN5X2PD",
    "HVJWDBt2hWdQZUm14QhoxhLPAbQcEFUV2fsjGHb6",
    "ghp_qN9Nifp28uwCDydesokF5NSAllsNdV40J599",
    "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",
    "glpat-7dFanUrOSE62chn4xdeJ",
    "xoxb-064307422460-2910524185755-Xqxni7z9KwRkNr4aE28uz5eR",
    "TPZ1QSSK384/B3WU9TAHEAK/1aSJARa7717tzNlIrTtfkbSh",
    "sk_live_2Cde2wioVMEuUYMjPeFXsRgZzCYTHY2I",
    "rk_live_vGYF0eYF2ExFJgKLDL36awmUDt8QvwTH",
    "whsec_6Iuj2OkDCJ23VmCwykTp4EilsS2aQnjU",
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtcmVwb3J0aW5nIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcxODAwMDAwMH0.f6e9cpCGybY9lMR4pAwBp3GVy1PixOqoRGrB5Vpg5C6",
    // private-key (lines of the key bodies)
    "hYePP2lny2pg17+dUM2jNKogorTAuRVpQ09oiVeZWJ9QyucS19AvMp2gUAeSsUfF",
    "gUl8oPK+HJN45P/ED75cNRqsKz5b70CO8W7RQHy2Yp+ptzsJqLOJqu3g9DYpQaxE",
    "N+cNljiRkV71kDRuIr2jhTxs+OHKDpnJh/rgiOaPq/N9RtlnnudSkpmKog0Qwp/v",
    "aQcT7xl2cwC6dT0ctPVnaawqrczLJWImKMG4hEbuUVDPDR/m0k5iqkwUONAIifEc",
    "Lav+q5ZvQmLL8ZrF8w50SR2Qugs4lIFVRdxtDyKUOtfZUTqr8aFvnKbnHFbDfj3u",
    "+ypO09RnKw1zW9/ohP46PbmT1TOkzfR1wKbPXTXx8TTx4XUMGmTtfc6y+xI25MTL",
    // connection-string-password
    "B09lmZYcZt7d",
    "C9HVfrRz3eKFIf",
    "Qm7tXv2LpW9s",
    "Hn4cY8rTq2Vz",
    "Jx5pR8wN2kLq",
    "Vt3Mz9Qc6RwY",
    "Lp6Wq2Xn8Rt4",
    "Gz8Kd3Wv5Nq1",
    // hardcoded-credential
    "SuperSecret123!",
    "Kf83jdLq0vXw27Pz",
    "Rm4Tq8Wz2Xc6Vb1N",
    "Tr0ub4dor&3horse",
    "Yq7Nw2Lk9Rv4Zp6T",
    "Summer#Breeze2024",
    "Nq5Xw8Lz3Rt7Kv2P",
    "Autumn#Leaves42",
    "Pl4ntP0t!Green",
    // hardcoded-credential, config YAML
    "Wq9Lx4Tz7Pk2Rn",
    "Zr5Nv8Qx3Lm6Tb",
    "Hd2Ks7Wp4Yc9Fg",
    "Bx6Rt3Mz8Qn5Lv",
    "Kp3Vx8Nq2Wz6Ty",
    "Rx7Mq2Lv9Tn4Kd",
    "Cn8Wd3Rk6Vq2Xs",
    "Fs4Wn8Xq3Hb6Pz",
    "Ty5Gc9Vm2Qw7Js",
    "Demo4Local7Only",
    // connection-string-password, config YAML
    "Mv6Qz2Xt8Kn4Wr",
    "Jd7Rw3Nq9Vz5Lc",
    "Hs3Kv8Tq5Wm2Zn",
    // kubernetes-secret-committed
    "Pz4Wk9Rv2Qm7Xn",
    "S2c4VHE3Wm4yTHY5UXA=",
    "Lc6Dv3Jw8Ny2Hq",
    // literal-role-password
    "Rq8#vLm2pZ7k",
    "md5d8578edf8458ce06fbc5bb76a58c5ca4",
    "SCRAM-SHA-256$4096:c2FsdHNhbHRzYWx0$c3RvcmVka2V5c3RvcmVka2V5c3RvcmVka2V5:c2VydmVya2V5c2VydmVya2V5c2VydmVya2V5",
    "Aud1t0r!Spring",
    "Wx7!mQ2zLp9R",
    "Yb4$kN8vTr1S",
    "Cz6#pW3nHq5V",
    "Dm2@rT7xKs4B",
    // Terraform: provider-token, connection-string-password, hardcoded-credential, private-key
    "AKIAVIN4Q5GTNPNJG6LQ",
    "ghp_tsBjhOoyq8yy9wNbmvImnUe0KaTiTJa5UXnl",
    "TW141R2IY/BH2LU24FLGN/1P1yVhODHoAq4954BubIjATX",
    "eyJhbGciOiAiSFMyNTYiLCAidHlwIjogIkpXVCJ9.eyJzdWIiOiAiYmlsbGluZy1zeW5jIiwgImlhdCI6IDE3MTkwMDAwMDB9.jF29_xIiA0zRhCEXamACJaoXO8NXyiqGJMzh7vqDZt9",
    "sk_live_4hLwSfZNRnsnA1bmXDnYRz3GDNXzlN4l",
    "xoxb-976159163953-2014980052977-J7gNKv6wAUmidjKUddndekkT",
    "glpat-acUoz4x7djav9wBQardf",
    "FcKB2II54sxC",
    "1EC0s6O9voWk",
    "i6sf4jb1Pjtl",
    "xgooVo8oo8Ht",
    "whYI378IXT1C9Pib8FJrpu66",
    "Quay!Lantern88",
    "Autumn#Leaves42x",
    "nx0gdcJ4nT5wogxzMs44CPn7jx6ywgu54Wej3h7IF+q42lXKPoog6Tl0qobOcOHK",
    "MMC4wKcXhfMiO+TMIWrIpyLfz2yujsUPKEQ2Y1VgHNm3mGvRKyX8DL0RV6Cuzswj",
    "K9RRVrQ8T2xzREXa//W9Y+gmBxlhiwp2aPNtY8bt3sm1brQHlA8IvDTHN7lTYjsX",
    "LbCYHdAPYpdK1BRoNFF3srhhFXPfaXWKikyuWjAv9v+jfJLcLeO6tdMMlIYtAx/n",
    // Liquibase changelogs and Alembic revisions (and alembic.ini)
    "Harbor7!Crane",
    "Summer2024",
    "Gull!Pier2023",
    "Buoy9?Harbor",
    "Tide4#Marsh",
    "Wharf5!Rope",
    "Jetty3#Sail",
    "fHmxOCTQE8ph",
    "Quay7&Knot",
    "ghp_G1ylvuhfJXqIEnomef2mSJ5CMTIeg1ZTVnVv",
    "AKIAQUMPMHS6PJARB7LM",
    "glpat-2fgKD0f6YYIgrCOX6Jhw",
    "1JYnrw8tdVII",
    "IECUyUALDgxk",
    "hOFosZYG9uVq",
    "v8ExVuo5Zbcb",
    "hZFC8ZrXbeg/fT3pG+h8msMlc+T1ah9sdbEl7oX8nrEHAluvtdgDW1+In81LJK6y",
    "c+jecsblnAk2vnXK6+Zy2GKlPOyJV9YZGWNkJnsrUgBhcpqIuRhWlMkU6ag5t/Zj",
    "3aoeWqeHGwlifXjw9APP8Dy+3XzZmBNQR2yTBGTCuSsH5LM/Em9iJLwbL132Zn4T",
    "Reporting2024!",
    "Report!ng77",
    // hardcoded-database-password (Terraform)
    "violet-anchor-trombone-42",
    "summer2024",
    "Passw0rd!",
    "S3cure-Enough?",
    "hunter2-hunter2",
    "Ledger-Quartz-91",
    "Lighthouse-Ferry-77",
    "0123456789abcdef0123456789abcdef",
    // personal-data-in-seed
    "h.lindqvist@nordmail.se",
    "rafael.ortega@correo-rapido.es",
    "+46 70 123 45 67",
    "+34 612 34 56 78",
    "536-90-4812",
    "4539 1578 3021 7451",
    "DE39 3705 0299 1234 5678 90",
    "m.novak@posta-kvik.cz",
    "+420 601 234 567",
    "5228465190872333",
    "GB89NWBK60161398765432",
    "(312) 846-2291",
    "FR8630006000019876543210187",
    "akira.tanaka@kaisha-mail.jp",
    "+81 90 1234 5678",
    "lena.vogel@postfach-mail.de",
    "+49 151 23456789",
    "ines.moreau@courriel-vif.fr",
    "+33 6 12 34 56 78",
    "t.okafor@mailhub-ng.com",
];

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().filter_map(Result::ok) {
        let p = e.path();
        if p.is_dir() {
            walk(&p, out);
        } else if !p.to_string_lossy().ends_with(".expect") {
            out.push(p);
        }
    }
}

fn rel(p: &Path) -> String {
    p.strip_prefix(repo())
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Every fixture of the category, and the shipped demo a newcomer runs first, linted with every
/// rule.
fn reports() -> (Vec<FileReport>, Settings) {
    let mut files = Vec::new();
    walk(&repo().join("fixtures/sensitive-data"), &mut files);
    walk(&repo().join("fixtures/demo"), &mut files);
    files.sort();
    assert!(!files.is_empty(), "no sensitive-data fixtures found");
    let settings = Settings::resolve(
        None,
        &Overrides {
            select: Some(vec!["ALL".into()]),
            ..Default::default()
        },
    )
    .unwrap();
    let reports = files
        .iter()
        .filter_map(|f| {
            let kind = discover::classify(f)?;
            let file = Candidate {
                display: rel(f),
                path: f.clone(),
                kind,
            };
            lint::lint(lint::Request::alone(lint::Input::Path(file)), &settings).pop()
        })
        .collect();
    (reports, settings)
}

/// A secret with where it came from (for failure messages that do not print it).
struct Secret {
    value: String,
    origin: String,
}

fn secrets(reports: &[FileReport]) -> Vec<Secret> {
    let mut out: Vec<Secret> = Vec::new();
    for r in reports {
        for d in &r.diagnostics {
            for s in &d.secrets {
                let value = s.text(&r.source.text);
                // Published dummies (`changeme`) and the well-known defaults the engine lists
                // (`postgres`, `password`) are no secret, and appear in the docs and in ordinary
                // text (`image: postgres:16`).
                if value.len() < 6
                    || classify_value(value) == ValueClass::Placeholder
                    || schemaguard::secrets::is_default_word(value)
                {
                    continue;
                }
                out.push(Secret {
                    value: value.to_string(),
                    origin: format!(
                        "{}:{} ({}, {} bytes)",
                        r.source.display,
                        r.source.line_col(s.start).line,
                        d.rule.code,
                        value.len()
                    ),
                });
            }
        }
    }
    for (i, v) in FIXTURE_SECRETS.iter().enumerate() {
        out.push(Secret {
            value: v.to_string(),
            origin: format!("FIXTURE_SECRETS[{i}] ({} bytes)", v.len()),
        });
    }
    out
}

/// The forms a value takes in the outputs: raw, JSON-escaped, and escaped for GitHub
/// workflow commands.
fn forms(value: &str) -> Vec<String> {
    let json = serde_json::to_string(value).unwrap();
    let json = json[1..json.len() - 1].to_string();
    let github = value
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    let mut v = vec![value.to_string(), json, github];
    v.dedup();
    v
}

fn render(format: Format, reports: &[FileReport], settings: &Settings) -> Vec<u8> {
    let cx = RenderContext {
        reports,
        summary: lint::summarize(reports),
        settings,
        color: false,
        workspace: None,
    };
    let mut out = Vec::new();
    output::render(format, &cx, &mut out).unwrap();
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn every_fixture_secret_is_found_and_masked() {
    let (reports, _) = reports();
    let mut problems = Vec::new();
    for (i, secret) in FIXTURE_SECRETS.iter().enumerate() {
        let holders: Vec<&FileReport> = reports
            .iter()
            .filter(|r| r.source.text.contains(secret))
            .collect();
        if holders.is_empty() {
            problems.push(format!(
                "FIXTURE_SECRETS[{i}] is in no fixture (stale list?)"
            ));
        }
        for r in holders {
            if r.display_text.contains(secret) {
                problems.push(format!(
                    "FIXTURE_SECRETS[{i}] is not masked in the display text of {}",
                    r.source.display
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_output_format_prints_a_fixture_secret() {
    let (reports, settings) = reports();
    let secrets = secrets(&reports);
    assert!(
        secrets.len() > FIXTURE_SECRETS.len(),
        "the fixtures found no secrets"
    );
    let mut problems = Vec::new();
    for format in Format::value_variants() {
        let bytes = render(*format, &reports, &settings);
        for s in &secrets {
            for form in forms(&s.value) {
                if contains(&bytes, form.as_bytes()) {
                    problems.push(format!(
                        "{format:?} output contains the secret from {}",
                        s.origin
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn formats_that_show_source_show_the_masked_form() {
    let (reports, settings) = reports();
    let pretty = String::from_utf8(render(Format::Pretty, &reports, &settings)).unwrap();
    let sarif: serde_json::Value =
        serde_json::from_slice(&render(Format::Sarif, &reports, &settings)).unwrap();
    let mut problems = Vec::new();
    // Code frames show the masked value of the single-line secret each active finding points at.
    for r in &reports {
        for d in r.active().filter(|d| d.rule.code.starts_with("SD")) {
            for s in d.secrets.iter().filter(|s| d.span.encloses(**s)) {
                let value = s.text(&r.source.text);
                if value.contains('\n') || value.len() < 6 {
                    continue;
                }
                if !pretty.contains(&mask(value)) {
                    problems.push(format!(
                        "pretty output lacks the masked form of the secret at {}:{} ({})",
                        r.source.display,
                        r.source.line_col(s.start).line,
                        d.rule.code
                    ));
                }
            }
        }
    }
    // SARIF snippets of secret findings are masked.
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mut snippets = 0;
    for res in results {
        let rule = res["ruleId"].as_str().unwrap_or("");
        if !matches!(
            rule,
            "SD001" | "SD002" | "SD003" | "SD004" | "SD005" | "SD006" | "SD008"
        ) {
            continue;
        }
        let region = &res["locations"][0]["physicalLocation"]["region"];
        let Some(text) = region["snippet"]["text"].as_str() else {
            continue;
        };
        snippets += 1;
        if !text.contains('*') {
            problems.push(format!(
                "SARIF snippet of a {rule} finding at line {} is not masked",
                region["startLine"]
            ));
        }
    }
    assert!(snippets > 0, "no SARIF snippets of secret findings");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// --- secrets no rule was asked to find -------------------------------------------------------

/// Secrets planted where no sensitive-data rule needs to look: at the token a SQL parse stops
/// at, in a double-quoted `PASSWORD`, in a suppression's reason, in a 200,000-character word,
/// and as credential-shaped assignments on the lines shown around a finding.
const PLANTED: &[&str] = &[
    "ghp_Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8",
    "AKIAQ7RTX2NB4KLMP3WZ",
    "Hunter2Quartz!Lamp",
    "ghp_Z9x8C7v6B5n4M3a2S1d0F9g8H7j6K5l4P3o2",
    "glpat-Rk8mW2vQx7LpN4tWz9Yc",
    "NEXTAUTH_SECRET=secret",
    "STRIPE_KEY=DEADBEEF",
    "CKAN_POSTGRES_PWD: pass",
    "SESSION_TOKEN=kestrel",
];

fn planted_repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    common::write(
        d,
        "db/migrations/V1__tokens.sql",
        &format!(
            "-- NEXTAUTH_SECRET=secret\n\
             ALTER TABLE t {};\n\
             -- STRIPE_KEY=DEADBEEF\n\
             ALTER TABLE t {};\n\
             CREATE USER bob PASSWORD \"{}\";\n\
             -- schemaguard: ignore[LN001] rotated, see {}\n\
             ALTER TABLE t ADD;\n\
             -- SESSION_TOKEN=kestrel\n\
             ALTER TABLE t {};\n\
             ALTER TABLE t {};\n",
            PLANTED[0],
            PLANTED[1],
            PLANTED[2],
            PLANTED[3],
            PLANTED[4],
            "a".repeat(200_000)
        ),
    );
    common::write(
        d,
        "docker-compose.yml",
        "services:\n  db:\n    image: postgres:16\n    environment:\n      CKAN_POSTGRES_PWD: pass\n      POSTGRES_HOST_AUTH_METHOD: trust\n    ports:\n      - \"5432:5432\"\n",
    );
    dir
}

#[test]
fn secrets_no_selected_rule_looks_for_never_reach_any_output() {
    let dir = planted_repo();
    let d = dir.path();
    let mut problems = Vec::new();
    // Code frames and SARIF snippets show the file's own line, however long; messages, labels
    // and help quote at most an excerpt.
    let mut check = |what: &str, bytes: &str| {
        for (i, s) in PLANTED.iter().enumerate() {
            for form in forms(s) {
                if bytes.contains(&form) {
                    problems.push(format!("{what} contains PLANTED[{i}]"));
                }
            }
        }
        if !what.starts_with("pretty")
            && !what.starts_with("sarif")
            && bytes.contains(&"a".repeat(200))
        {
            problems.push(format!("{what} copies the 200,000-character word"));
        }
    };
    // Whichever rules run: the parse-error rule alone, the defaults, all of them.
    for select in [&["--select", "LN"][..], &[], &["--select", "ALL"]] {
        for format in Format::value_variants() {
            let name = format.to_possible_value().unwrap().get_name().to_string();
            let summary = d.join("summary.md");
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_schemaguard"))
                .current_dir(d)
                .env("NO_COLOR", "1")
                .env("GITHUB_STEP_SUMMARY", &summary)
                .env("GITHUB_OUTPUT", d.join("outputs.txt"))
                .args(["check", "--isolated", "--format", &name, "--exit-zero"])
                .args(select)
                .arg(".")
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                stdout.contains("LN001") || stdout.contains("parse-error"),
                "{name} {select:?}: no parse error reported"
            );
            check(&format!("{name} output {select:?}"), &stdout);
            check(
                &format!("{name} stderr {select:?}"),
                &String::from_utf8_lossy(&out.stderr),
            );
            if let Ok(s) = std::fs::read_to_string(&summary) {
                check(&format!("job summary ({name}, {select:?})"), &s);
                std::fs::remove_file(&summary).unwrap();
            }
        }
        let (_, _, err) = common::schemaguard(
            d,
            &[
                &["check", "--isolated", "--write-baseline", "b.json"][..],
                select,
                &["."],
            ]
            .concat(),
        );
        let baseline = std::fs::read_to_string(d.join("b.json"))
            .unwrap_or_else(|_| panic!("no baseline written: {err}"));
        check(&format!("baseline {select:?}"), &baseline);
    }
    // The planted tokens are findings in their own right.
    let (_, out, _) = common::schemaguard(d, &["check", "--isolated", "--format", "concise", "."]);
    for line in [2, 4, 5, 9] {
        assert!(
            out.lines().any(
                |l| l.starts_with(&format!("db/migrations/V1__tokens.sql:{line}:"))
                    && (l.contains(" SD001 ") || l.contains(" SD005 "))
            ),
            "no secret finding on line {line}:\n{out}"
        );
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn personal_data_findings_label_every_value_they_count() {
    // One finding per migration, but each value it counts is shown where it is (masked).
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        "db/migrations/V3__seed_customers.sql",
        "INSERT INTO customers (email) VALUES ('h.lindqvist@nordmail.se');\n\
         INSERT INTO customers (email) VALUES ('x');\n\
         INSERT INTO payments (card) VALUES ('4539 1578 3021 7451');\n",
    );
    let (_, out, err) = common::schemaguard(
        dir.path(),
        &[
            "check",
            "--isolated",
            "--select",
            "SD006",
            "--format",
            "json",
            ".",
        ],
    );
    let doc: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|_| panic!("{out}{err}"));
    let diags = doc["diagnostics"].as_array().unwrap();
    assert_eq!(diags.len(), 1, "{out}");
    let d = &diags[0];
    assert_eq!(d["range"]["start"]["line"], 1);
    let labels: Vec<i64> = d["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["range"]["start"]["line"].as_i64().unwrap())
        .collect();
    assert_eq!(
        labels,
        [3],
        "the card number two lines below is labelled: {out}"
    );
    assert!(
        !out.contains("4539 1578 3021 7451") && !out.contains("nordmail"),
        "{out}"
    );
}
