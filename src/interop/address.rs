//! Where a webhook may go. In production only `https`, and never to an address inside the
//! service's own network (loopback, private, link-local, carrier-grade NAT, unique-local,
//! multicast, unspecified): a county admin's typo or a hostile entry must not make the server
//! call its own database or metadata service (SSRF). The name is resolved again before each
//! delivery and the request goes to the address that was checked.

use std::net::{IpAddr, SocketAddr};

use reqwest::Url;

/// A target that passed the checks: the URL and the address to connect to.
#[derive(Debug, Clone)]
pub struct Target {
    pub url: Url,
    pub host: String,
    pub addr: SocketAddr,
}

/// Checks the form of a URL (at registration and before each delivery).
pub fn parse(url: &str, production: bool) -> Result<Url, String> {
    let parsed = Url::parse(url.trim()).map_err(|_| "The url is not a web address.".to_owned())?;
    match parsed.scheme() {
        "https" => {}
        "http" if !production => {}
        "http" => return Err("The url must start with https:// in production.".into()),
        _ => return Err("The url must start with https://.".into()),
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("The url has no host.".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err("The url may not carry a user name or password.".into());
    }
    Ok(parsed)
}

/// Whether an address is inside a private, local or special network.
pub fn is_internal(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_documentation()
                || (a == 100 && (64..128).contains(&b))
                || a == 0
                || a >= 240
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_internal(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
        }
    }
}

/// Resolves the URL's host and picks an address the service may call.
pub async fn resolve(url: &str, production: bool) -> Result<Target, String> {
    let url = parse(url, production)?;
    let host = url.host_str().unwrap_or_default().to_owned();
    let port = url.port_or_known_default().unwrap_or(443);
    let bare = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_owned();
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((bare.as_str(), port))
        .await
        .map_err(|_| format!("The host {host} cannot be found."))?
        .collect();
    let allowed = addrs
        .iter()
        .find(|a| !production || !is_internal(a.ip()))
        .copied();
    match allowed {
        Some(addr) if !production || addrs.iter().all(|a| !is_internal(a.ip())) => Ok(Target {
            url,
            host: bare,
            addr,
        }),
        _ if addrs.is_empty() => Err(format!("The host {host} cannot be found.")),
        _ => Err(format!(
            "The host {host} is inside a private or local network, which the service does not call."
        )),
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests fail loudly")]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_recognised() {
        for internal in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "fe80::1",
            "::ffff:10.0.0.1",
            "224.0.0.1",
        ] {
            assert!(is_internal(internal.parse().unwrap()), "{internal}");
        }
        for public in ["8.8.8.8", "114.114.114.114", "2400:3200::1"] {
            assert!(!is_internal(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn the_form_of_a_url_is_checked() {
        assert!(parse("https://grid.county.gov.cn/hooks/fq", true).is_ok());
        assert!(parse("http://grid.county.gov.cn/hooks", true).is_err());
        assert!(parse("http://127.0.0.1:9000/hooks", false).is_ok());
        assert!(parse("ftp://x.example/", false).is_err());
        assert!(parse("not a url", false).is_err());
        assert!(parse("https://user:pw@x.example/", false).is_err());
    }

    #[tokio::test]
    async fn production_refuses_a_private_target_and_development_allows_loopback() {
        let e = resolve("https://127.0.0.1:9/x", true).await.unwrap_err();
        assert!(e.contains("private or local"), "{e}");
        let e = resolve("https://[::1]:9/x", true).await.unwrap_err();
        assert!(e.contains("private or local"), "{e}");
        let t = resolve("http://127.0.0.1:9/x", false).await.unwrap();
        assert_eq!(t.addr.port(), 9);
    }
}
