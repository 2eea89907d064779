//! `src/db/schema.rs` is kept by hand; this holds it against the migrated database, so a
//! migration that adds, drops, renames or retypes a column without the schema following it
//! (or the other way round) fails here rather than at the first query that touches it.

use std::collections::BTreeMap;

use crate::harness::TestApp;

/// One column as diesel's `table!` says it: name, SQL type, nullable.
type Columns = Vec<(String, String, bool)>;

/// The tables of `schema.rs`: name → (primary key, columns in order).
fn declared() -> BTreeMap<String, (Vec<String>, Columns)> {
    let text = include_str!("../../src/db/schema.rs");
    let mut tables = BTreeMap::new();
    for block in text.split("diesel::table! {").skip(1) {
        let body = block.split("\n}").next().unwrap();
        let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
        let head = lines.next().unwrap();
        let (name, rest) = head.split_once(" (").unwrap();
        let key = rest
            .trim_end_matches(" {")
            .trim_end_matches(')')
            .split(", ")
            .map(str::to_owned)
            .collect();
        let columns = lines
            .filter_map(|l| l.split_once(" -> "))
            .map(|(col, ty)| {
                let ty = ty.trim_end_matches(',');
                match ty.strip_prefix("Nullable<") {
                    Some(inner) => (col.to_owned(), inner.trim_end_matches('>').to_owned(), true),
                    None => (col.to_owned(), ty.to_owned(), false),
                }
            })
            .collect();
        tables.insert(name.to_owned(), (key, columns));
    }
    tables
}

/// Diesel's name for a PostgreSQL type, as `print-schema` writes it.
fn diesel_type(udt: &str) -> String {
    match udt {
        "uuid" => "Uuid".into(),
        "text" => "Text".into(),
        "int2" => "Int2".into(),
        "int4" => "Int4".into(),
        "int8" => "Int8".into(),
        "bool" => "Bool".into(),
        "date" => "Date".into(),
        "timestamptz" => "Timestamptz".into(),
        "jsonb" => "Jsonb".into(),
        "bytea" => "Bytea".into(),
        "numeric" => "Numeric".into(),
        other => match other.strip_prefix('_') {
            Some(inner) => format!("Array<{}>", diesel_type(inner)),
            None => format!("unknown type {other}"),
        },
    }
}

#[tokio::test]
async fn schema_rs_matches_the_migrated_database() {
    let app = TestApp::spawn().await;
    let (db, conn) = tokio_postgres::connect(&app.config.database_url, tokio_postgres::NoTls)
        .await
        .unwrap();
    tokio::spawn(conn);
    let rows = db
        .query(
            "SELECT c.table_name::text, c.column_name::text, c.udt_name::text, c.is_nullable = 'YES'
               FROM information_schema.columns c
               JOIN information_schema.tables t USING (table_schema, table_name)
              WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
                AND c.table_name <> '__diesel_schema_migrations'
              ORDER BY c.table_name, c.ordinal_position",
            &[],
        )
        .await
        .unwrap();
    let mut actual: BTreeMap<String, Columns> = BTreeMap::new();
    for r in rows {
        let ty: String = r.get(2);
        actual
            .entry(r.get(0))
            .or_default()
            .push((r.get(1), diesel_type(&ty), r.get(3)));
    }
    let keys = db
        .query(
            "SELECT tc.table_name::text, k.column_name::text
               FROM information_schema.table_constraints tc
               JOIN information_schema.key_column_usage k USING (constraint_schema, constraint_name, table_name)
              WHERE tc.table_schema = 'public' AND tc.constraint_type = 'PRIMARY KEY'
              ORDER BY tc.table_name, k.ordinal_position",
            &[],
        )
        .await
        .unwrap();
    let mut primary: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in keys {
        primary.entry(r.get(0)).or_default().push(r.get(1));
    }

    let declared = declared();
    assert!(declared.len() > 20, "schema.rs was not read: {declared:?}");
    let mut problems = Vec::new();
    for (table, columns) in &actual {
        match declared.get(table) {
            None => problems.push(format!("{table}: in the database, not in schema.rs")),
            Some((key, declared_columns)) => {
                if declared_columns != columns {
                    problems.push(format!(
                        "{table}: schema.rs says {declared_columns:?}\n  the database has {columns:?}"
                    ));
                }
                if primary.get(table) != Some(key) {
                    problems.push(format!(
                        "{table}: primary key {key:?} in schema.rs, {:?} in the database",
                        primary.get(table)
                    ));
                }
            }
        }
    }
    for table in declared.keys().filter(|t| !actual.contains_key(*t)) {
        problems.push(format!("{table}: in schema.rs, not in the database"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The index retention reads names the engine's final statuses in SQL: a status added to the
/// engine and not to the index would leave retention with no index to read.
#[tokio::test]
async fn the_index_of_cases_to_purge_holds_exactly_the_final_statuses() {
    let app = TestApp::spawn().await;
    let definition: String = app
        .sql()
        .await
        .query_one(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'cases_to_purge'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    for status in fengqiao::workflow::Status::ALL {
        assert_eq!(
            definition.contains(&format!("'{}'", status.as_str())),
            status.is_final(),
            "{} in {definition}",
            status.as_str()
        );
    }
}
