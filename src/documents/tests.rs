use super::*;

#[test]
fn codes_are_typed_back_as_issued() {
    let code = new_code();
    assert_eq!(code.len(), 12);
    assert_eq!(normalise_code(&grouped(&code).to_lowercase()), Some(code));
    assert_eq!(
        normalise_code("ABCD-EFGH-IJKL"),
        None,
        "I and L are not used"
    );
    assert_eq!(normalise_code("short"), None);
}

#[test]
fn kinds_round_trip() {
    for kind in Kind::ALL {
        assert_eq!(Kind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(Kind::parse("will"), None);
}
