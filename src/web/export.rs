//! CSV downloads for the admin (bookings, registrations): quoted by the `csv` crate, with a BOM so
//! spreadsheets read UTF-8, and every cell that a spreadsheet would run as a formula (`=`, `+`, `-`,
//! `@`, tab, carriage return at the start) prefixed with `'`.
use actix_web::HttpResponse;
use actix_web::http::header;

/// A cell as it is safe to open in a spreadsheet.
pub fn neutralised(value: &str) -> std::borrow::Cow<'_, str> {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}").into()
    } else {
        value.into()
    }
}

/// `rows` under `header` as a CSV file.
pub fn csv_text(header: &[&str], rows: &[Vec<String>]) -> anyhow::Result<String> {
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    writer.write_record(header)?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralised(cell).into_owned()))?;
    }
    let bytes = writer.into_inner().map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(format!("\u{feff}{}", String::from_utf8(bytes)?))
}

/// A download of `text` named `file_name`, never cached.
pub fn csv_download(file_name: &str, text: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        let rows = vec![vec![
            "plain".to_owned(),
            "a,b".to_owned(),
            "say \"hi\"".to_owned(),
            "=HYPERLINK(\"x\")".to_owned(),
            "+49 89 123".to_owned(),
            "line\nbreak".to_owned(),
            "Müller".to_owned(),
        ]];
        let text = csv_text(&["a", "b", "c", "d", "e", "f", "g"], &rows).unwrap();
        assert!(text.starts_with('\u{feff}'));
        let line = text.lines().nth(1).unwrap();
        assert!(
            line.starts_with(
                "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"x\"\")\",'+49 89 123,\"line"
            ),
            "{line}"
        );
        assert!(text.contains("Müller\r\n"));
    }
}
