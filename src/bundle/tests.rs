use super::*;

fn key(seed: u8) -> BundleKey {
    BundleKey::new("test", [seed; 32])
}

fn bundle(dir: &Path, evidence: &[u8]) -> anyhow::Result<PathBuf> {
    let file = dir.join("evidence.bin");
    std::fs::write(&file, evidence)?;
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
    )?;
    Ok(out)
}

#[test]
fn a_whole_bundle_verifies_against_its_key_only() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("fq-bundle-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir)?;
    let good = bundle(&dir, b"the photo's bytes")?;
    assert_eq!(verify(&good, &key(1).public()), vec![]);

    // Each tampering is named by the app's test, through the real binary (tests/app/bundle.rs).
    assert!(matches!(
        verify(&good, &key(2).public()).as_slice(),
        [Failure::WrongKey { .. }]
    ));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}
