//! Migrations are compiled into the binary (`embed_migrations!`), so a new or edited migration
//! must rebuild it; cargo does not see files a macro reads unless told.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
