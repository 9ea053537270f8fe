//! A filled survey workbook back in: every cell checked (errors name the cell), the
//! changes against the current data, and the ward's overlay file written atomically.

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::{current, role_word, Answer, Target, FIELDS, KEY_COLUMNS, README_SHEET, SHEET};
use crate::index::SearchIndex;
use crate::model::{Accepting, Capability, Day, Facility, Kind, WardCode};
use crate::table::{column_letters, read_sheet, ImportError, ImportErrors};

/// One answered row of the sheet.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SurveyRow {
    /// The sheet's row number (1-based, as Excel shows it).
    pub row: u32,
    pub id: String,
    pub name: String,
    pub medical: bool,
    pub wheelchair: Option<bool>,
    pub pediatric: Option<bool>,
    pub capabilities: Vec<(Capability, bool)>,
    /// 入院対応 / 往診対応; empty for ×.
    pub roles: Option<Vec<String>>,
    /// 空床あり / 満床; `Some(None)` for なし.
    pub backup_beds: Option<Option<String>>,
    pub accepting: Option<Accepting>,
    pub confirmed: Option<Day>,
    pub until: Option<Day>,
    pub notes: Option<String>,
    pub surveyor: Option<String>,
}

/// A checked survey of one ward.
#[derive(Clone, Debug, PartialEq)]
pub struct Survey {
    pub ward: WardCode,
    pub path: PathBuf,
    /// The rows with at least one answer.
    pub rows: Vec<SurveyRow>,
}

/// One change the survey makes to a facility.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub id: String,
    pub name: String,
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let what = match (self.before.is_empty(), self.after.is_empty()) {
            (true, _) => "追加",
            (false, true) => "削除",
            (false, false) => "変更",
        };
        write!(
            f,
            "{} {}: {} {what}: 「{}」→「{}」",
            self.id, self.name, self.field, self.before, self.after
        )
    }
}

/// Reads and checks the survey workbook at `path` against `index`. Any error, and nothing
/// is returned: a sheet is applied whole or not at all.
pub fn read(path: &Path, index: &SearchIndex, today: Day) -> Result<Survey, ImportErrors> {
    let readme = read_sheet(path, README_SHEET)?;
    let ward = (0..readme.rows.len())
        .find(|&r| readme.get(r, 0) == "区コード")
        .and_then(|r| readme.get(r, 1).parse::<u32>().ok())
        .map(WardCode)
        .filter(|w| index.regions.get(*w).is_some())
        .ok_or_else(|| {
            ImportError {
                sheet: Some(README_SHEET.into()),
                ..ImportError::file(
                    path,
                    "no 区コード of this index in the 説明 sheet: is this a sheet from `zaitaku survey export`?",
                )
            }
        })?;
    let sheet = read_sheet(path, SHEET)?;
    let at = |row: usize, col: usize, reason: String| ImportError {
        sheet: Some(SHEET.into()),
        line: Some(row as u64 + 1),
        column: Some((col + 1, header_at(col))),
        ..ImportError::file(path, reason)
    };
    let mut errors = Vec::new();
    // The header, exactly as exported: a moved or renamed column would put answers in the
    // wrong field.
    for (col, want) in expected_header().iter().enumerate() {
        let got = sheet.get(0, col);
        if got != want {
            errors.push(at(
                0,
                col,
                format!(
                    "見出しが「{got}」ですが「{want}」のはずです（列を移動・削除しないでください）"
                ),
            ));
        }
    }
    for &(r, c) in &sheet.formulas {
        errors.push(at(
            r as usize,
            c as usize,
            "数式は使えません。値を入力してください".into(),
        ));
    }
    for &(r, c) in &sheet.merged {
        errors.push(at(
            r as usize,
            c as usize,
            "結合されたセルは使えません。結合を解除してください".into(),
        ));
    }
    if !errors.is_empty() {
        return Err(ImportErrors(errors));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut rows = Vec::new();
    for r in 1..sheet.rows.len() {
        let id = sheet.get(r, 0);
        if (0..sheet.rows[r].len()).all(|c| sheet.get(r, c).is_empty()) {
            continue;
        }
        let Some(ord) = index.find(id) else {
            errors.push(at(r, 0, format!("ID「{id}」の施設はこの索引にありません")));
            continue;
        };
        let f = index.facility(ord);
        if f.ward_code != Some(ward) {
            errors.push(at(
                r,
                0,
                format!(
                    "ID「{id}」は{}の施設です。この調査票は{}のものです",
                    f.ward_code
                        .map(|w| index.regions.full_name(w))
                        .unwrap_or_default(),
                    index.regions.full_name(ward)
                ),
            ));
            continue;
        }
        if let Some(first) = seen.insert(id.to_string(), r) {
            errors.push(at(
                r,
                0,
                format!(
                    "ID「{id}」の行が2つあります（{} 行目と {} 行目）",
                    first + 1,
                    r + 1
                ),
            ));
            continue;
        }
        match parse_row(&sheet, r, &f, today) {
            Ok(Some(row)) => rows.push(row),
            Ok(None) => {}
            Err(cell_errors) => errors.extend(
                cell_errors
                    .into_iter()
                    .map(|(col, reason)| at(r, col, reason)),
            ),
        }
    }
    if errors.is_empty() {
        Ok(Survey {
            ward,
            path: path.to_path_buf(),
            rows,
        })
    } else {
        Err(ImportErrors(errors))
    }
}

/// The survey sheet's header row.
fn expected_header() -> Vec<String> {
    let mut h: Vec<String> = KEY_COLUMNS.iter().map(|s| s.to_string()).collect();
    for f in &FIELDS {
        h.push(format!("現在: {}", f.header));
        h.push(f.header.to_string());
    }
    h
}

fn header_at(col: usize) -> String {
    expected_header()
        .get(col)
        .cloned()
        .unwrap_or_else(|| column_letters(col + 1))
}

/// Column of the answer of `FIELDS[i]`.
fn answer_col(i: usize) -> usize {
    KEY_COLUMNS.len() + 2 * i + 1
}

/// The answers of row `r`; `None` when it has none. Errors are (column, reason).
fn parse_row(
    sheet: &crate::table::SheetCells,
    r: usize,
    f: &Facility,
    today: Day,
) -> Result<Option<SurveyRow>, Vec<(usize, String)>> {
    let mut out = SurveyRow {
        row: r as u32 + 1,
        id: f.id.0.clone(),
        name: f.name.clone(),
        medical: f.kinds.iter().any(|k| {
            matches!(
                k,
                Kind::Hospital | Kind::Clinic | Kind::DentalClinic | Kind::Pharmacy
            )
        }),
        ..SurveyRow::default()
    };
    let mut errors = Vec::new();
    let mut answered = false;
    for (i, field) in FIELDS.iter().enumerate() {
        let col = answer_col(i);
        let v = sheet.get(r, col);
        if v.is_empty() {
            continue;
        }
        let choices = field.answer.choices();
        let wrong = || {
            format!(
                "「{v}」は {} のいずれかで入力してください",
                choices.join(" / ")
            )
        };
        let mark = || match v {
            "○" | "〇" => Ok(Some(true)),
            "×" | "✕" => Ok(Some(false)),
            "不明" => Ok(None),
            _ => Err(wrong()),
        };
        let result: Result<(), String> = match (field.answer, field.target) {
            (Answer::Mark, Target::Wheelchair) => mark().map(|m| out.wheelchair = m),
            (Answer::Mark, Target::Pediatric) => mark().map(|m| out.pediatric = m),
            (Answer::Mark, Target::Capability(c)) => mark().map(|m| {
                if let Some(b) = m {
                    out.capabilities.push((c, b));
                }
            }),
            (Answer::Role, _) => match v {
                "入院対応" | "往診対応" => Ok(vec![v.to_string()]),
                "両方" => Ok(vec!["入院対応".into(), "往診対応".into()]),
                "×" | "✕" => Ok(Vec::new()),
                _ => Err(wrong()),
            }
            .map(|r| out.roles = Some(r)),
            (Answer::Beds, _) => match v {
                "空床あり" | "満床" => Ok(Some(Some(v.to_string()))),
                "なし" => Ok(Some(None)),
                "不明" => Ok(None),
                _ => Err(wrong()),
            }
            .map(|b| out.backup_beds = b),
            (Answer::Accepting, _) => match v {
                "受入可" => Ok(Accepting::Yes),
                "要相談" => Ok(Accepting::Consult),
                "停止中" => Ok(Accepting::No),
                "不明" => Ok(Accepting::Unknown),
                _ => Err(wrong()),
            }
            .map(|a| out.accepting = Some(a)),
            (Answer::Date, target) => match Day::parse(&v.replace('/', "-")) {
                Some(d) if target == Target::Confirmed && d > today => {
                    Err(format!("確認日 {d} は未来の日付です（今日は {today}）"))
                }
                Some(d) => {
                    if target == Target::Confirmed {
                        out.confirmed = Some(d);
                    } else {
                        out.until = Some(d);
                    }
                    Ok(())
                }
                None => Err(format!("「{v}」は日付ではありません（YYYY-MM-DD）")),
            },
            (_, Target::Notes) => {
                out.notes = Some(v.to_string());
                Ok(())
            }
            (_, Target::Surveyor) => {
                out.surveyor = Some(v.to_string());
                Ok(())
            }
            _ => Ok(()),
        };
        match result {
            Ok(()) => answered |= !matches!(field.target, Target::Surveyor),
            Err(e) => errors.push((col, e)),
        }
    }
    let confirmed_col = answer_col(
        FIELDS
            .iter()
            .position(|f| f.target == Target::Confirmed)
            .unwrap_or(0),
    );
    if answered && out.confirmed.is_none() && errors.is_empty() {
        errors.push((confirmed_col, "回答には確認日を入力してください".into()));
    }
    if let (Some(c), Some(u)) = (out.confirmed, out.until) {
        if u < c {
            errors.push((
                answer_col(
                    FIELDS
                        .iter()
                        .position(|f| f.target == Target::Until)
                        .unwrap_or(0),
                ),
                format!("有効期限 {u} が確認日 {c} より前です"),
            ));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(answered.then_some(out))
}

/// What applying `survey` would change, facility by facility.
pub fn diff(survey: &Survey, index: &SearchIndex) -> Vec<Change> {
    let mut out = Vec::new();
    for row in &survey.rows {
        let Some(ord) = index.find(&row.id) else {
            continue;
        };
        let f = index.facility(ord);
        let mark = |b: bool| if b { "○" } else { "×" }.to_string();
        for field in &FIELDS {
            let after = match field.target {
                Target::Wheelchair => row.wheelchair.map(mark),
                Target::Pediatric => row.pediatric.map(mark),
                Target::Capability(c) => row
                    .capabilities
                    .iter()
                    .find(|(x, _)| *x == c)
                    .map(|(_, b)| mark(*b)),
                Target::ActiveRole => row.roles.as_ref().map(|r| match role_word(r) {
                    "" => "×".to_string(),
                    w => w.to_string(),
                }),
                Target::Accepting => row.accepting.map(|a| accepting_word(a).to_string()),
                Target::BackupBeds => row
                    .backup_beds
                    .as_ref()
                    .map(|b| b.clone().unwrap_or_else(|| "なし".into())),
                Target::Confirmed => row.confirmed.map(|d| d.to_string()),
                Target::Until => row.until.map(|d| d.to_string()),
                Target::Notes => row.notes.clone(),
                Target::Surveyor => None,
            };
            let Some(after) = after else { continue };
            let before = current(&f, field.target).0;
            if before != after {
                out.push(Change {
                    id: row.id.clone(),
                    name: row.name.clone(),
                    field: field.header,
                    before,
                    after,
                });
            }
        }
    }
    out
}

fn accepting_word(a: Accepting) -> &'static str {
    match a {
        Accepting::Yes => "受入可",
        Accepting::Consult => "要相談",
        Accepting::No => "停止中",
        Accepting::Unknown => "不明",
    }
}

/// The overlay file's columns, in order.
fn overlay_header() -> Vec<String> {
    let mut h: Vec<String> = ["医療機関コード", "事業所番号", "名称", "車いす", "小児"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for f in &FIELDS {
        if let Target::Capability(c) = f.target {
            h.push(c.label().to_string());
        }
    }
    for s in [
        Capability::ActiveRole.label(),
        "積極的医療機関の類型",
        "後方病床",
        "新規受入",
        "更新日",
        "有効期限",
        "備考",
        "出典",
    ] {
        h.push(s.to_string());
    }
    h
}

fn overlay_record(row: &SurveyRow, ward_name: &str) -> Vec<String> {
    let mark = crate::model::mark_word;
    let mut rec = vec![
        if row.medical {
            row.id.clone()
        } else {
            String::new()
        },
        if row.medical {
            String::new()
        } else {
            row.id.clone()
        },
        row.name.clone(),
        mark(row.wheelchair).into(),
        mark(row.pediatric).into(),
    ];
    for f in &FIELDS {
        if let Target::Capability(c) = f.target {
            let v = row
                .capabilities
                .iter()
                .find(|(x, _)| *x == c)
                .map(|(_, b)| *b);
            rec.push(mark(v).into());
        }
    }
    rec.push(mark(row.roles.as_ref().map(|r| !r.is_empty())).into());
    rec.push(row.roles.as_ref().map(|r| r.join("・")).unwrap_or_default());
    rec.push(match &row.backup_beds {
        Some(Some(v)) => v.clone(),
        Some(None) => "なし".into(),
        None => String::new(),
    });
    rec.push(row.accepting.map(accepting_word).unwrap_or_default().into());
    rec.push(row.confirmed.map(|d| d.to_string()).unwrap_or_default());
    rec.push(row.until.map(|d| d.to_string()).unwrap_or_default());
    rec.push(row.notes.clone().unwrap_or_default());
    rec.push(match &row.surveyor {
        Some(s) => format!("{ward_name} 在宅医療資源調査（{s}）"),
        None => format!("{ward_name} 在宅医療資源調査"),
    });
    rec
}

/// Writes the survey into `dir/<ward>.csv`: its rows replace the rows of the same
/// facilities, the others stay. The file is written whole to a temporary name and renamed
/// (a crash leaves the old file), under `dir/.lock` (a second import at once fails
/// clearly). Returns the file and how many rows it has.
pub fn apply(
    survey: &Survey,
    dir: &Path,
    ward_name: &str,
) -> Result<(PathBuf, usize), ImportError> {
    fs::create_dir_all(dir).map_err(|e| ImportError::file(dir, format!("cannot create: {e}")))?;
    let lock_path = dir.join(".lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .map_err(|e| ImportError::file(&lock_path, format!("cannot open: {e}")))?;
    if lock.try_lock().is_err() {
        return Err(ImportError::file(
            &lock_path,
            "another survey import is writing this dataset's overlay; try again when it has finished",
        ));
    }
    let path = dir.join(format!("{}.csv", survey.ward));
    let header = overlay_header();
    let mut kept: BTreeMap<String, Vec<String>> = BTreeMap::new();
    if path.exists() {
        let mut rd = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(&path)
            .map_err(|e| ImportError::file(&path, format!("cannot read: {e}")))?;
        for rec in rd.records() {
            let rec = rec.map_err(|e| ImportError::file(&path, format!("cannot read: {e}")))?;
            let key = [rec.get(0), rec.get(1)]
                .into_iter()
                .flatten()
                .find(|k| !k.trim().is_empty())
                .unwrap_or_default()
                .trim_start_matches('\u{feff}')
                .to_string();
            kept.insert(key, rec.iter().map(str::to_string).collect());
        }
    }
    for row in &survey.rows {
        kept.insert(row.id.clone(), overlay_record(row, ward_name));
    }
    let tmp = dir.join(format!(".{}.csv.tmp", survey.ward));
    let write = || -> std::io::Result<()> {
        let mut file = fs::File::create(&tmp)?;
        file.write_all("\u{feff}".as_bytes())?;
        let mut w = csv::Writer::from_writer(file);
        w.write_record(&header)?;
        for rec in kept.values() {
            w.write_record(rec)?;
        }
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        fs::rename(&tmp, &path)?;
        if let Ok(d) = fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    };
    write().map_err(|e| {
        let _ = fs::remove_file(&tmp);
        ImportError::file(&path, format!("cannot write: {e}"))
    })?;
    drop(lock);
    Ok((path, kept.len()))
}
