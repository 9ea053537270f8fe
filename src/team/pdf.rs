//! The referral sheet as a one-page A4 PDF, drawn here with a Japanese TrueType font
//! embedded as a subset (only the glyphs the sheet uses), with a ToUnicode map so that its
//! text can be searched and copied. The type shrinks until the sheet fits one page.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, TextRenderingMode, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};

use super::sheet::Sheet;

/// A4 in points.
pub const A4: (f32, f32) = (595.28, 841.89);
const MARGIN: f32 = 36.0;
/// Fonts tried when none is configured: IPAゴシック (Debian's fonts-ipafont-gothic, which
/// `scripts/setup.sh` installs) and the Debian alternative that usually points at it.
pub const FONT_PATHS: [&str; 2] = [
    "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
    "/usr/share/fonts/truetype/fonts-japanese-gothic.ttf",
];

#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("no Japanese TrueType font for the PDF: install fonts-ipafont-gothic (scripts/setup.sh) or set ZAITAKU_PDF_FONT (tried {0})")]
    NoFont(String),
    #[error("font {path}: {problem}")]
    BadFont { path: PathBuf, problem: String },
}

/// A TrueType font read once, for every sheet.
pub struct SheetFont {
    data: Vec<u8>,
    path: PathBuf,
}

impl SheetFont {
    /// `ZAITAKU_PDF_FONT` if set, else the first of [`FONT_PATHS`] that exists.
    pub fn find() -> Result<Self, PdfError> {
        let candidates: Vec<PathBuf> = match std::env::var_os("ZAITAKU_PDF_FONT") {
            Some(p) => vec![PathBuf::from(p)],
            None => FONT_PATHS.iter().map(PathBuf::from).collect(),
        };
        let found = candidates.iter().find(|p| p.is_file()).ok_or_else(|| {
            PdfError::NoFont(
                candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )
        })?;
        Self::open(found)
    }

    pub fn open(path: &Path) -> Result<Self, PdfError> {
        let bad = |problem: String| PdfError::BadFont {
            path: path.to_path_buf(),
            problem,
        };
        let data = std::fs::read(path).map_err(|e| bad(e.to_string()))?;
        let face = ttf_parser::Face::parse(&data, 0).map_err(|e| bad(e.to_string()))?;
        if face.glyph_index('在').is_none() {
            return Err(bad("has no Japanese glyphs".into()));
        }
        if face.tables().glyf.is_none() {
            return Err(bad(
                "is not a TrueType (glyf) font; use IPAゴシック (fonts-ipafont-gothic)".into(),
            ));
        }
        Ok(Self {
            data,
            path: path.to_path_buf(),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// One thing drawn on the page.
enum Op {
    Text {
        x: f32,
        y: f32,
        size: f32,
        bold: bool,
        text: String,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

/// Lays out text top to bottom, wrapping by glyph widths.
struct Layout<'f> {
    face: &'f ttf_parser::Face<'f>,
    ops: Vec<Op>,
    /// The baseline of the next line, from the page's bottom.
    y: f32,
}

impl Layout<'_> {
    fn width(&self, s: &str, size: f32) -> f32 {
        let upem = self.face.units_per_em() as f32;
        s.chars()
            .map(|ch| {
                let gid = self.face.glyph_index(ch).unwrap_or(ttf_parser::GlyphId(0));
                self.face.glyph_hor_advance(gid).unwrap_or(0) as f32 * size / upem
            })
            .sum()
    }

    /// Breaks `s` into lines at most `w` wide (any character may end a line, as in
    /// Japanese; a line does not start with 、。）).
    fn wrap(&self, s: &str, size: f32, w: f32) -> Vec<String> {
        let mut lines = vec![String::new()];
        for ch in s.chars() {
            let line = lines.last_mut().expect("one line at least");
            let mut next = line.clone();
            next.push(ch);
            let closing = matches!(ch, '、' | '。' | '）' | ')' | '・' | '，');
            if self.width(&next, size) > w && !line.is_empty() && !closing {
                lines.push(ch.to_string());
            } else {
                *line = next;
            }
        }
        lines
    }

    /// Writes `s` at `x`, wrapped to `w`, and moves down.
    fn para(&mut self, x: f32, w: f32, size: f32, bold: bool, s: &str) {
        for line in self.wrap(s, size, w) {
            self.y -= size * 1.3;
            self.ops.push(Op::Text {
                x,
                y: self.y + size * 0.25,
                size,
                bold,
                text: line,
            });
        }
    }
}

/// Draws the sheet at body size `body`; returns the ops and whether it fits on the page.
fn lay_out<'f>(face: &'f ttf_parser::Face<'f>, sheet: &Sheet, body: f32) -> (Vec<Op>, bool) {
    let (pw, ph) = A4;
    let inner = pw - 2.0 * MARGIN;
    let mut l = Layout {
        face,
        ops: Vec::new(),
        y: ph - MARGIN,
    };
    l.para(MARGIN, inner, body * 1.6, true, &sheet.title);
    l.para(
        MARGIN,
        inner,
        body,
        false,
        &format!("作成日: {}　対象地域: {}", sheet.today, sheet.area),
    );
    if let Some(scene) = &sheet.scene {
        l.para(MARGIN, inner, body, false, &format!("場面: {scene}"));
    }
    // The patient's name: a box left blank for the hand.
    l.y -= 6.0;
    let box_h = body * 2.6;
    l.ops.push(Op::Rect {
        x: MARGIN,
        y: l.y - box_h,
        w: inner,
        h: box_h,
        width: 1.2,
    });
    l.ops.push(Op::Text {
        x: MARGIN + 6.0,
        y: l.y - body * 1.2,
        size: body * 0.9,
        bold: false,
        text: "患者氏名（手書きで記入）".into(),
    });
    l.y -= box_h + 8.0;
    // Two facilities a row, each in its box.
    let (pad, gap) = (5.0, 8.0);
    let col = (inner - gap) / 2.0;
    for (r, row) in sheet.entries.chunks(2).enumerate() {
        let top = l.y;
        let mut bottom = top;
        for (c, e) in row.iter().enumerate() {
            let left = MARGIN + c as f32 * (col + gap);
            let (x, w) = (left + pad, col - 2.0 * pad);
            l.y = top - 2.0;
            l.para(
                x,
                w,
                body * 1.15,
                true,
                &format!("{}. 【{}】{}", r * 2 + c + 1, e.role, e.name),
            );
            l.para(
                x,
                w,
                body,
                false,
                &format!("{}　距離 {}", e.kind, e.distance),
            );
            l.para(
                x,
                w,
                body,
                false,
                &format!("新規受入 {}　確認日 {}", e.accepting, e.checked),
            );
            l.para(x, w, body, false, &format!("住所 {}", e.address));
            l.para(x, w, body * 1.1, true, &format!("電話 {}", e.phone));
            l.para(x, w, body * 1.1, true, &format!("FAX {}", e.fax));
            if let Some(contact) = &e.contact {
                l.para(x, w, body, false, &format!("連絡先 {contact}"));
            }
            l.para(x, w, body, false, &format!("理由 {}", e.reason));
            if !e.lacks.is_empty() {
                l.para(x, w, body, false, &format!("不足 {}", e.lacks.join("・")));
            }
            bottom = bottom.min(l.y - pad);
        }
        for c in 0..row.len() {
            l.ops.push(Op::Rect {
                x: MARGIN + c as f32 * (col + gap),
                y: bottom,
                w: col,
                h: top - bottom,
                width: 0.8,
            });
        }
        l.y = bottom - gap;
    }
    l.para(MARGIN, inner, body * 0.85, false, &sheet.footer());
    l.para(
        MARGIN,
        inner,
        body * 0.85,
        false,
        "このシートは検索のたびに作成され、保存されません。患者の住所・氏名は記録しません。",
    );
    let fits = l.y >= MARGIN * 0.5;
    (l.ops, fits)
}

/// The sheet as a one-page A4 PDF.
pub fn render(sheet: &Sheet, font: &SheetFont) -> Result<Vec<u8>, PdfError> {
    let bad = |problem: String| PdfError::BadFont {
        path: font.path.clone(),
        problem,
    };
    let face = ttf_parser::Face::parse(&font.data, 0).map_err(|e| bad(e.to_string()))?;
    // Large type for the fax, smaller only as far as one page needs.
    let mut body = 11.0;
    let ops = loop {
        let (ops, fits) = lay_out(&face, sheet, body);
        if fits || body <= 6.0 {
            break ops;
        }
        body -= 0.5;
    };

    // The glyphs used, renumbered for the subset; the codes on the page are the new ids.
    let mut remapper = subsetter::GlyphRemapper::new();
    let mut to_unicode: BTreeMap<u16, char> = BTreeMap::new();
    let mut encode = |text: &str| -> Vec<u8> {
        let mut out = Vec::with_capacity(text.len() * 2);
        for ch in text.chars() {
            let gid = face.glyph_index(ch).map_or(0, |g| g.0);
            let new = remapper.remap(gid);
            if gid != 0 {
                to_unicode.entry(new).or_insert(ch);
            }
            out.extend_from_slice(&new.to_be_bytes());
        }
        out
    };
    let mut content = Content::new();
    content.set_fill_gray(0.0).set_stroke_gray(0.0);
    for op in &ops {
        match op {
            Op::Rect { x, y, w, h, width } => {
                content.set_line_width(*width).rect(*x, *y, *w, *h).stroke();
            }
            Op::Text {
                x,
                y,
                size,
                bold,
                text,
            } => {
                content.begin_text();
                if *bold {
                    // One weight in the font: a thin stroke thickens it.
                    content
                        .set_line_width(size * 0.03)
                        .set_text_rendering_mode(TextRenderingMode::FillStroke);
                } else {
                    content.set_text_rendering_mode(TextRenderingMode::Fill);
                }
                content
                    .set_font(Name(b"F1"), *size)
                    .next_line(*x, *y)
                    .show(Str(&encode(text)))
                    .end_text();
            }
        }
    }
    let content = content.finish();
    let subset = subsetter::subset(&font.data, 0, &remapper)
        .map_err(|e| bad(format!("cannot subset: {e:?}")))?;

    let upem = face.units_per_em() as f32;
    let scale = |v: f32| v * 1000.0 / upem;
    let widths: Vec<f32> = remapper
        .remapped_gids()
        .map(|old| {
            scale(
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0) as f32,
            )
        })
        .collect();

    let ids = Ids::new();
    let mut pdf = Pdf::new();
    pdf.catalog(ids.catalog).pages(ids.pages);
    pdf.pages(ids.pages).kids([ids.page]).count(1);
    let mut page = pdf.page(ids.page);
    page.media_box(Rect::new(0.0, 0.0, A4.0, A4.1))
        .parent(ids.pages)
        .contents(ids.content);
    page.resources().fonts().pair(Name(b"F1"), ids.font);
    page.finish();
    pdf.document_info(ids.info)
        .title(pdf_writer::TextStr(&sheet.title))
        .producer(pdf_writer::TextStr("zaitaku"));

    let base = format!("ZTKSUB+{}", postscript_name(&face));
    let system = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(ids.font)
        .base_font(Name(base.as_bytes()))
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(ids.cid)
        .to_unicode(ids.cmap);
    let mut cid = pdf.cid_font(ids.cid);
    cid.subtype(CidFontType::Type2)
        .base_font(Name(base.as_bytes()))
        .system_info(system)
        .font_descriptor(ids.descriptor)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();
    let bbox = face.global_bounding_box();
    pdf.font_descriptor(ids.descriptor)
        .name(Name(base.as_bytes()))
        .flags(FontFlags::SYMBOLIC)
        .bbox(Rect::new(
            scale(bbox.x_min as f32),
            scale(bbox.y_min as f32),
            scale(bbox.x_max as f32),
            scale(bbox.y_max as f32),
        ))
        .italic_angle(0.0)
        .ascent(scale(face.ascender() as f32))
        .descent(scale(face.descender() as f32))
        .cap_height(scale(
            face.capital_height().unwrap_or(face.ascender()) as f32
        ))
        .stem_v(80.0)
        .font_file2(ids.file);
    let packed = deflate(&subset);
    pdf.stream(ids.file, &packed)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);
    let mut cmap = UnicodeCmap::new(Name(b"Custom"), system);
    for (gid, ch) in &to_unicode {
        cmap.pair(*gid, *ch);
    }
    let cmap = cmap.finish();
    pdf.cmap(ids.cmap, &cmap);
    let packed = deflate(&content);
    pdf.stream(ids.content, &packed).filter(Filter::FlateDecode);
    Ok(pdf.finish())
}

struct Ids {
    catalog: Ref,
    pages: Ref,
    page: Ref,
    content: Ref,
    font: Ref,
    cid: Ref,
    descriptor: Ref,
    file: Ref,
    cmap: Ref,
    info: Ref,
}

impl Ids {
    fn new() -> Self {
        let mut n = (1..).map(Ref::new);
        let mut next = || n.next().expect("endless");
        Ids {
            catalog: next(),
            pages: next(),
            page: next(),
            content: next(),
            font: next(),
            cid: next(),
            descriptor: next(),
            file: next(),
            cmap: next(),
            info: next(),
        }
    }
}

/// The font's PostScript name, ASCII letters and digits only (a PDF name).
fn postscript_name(face: &ttf_parser::Face) -> String {
    let name = face
        .names()
        .into_iter()
        .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
        .find_map(|n| n.to_string())
        .unwrap_or_else(|| "JapaneseGothic".into());
    let clean: String = name
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if clean.is_empty() {
        "JapaneseGothic".into()
    } else {
        clean
    }
}

fn deflate(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("writing to memory");
    e.finish().expect("writing to memory")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::team::sheet::SheetEntry;

    fn sheet(n: usize) -> Sheet {
        let e = SheetEntry {
            role: "訪問診療医".into(),
            name: "テスト在宅クリニック".into(),
            kind: "診療所".into(),
            address: "大阪府大阪市北区梅田1丁目1-1 テストビル3階".into(),
            phone: "06-0000-0000".into(),
            fax: "06-0000-0001".into(),
            contact: Some("地域連携室 山田".into()),
            reason: "訪問診療医／急変時の対応：往診・24時間対応（届出）".into(),
            lacks: vec!["看取り".into()],
            distance: "1.2 km".into(),
            accepting: "受入可".into(),
            checked: "2026-11-01".into(),
        };
        Sheet {
            title: "在宅療養 紹介用シート".into(),
            area: "大阪市北区 梅田一丁目 付近".into(),
            scene: Some("急変時の対応".into()),
            entries: vec![e; n],
            today: "2026-12-06".into(),
            data_date: "2026-12-01".into(),
            sources: vec!["demo".into()],
        }
    }

    fn font() -> Option<SheetFont> {
        match SheetFont::find() {
            Ok(f) => Some(f),
            Err(e) if std::env::var("CI").as_deref() == Ok("true") => panic!("{e}"),
            Err(e) => {
                eprintln!("skipping: {e}");
                None
            }
        }
    }

    #[test]
    fn eight_entries_fit_one_page_in_readable_type() {
        let Some(font) = font() else { return };
        let face = ttf_parser::Face::parse(&font.data, 0).unwrap();
        let s = sheet(8);
        // The largest size that fits is what render uses: no smaller than 9 pt for 8.
        let fits_at = (0..10)
            .map(|k| 11.0 - 0.5 * k as f32)
            .find(|b| lay_out(&face, &s, *b).1)
            .expect("eight entries fit at some size");
        assert!(fits_at >= 9.0, "eight entries need {fits_at} pt");
        assert!(
            lay_out(&face, &sheet(6), 10.5).1,
            "six entries in large type"
        );
        assert!(lay_out(&face, &sheet(1), 11.0).1);
        // Far more than a page shrinks, and the check says it would not fit at 11 pt.
        assert!(!lay_out(&face, &sheet(30), 11.0).1);
    }

    #[test]
    fn the_pdf_embeds_a_subset_and_maps_glyphs_back_to_text() {
        let Some(font) = font() else { return };
        let pdf = render(&sheet(2), &font).unwrap();
        assert!(pdf.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/FontFile2"));
        assert!(text.contains("/ToUnicode"));
        assert!(text.contains("/MediaBox [0 0 595.28 841.89]"), "A4");
        // A subset, not the 6 MB font.
        assert!(pdf.len() < 400_000, "{} bytes", pdf.len());
    }

    #[test]
    fn wrapping_keeps_closing_marks_on_the_line() {
        let Some(font) = font() else { return };
        let face = ttf_parser::Face::parse(&font.data, 0).unwrap();
        let l = Layout {
            face: &face,
            ops: vec![],
            y: 0.0,
        };
        let lines = l.wrap("あいうえお、かきくけこ。", 10.0, 50.0);
        assert!(lines
            .iter()
            .all(|s| !s.starts_with('、') && !s.starts_with('。')));
        assert_eq!(lines.concat(), "あいうえお、かきくけこ。");
        assert!(lines.len() >= 2);
    }
}
