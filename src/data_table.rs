//! The compiled-in tables of `data/` (scenes, team roles, coverage metrics, kanji variants):
//! plain CSV without quoting, `#` comment lines, one header line, blank lines skipped. Every
//! parser reads its rows through [`rows`], so each says what is wrong the same way:
//! `data/NAME.csv:LINE: what`.

/// One row: its cells, trimmed, and where it is.
pub struct Row<'a, const N: usize> {
    pub cells: [&'a str; N],
    file: &'static str,
    line: usize,
}

impl<const N: usize> Row<'_, N> {
    /// `e` at this row: `data/scenes.csv:12: e`.
    pub fn error(&self, e: impl std::fmt::Display) -> String {
        format!("{}:{}: {e}", self.file, self.line)
    }
}

/// The rows of `text` (the table `file`), each of exactly `N` cells; the header must have
/// `N` columns too.
pub fn rows<'a, const N: usize>(
    file: &'static str,
    text: &'a str,
) -> impl Iterator<Item = Result<Row<'a, N>, String>> + 'a {
    let mut header = true;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .filter_map(move |(n, line)| {
            let cells: Vec<&str> = line.split(',').map(str::trim).collect();
            let got = cells.len();
            let at = |what: &str| format!("{file}:{}: {got} {what}, {N} expected", n + 1);
            if std::mem::take(&mut header) {
                return (got != N).then(|| Err(at("columns in the header")));
            }
            Some(
                <[&str; N]>::try_from(cells)
                    .map(|cells| Row {
                        cells,
                        file,
                        line: n + 1,
                    })
                    .map_err(|_| at("cells")),
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_skip_comments_blanks_and_the_header_and_name_their_line() {
        let text = "# a comment\na,b\n\n 1 , 2 \n3,4,5\n";
        let got: Vec<Result<[&str; 2], String>> = rows::<2>("data/t.csv", text)
            .map(|r| r.map(|r| r.cells))
            .collect();
        assert_eq!(got[0], Ok(["1", "2"]));
        assert_eq!(got[1], Err("data/t.csv:5: 3 cells, 2 expected".into()));
        assert_eq!(got.len(), 2);
        let bad: Vec<_> = rows::<3>("data/t.csv", "a,b\n1,2,3\n").collect();
        assert_eq!(
            bad[0].as_ref().err().map(String::as_str),
            Some("data/t.csv:1: 2 columns in the header, 3 expected")
        );
        let row = rows::<2>("data/t.csv", text).next().unwrap().unwrap();
        assert_eq!(row.error("x"), "data/t.csv:4: x");
    }
}
