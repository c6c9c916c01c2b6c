//! A small PDF writer for the demo whitepapers: A4 pages of Helvetica text, nothing more. Real
//! whitepapers are uploaded; these let a fresh site (and its tests) serve real PDFs.

/// A PDF with `title` in large type and then `lines`, as many A4 pages as they need.
pub fn document(title: &str, lines: &[&str]) -> Vec<u8> {
    const PER_PAGE: usize = 40;
    let mut pages: Vec<String> = Vec::new();
    let mut first = true;
    for chunk in lines
        .chunks(PER_PAGE)
        .chain(lines.is_empty().then_some(&[][..]))
    {
        let mut stream = String::from("BT\n");
        if first {
            stream.push_str(&format!("/F1 20 Tf 56 780 Td ({}) Tj\n", escape(title)));
            stream.push_str("/F1 11 Tf 0 -36 Td\n");
            first = false;
        } else {
            stream.push_str("/F1 11 Tf 56 780 Td\n");
        }
        for line in chunk {
            stream.push_str(&format!("({}) Tj 0 -16 Td\n", escape(line)));
        }
        stream.push_str("ET\n");
        pages.push(stream);
    }
    // Objects: 1 catalog, 2 pages, 3 font, then a page and its content stream for each page.
    let mut objects: Vec<Vec<u8>> = Vec::new();
    objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
    let kids: Vec<String> = (0..pages.len())
        .map(|i| format!("{} 0 R", 4 + 2 * i))
        .collect();
    objects.push(
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            kids.join(" "),
            pages.len()
        )
        .into_bytes(),
    );
    objects.push(
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
            .to_vec(),
    );
    for (i, stream) in pages.iter().enumerate() {
        let content = 5 + 2 * i;
        objects.push(
            format!(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents {content} 0 R >>"
            )
            .into_bytes(),
        );
        let bytes = win_ansi(stream);
        let mut object = format!("<< /Length {} >>\nstream\n", bytes.len()).into_bytes();
        object.extend_from_slice(&bytes);
        object.extend_from_slice(b"\nendstream");
        objects.push(object);
    }
    let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
    let mut offsets = Vec::new();
    for (i, object) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A text for a PDF string: `(`, `)` and `\` escaped.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '(' | ')' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The text as WinAnsi bytes (Latin-1 covers German), anything else as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_is_a_pdf_with_a_consistent_cross_reference() {
        let lines: Vec<String> = (0..90)
            .map(|i| format!("Line {i} (with parentheses) über"))
            .collect();
        let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
        let pdf = document("Rust für (alle)", &refs);
        assert!(pdf.starts_with(b"%PDF-1.4"));
        assert!(pdf.ends_with(b"%%EOF\n"));
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("/Count 3"), "90 lines make three pages");
        // Each offset in the table points at its object.
        let xref_at: usize = text
            .rsplit("startxref\n")
            .next()
            .unwrap()
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let table = String::from_utf8(pdf[xref_at..].to_vec()).expect("the table is ASCII");
        for (i, line) in table
            .lines()
            .skip(3)
            .take_while(|l| l.ends_with(" n "))
            .enumerate()
        {
            let offset: usize = line[..10].parse().unwrap();
            assert!(
                pdf[offset..].starts_with(format!("{} 0 obj", i + 1).as_bytes()),
                "object {}",
                i + 1
            );
        }
        assert!(text.contains("(Line 0 \\(with parentheses\\)"));
    }
}
