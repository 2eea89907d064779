//! The direction of dependence in `src`, as `docs/ARCHITECTURE.md` draws it: each top-level
//! module names the modules it may use, the table has no cycle, and every `crate::` path in
//! the code keeps to it. Run alone with `cargo test --test app layers`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Module → the modules it may use. Anything not named here is above it or beside it.
const ALLOWED: &[(&str, &[&str])] = &[
    ("domain", &[]),
    ("counters", &[]),
    ("background", &["counters"]),
    ("bundle", &[]),
    ("workflow", &[]),
    ("documents", &["workflow", "domain"]),
    ("stats", &["workflow", "domain"]),
    ("crypto", &["domain"]),
    ("config", &["crypto", "domain"]),
    ("db", &["domain", "workflow", "stats", "crypto", "config"]),
    ("error", &["db"]),
    ("evidence", &["domain", "error"]),
    (
        "auth",
        &[
            "db", "domain", "workflow", "error", "crypto", "config", "counters",
        ],
    ),
    (
        "notify",
        &[
            "db",
            "auth",
            "workflow",
            "domain",
            "crypto",
            "config",
            "error",
            "counters",
            "background",
        ],
    ),
    (
        "services",
        &[
            "auth",
            "bundle",
            "config",
            "crypto",
            "db",
            "documents",
            "evidence",
            "notify",
        ],
    ),
    (
        "casework",
        &[
            "db",
            "auth",
            "workflow",
            "notify",
            "evidence",
            "stats",
            "domain",
            "error",
            "crypto",
            "config",
            "bundle",
            "documents",
            "likeness",
        ],
    ),
    (
        "accounts",
        &[
            "db", "auth", "notify", "workflow", "domain", "error", "crypto", "config", "services",
            "counters",
        ],
    ),
    (
        "jobs",
        &[
            "db",
            "workflow",
            "notify",
            "evidence",
            "stats",
            "domain",
            "config",
            "crypto",
            "likeness",
            "counters",
            "background",
        ],
    ),
    ("likeness", &[]),
    (
        "interop",
        &[
            "db",
            "auth",
            "notify",
            "domain",
            "error",
            "crypto",
            "counters",
            "background",
        ],
    ),
    ("telemetry", &["db", "counters"]),
    // The web layer reaches data through `casework` and `accounts`; `db` only for the pool it
    // holds (see `WEB_TO_DB`).
    (
        "routes",
        &[
            "casework",
            "accounts",
            "auth",
            "workflow",
            "domain",
            "error",
            "notify",
            "stats",
            "evidence",
            "services",
            "config",
            "crypto",
            "telemetry",
            "db",
            "documents",
            "interop",
            "counters",
        ],
    ),
    (
        "startup",
        &[
            "routes",
            "services",
            "auth",
            "config",
            "crypto",
            "db",
            "evidence",
            "notify",
            "telemetry",
            "bundle",
            "documents",
            "workflow",
        ],
    ),
    (
        "seed",
        &[
            "db", "auth", "casework", "accounts", "workflow", "evidence", "domain", "crypto",
            "config", "stats",
        ],
    ),
    (
        "cli",
        &[
            "accounts",
            "config",
            "crypto",
            "db",
            "evidence",
            "jobs",
            "notify",
            "seed",
            "startup",
            "stats",
            "casework",
            "workflow",
            "bundle",
            "interop",
            "background",
        ],
    ),
];

/// The only files of `routes` that may name `crate::db`.
const WEB_TO_DB: &[&str] = &["src/routes/state.rs"];

/// Modules that may write a query: `db`, and `seed`, which makes the demo county and the
/// benchmarks' synthetic province in bulk SQL of its own. Every other module asks `db`.
const MAY_QUERY: &[&str] = &["db", "seed"];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The first identifier of each item of a `crate::` path: `crate::db::cases` gives `db`,
/// `crate::{db::{self, Pool}, notify}` gives `db` and `notify`.
fn crate_paths(code: &str) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    let mut rest = code;
    while let Some(at) = rest.find("crate::") {
        let before = rest[..at].chars().last();
        rest = &rest[at + "crate::".len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue; // `fengqiao_crate::` and the like
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item_start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => {
                        rest = &group[i..];
                        break;
                    }
                    '}' => depth -= 1,
                    ',' if depth == 0 => item_start = true,
                    c if item_start && (c.is_alphanumeric() || c == '_') => {
                        let name: String = group[i..]
                            .chars()
                            .take_while(|c| c.is_alphanumeric() || *c == '_')
                            .collect();
                        found.insert(name);
                        item_start = false;
                    }
                    _ => {}
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            found.insert(name);
        }
    }
    found
}

#[test]
fn no_module_uses_one_above_it() {
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(m, deps)| (*m, deps.iter().copied().collect()))
        .collect();
    // The table itself runs one way: no module can reach itself through it.
    for start in allowed.keys() {
        let mut seen = BTreeSet::new();
        let mut todo: Vec<&str> = allowed[start].iter().copied().collect();
        while let Some(m) = todo.pop() {
            assert_ne!(m, *start, "the table has a cycle through {start}");
            if seen.insert(m) {
                todo.extend(allowed.get(m).into_iter().flatten().copied());
            }
        }
    }

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut problems = Vec::new();
    let mut modules = BTreeSet::new();
    for path in &files {
        let relative = path
            .strip_prefix(root)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        let first = relative
            .trim_start_matches("src/")
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_owned();
        if matches!(first.as_str(), "main" | "lib") {
            continue;
        }
        modules.insert(first.clone());
        let Some(may) = allowed.get(first.as_str()) else {
            problems.push(format!("{relative}: module {first} is not in the table"));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for used in crate_paths(&code) {
            if used == first {
                continue;
            }
            if !may.contains(used.as_str()) {
                problems.push(format!(
                    "{relative}: {first} uses {used}, which is not below it"
                ));
            }
            if first == "routes" && used == "db" && !WEB_TO_DB.contains(&relative.as_str()) {
                problems.push(format!(
                    "{relative}: a handler reads the database directly; go through casework or accounts"
                ));
            }
        }
        if !MAY_QUERY.contains(&first.as_str())
            && ["RunQueryDsl", "db::schema", "sql_query"]
                .iter()
                .any(|q| code.contains(q))
        {
            problems.push(format!("{relative}: a query outside db"));
        }
    }
    assert!(modules.len() > 15, "src was not read: {modules:?}");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_path_reader_sees_grouped_and_plain_paths() {
    let seen = crate_paths(
        "use crate::{config::Config, db::{self, Pool}, seed};\nlet x = crate::notify::enqueue();",
    );
    let expected: BTreeSet<String> = ["config", "db", "seed", "notify"]
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(seen, expected);
}

/// A page's POST handler gets its form only through `Submitted` (or, for a multipart upload,
/// `SubmittedWithQueryToken`), which checks the CSRF token before the handler runs.
#[test]
fn pages_take_forms_only_through_submitted() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/routes/pages");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut problems = Vec::new();
    for path in files.iter().filter(|p| !p.ends_with("submitted.rs")) {
        let text = std::fs::read_to_string(path).unwrap();
        for handler in text.split("pub async fn ").skip(1) {
            let params = handler.split(") ->").next().unwrap_or("");
            let name = handler.split('(').next().unwrap_or("");
            if params.contains("web::Form<") {
                problems.push(format!("{}: {name} takes a bare web::Form", path.display()));
            }
            if params.contains("Multipart") && !params.contains("SubmittedWithQueryToken") {
                problems.push(format!(
                    "{}: {name} takes an upload without its token",
                    path.display()
                ));
            }
        }
    }
    assert!(files.len() > 10, "the pages were not read");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
