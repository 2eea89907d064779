#![expect(
    clippy::unwrap_used,
    reason = "a test fails loudly on the first thing that goes wrong"
)]

use std::io::{Read, Write};

use super::*;

fn key(seed: u8) -> BundleKey {
    BundleKey::new("test", [seed; 32])
}

fn bundle(dir: &Path, evidence: &[u8]) -> PathBuf {
    let file = dir.join("evidence.bin");
    std::fs::write(&file, evidence).unwrap();
    let out = dir.join("bundle.zip");
    write(
        &out,
        vec![
            Part::Bytes {
                path: "record.json".into(),
                bytes: br#"{"number":"330681-2026-000001"}"#.to_vec(),
            },
            Part::File {
                path: "evidence/photo.jpg".into(),
                from: file,
            },
        ],
        "330681-2026-000001",
        "2026-11-29T00:00:00Z",
        &key(1),
    )
    .unwrap();
    out
}

/// The bundle with one entry's bytes replaced (or the entry dropped with `None`).
fn rewrite(from: &Path, to: &Path, name: &str, bytes: Option<&[u8]>) {
    let mut zin = zip::ZipArchive::new(std::fs::File::open(from).unwrap()).unwrap();
    let mut zout = ZipWriter::new(std::fs::File::create(to).unwrap());
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let entry = f.name().to_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if entry == name {
            match bytes {
                None => continue,
                Some(b) => content = b.to_vec(),
            }
        }
        zout.start_file(entry, options()).unwrap();
        zout.write_all(&content).unwrap();
    }
    zout.finish().unwrap();
}

#[test]
fn a_whole_bundle_verifies_and_each_tampering_is_named() {
    let dir = std::env::temp_dir().join(format!("fq-bundle-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = bundle(&dir, b"the photo's bytes");
    assert_eq!(verify(&good, &key(1).public()), vec![]);

    let changed = dir.join("changed.zip");
    rewrite(
        &good,
        &changed,
        "evidence/photo.jpg",
        Some(b"the photo's bytez"),
    );
    assert_eq!(
        verify(&changed, &key(1).public()),
        vec![Failure::Changed("evidence/photo.jpg".into())]
    );

    let removed = dir.join("removed.zip");
    rewrite(&good, &removed, "evidence/photo.jpg", None);
    assert_eq!(
        verify(&removed, &key(1).public()),
        vec![Failure::Missing("evidence/photo.jpg".into())]
    );

    let mut manifest = Vec::new();
    zip::ZipArchive::new(std::fs::File::open(&good).unwrap())
        .unwrap()
        .by_name("manifest.json")
        .unwrap()
        .read_to_end(&mut manifest)
        .unwrap();
    let edited_bytes = String::from_utf8(manifest)
        .unwrap()
        .replace("330681-2026-000001", "330681-2026-000002");
    let edited = dir.join("edited.zip");
    rewrite(
        &good,
        &edited,
        "manifest.json",
        Some(edited_bytes.as_bytes()),
    );
    assert!(matches!(
        verify(&edited, &key(1).public()).as_slice(),
        [Failure::BadSignature(_)]
    ));

    assert!(matches!(
        verify(&good, &key(2).public()).as_slice(),
        [Failure::WrongKey { .. }]
    ));
    let _ = std::fs::remove_dir_all(&dir);
}
