//! Issue 17, crawlable pages: one server-rendered page per facility, readable without
//! JavaScript, and the sitemap that lists them, on a real server.

use crate::support::demo;
use crate::support::server::Server;

#[test]
fn facility_pages_and_the_sitemap() {
    let server = Server::start(demo::dir(), &demo::dir().join("index/demo"));
    let index = zaitaku::SearchIndex::open(&demo::dir().join("index/demo")).unwrap();
    // A clinic with 届出 capabilities: each is on its page with where it comes from.
    let ord = (0..index.len() as u32)
        .find(|o| !index.facility(*o).capability_claims.is_empty())
        .unwrap();
    let f = index.facility(ord);
    let (status, html) = server.get(&format!("/f/{}", f.id.0));
    assert_eq!(status, 200, "{html}");
    assert!(html.contains(&format!("<h1>{}</h1>", f.name)), "{html}");
    assert!(html.contains(&f.address));
    for c in &f.capabilities {
        assert!(html.contains(c.label()), "{}", c.label());
    }
    let claim = &f.capability_claims[0];
    assert!(html.contains(&claim.provenance()), "{html}");
    assert!(
        html.contains(&format!("sel={}", f.id.0)),
        "a link into the map"
    );
    assert!(!html.contains("<script"), "readable without JavaScript");
    assert!(html.contains(&format!("<link rel=\"canonical\" href=\"/f/{}\">", f.id.0)));
    let (status, _) = server.get("/f/no-such-facility");
    assert_eq!(status, 404);

    let (status, xml) = server.get("/sitemap.xml");
    assert_eq!(status, 200);
    assert!(xml.starts_with("<?xml"));
    assert_eq!(xml.matches("<url>").count(), index.len());
    assert!(xml.contains(&format!("/f/{}</loc>", f.id.0)));
    let (status, robots) = server.get("/robots.txt");
    assert_eq!(status, 200);
    assert!(robots.contains("Sitemap: http://127.0.0.1:"), "{robots}");
    // A demo of 5,810 facilities needs no index of parts: there is no part 2.
    assert_eq!(server.get("/sitemaps/sitemap-2.xml").0, 404);
    let (status, part) = server.get("/sitemaps/sitemap-1.xml");
    assert_eq!(status, 200);
    assert_eq!(part.matches("<url>").count(), index.len());
}

#[test]
fn page_paths_encode_ids() {
    assert_eq!(zaitaku::api::page_path("DEMO-C01"), "/f/DEMO-C01");
    assert_eq!(zaitaku::api::page_path("a b/c"), "/f/a%20b%2Fc");
}
