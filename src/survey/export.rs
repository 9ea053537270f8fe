//! The survey workbook for one ward (rust_xlsxwriter).

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{DataValidation, Format, Workbook, XlsxError};

use super::{current, Answer, CODES_SHEET, FIELDS, KEY_COLUMNS, README_SHEET, SHEET};
use crate::index::SearchIndex;
use crate::model::{Day, WardCode};

#[derive(Clone, Debug, PartialEq)]
pub struct ExportSummary {
    pub ward: String,
    pub facilities: usize,
    pub path: PathBuf,
}

/// Writes the survey workbook of `ward` to `out`.
pub fn export(
    index: &SearchIndex,
    ward: WardCode,
    out: &Path,
    today: Day,
) -> Result<ExportSummary, XlsxError> {
    let name = index.regions.full_name(ward);
    let facilities = index.facilities_in(ward);
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let answer = Format::new().set_unlocked().set_background_color("#FFF8DC");

    let sheet = book.add_worksheet();
    sheet.set_name(SHEET)?;
    let mut col: u16 = 0;
    for h in KEY_COLUMNS {
        sheet.write_string_with_format(0, col, h, &bold)?;
        col += 1;
    }
    for f in &FIELDS {
        sheet.write_string_with_format(0, col, format!("現在: {}", f.header), &bold)?;
        sheet.write_string_with_format(0, col + 1, f.header, &bold)?;
        col += 2;
    }
    for (i, f) in facilities.iter().enumerate() {
        let row = i as u32 + 1;
        let kinds: Vec<&str> = f.kinds.iter().map(|k| k.label()).collect();
        let key = [
            f.id.0.clone(),
            ward.to_string(),
            f.name.clone(),
            f.address.clone(),
            kinds.join("・"),
        ];
        for (c, v) in key.iter().enumerate() {
            sheet.write_string(row, c as u16, v)?;
        }
        let mut col = KEY_COLUMNS.len() as u16;
        for field in &FIELDS {
            let (value, source) = current(f, field.target);
            let shown = match (value.is_empty(), source.is_empty()) {
                (true, _) => String::new(),
                (false, true) => value,
                (false, false) => format!("{value}（{source}）"),
            };
            sheet.write_string(row, col, &shown)?;
            sheet.write_blank(row, col + 1, &answer)?;
            col += 2;
        }
    }
    let last = facilities.len().max(1) as u32;
    let mut col = KEY_COLUMNS.len() as u16;
    for field in &FIELDS {
        let choices = field.answer.choices();
        if !choices.is_empty() {
            let dv = DataValidation::new()
                .allow_list_strings(choices)?
                .set_error_message(format!(
                    "{} のいずれかを選んでください。",
                    choices.join(" / ")
                ))?;
            sheet.add_data_validation(1, col + 1, last, col + 1, &dv)?;
        }
        sheet.set_column_width(col, 14)?;
        sheet.set_column_width(col + 1, if field.answer == Answer::Text { 24 } else { 10 })?;
        col += 2;
    }
    sheet.set_column_width(2, 28)?;
    sheet.set_column_width(3, 32)?;
    sheet.set_freeze_panes(1, 3)?;
    // Key columns and current values stay as exported: only the answers can be typed in.
    sheet.protect();

    let readme = book.add_worksheet();
    readme.set_name(README_SHEET)?;
    let lines = [
        ("区", name.clone()),
        ("区コード", ward.to_string()),
        ("出力日", today.to_string()),
        ("出典", format!("{}（索引の作成: {}）", index.meta.dataset, index.meta.built_day())),
        ("施設数", facilities.len().to_string()),
        ("記入する欄", "黄色の欄だけです。ID・名称などの欄と「現在:」の欄は変更できません。".into()),
        ("選択肢", "○ / × / 不明 などは各欄のリストから選びます（「コード」シートに一覧）。".into()),
        ("確認日", "その行の回答を確認した日（YYYY-MM-DD）。未来の日付は受け付けません。".into()),
        ("受入状況", "受入可 / 要相談 / 停止中。確認日から既定の日数（通常 90 日）または有効期限を過ぎると「要確認」と表示されます。".into()),
        ("取り込み", format!("zaitaku survey import {name}.xlsx で内容を確認し、--apply で反映します。")),
    ];
    readme.write_string_with_format(0, 0, format!("{name} 在宅医療・介護資源調査票"), &bold)?;
    for (i, (k, v)) in lines.iter().enumerate() {
        readme.write_string_with_format(i as u32 + 2, 0, *k, &bold)?;
        readme.write_string(i as u32 + 2, 1, v)?;
    }
    readme.set_column_width(0, 14)?;
    readme.set_column_width(1, 90)?;

    let codes = book.add_worksheet();
    codes.set_name(CODES_SHEET)?;
    codes.write_string_with_format(0, 0, "項目", &bold)?;
    codes.write_string_with_format(0, 1, "使える値", &bold)?;
    for (i, f) in FIELDS.iter().enumerate() {
        let allowed = match f.answer {
            Answer::Date => "YYYY-MM-DD（例: 2026-12-01）".to_string(),
            Answer::Text => "自由記述".to_string(),
            a => a.choices().join(" / "),
        };
        codes.write_string(i as u32 + 1, 0, f.header)?;
        codes.write_string(i as u32 + 1, 1, &allowed)?;
    }
    codes.set_column_width(0, 16)?;
    codes.set_column_width(1, 40)?;

    book.save(out)?;
    Ok(ExportSummary {
        ward: name,
        facilities: facilities.len(),
        path: out.to_path_buf(),
    })
}
