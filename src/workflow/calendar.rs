//! The calendar people live by. Deadlines run in whole days and due days end at midnight where
//! the parties live, so the engine and everything that shows a time to a person reads the
//! same zone.

static LOCAL_ZONE: std::sync::OnceLock<chrono_tz::Tz> = std::sync::OnceLock::new();

/// The time zone people read times in (`TIME_ZONE`, Asia/Shanghai unless set): pages, mails,
/// texts, documents, due days, case-number years and the dashboard's days. One per deployment
/// (every county of the mainland keeps Beijing time); the API speaks RFC 3339 with an offset.
pub fn local_zone() -> chrono_tz::Tz {
    *LOCAL_ZONE.get_or_init(|| chrono_tz::Asia::Shanghai)
}

/// Sets the zone for this process, once at start (later calls change nothing).
pub fn install_local_zone(zone: chrono_tz::Tz) {
    let _ = LOCAL_ZONE.set(zone);
}
