//! What an uploaded file is (sniffed from its bytes, never from its name), and making its renditions.
//! Everything here is blocking work: call it through `web::block`.
use std::io::Write;
use std::path::{Path, PathBuf};

use image::{GenericImageView, ImageFormat, ImageReader, Limits};

/// Widths of the resized copies made of an image wider than them.
pub const RENDITION_WIDTHS: [u32; 3] = [480, 960, 1600];
/// Images larger than this in either direction are refused (decompression bombs).
const MAX_DIMENSION: u32 = 12_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Jpeg,
    Png,
    Gif,
    WebP,
    Pdf,
}

impl Kind {
    /// The kind of a file from its first bytes.
    pub fn sniff(head: &[u8]) -> Option<Kind> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Kind::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Kind::Png)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Kind::Gif)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Kind::WebP)
        } else if head.starts_with(b"%PDF-") {
            Some(Kind::Pdf)
        } else {
            None
        }
    }

    pub fn extension(&self) -> &'static str {
        match self {
            Kind::Jpeg => "jpg",
            Kind::Png => "png",
            Kind::Gif => "gif",
            Kind::WebP => "webp",
            Kind::Pdf => "pdf",
        }
    }

    pub fn content_type(&self) -> &'static str {
        match self {
            Kind::Jpeg => "image/jpeg",
            Kind::Png => "image/png",
            Kind::Gif => "image/gif",
            Kind::WebP => "image/webp",
            Kind::Pdf => "application/pdf",
        }
    }

    pub fn is_image(&self) -> bool {
        !matches!(self, Kind::Pdf)
    }

    fn image_format(&self) -> Option<ImageFormat> {
        match self {
            Kind::Jpeg => Some(ImageFormat::Jpeg),
            Kind::Png => Some(ImageFormat::Png),
            Kind::Gif => Some(ImageFormat::Gif),
            Kind::WebP => Some(ImageFormat::WebP),
            Kind::Pdf => None,
        }
    }

    /// JPEGs stay JPEG; the others (transparency) become PNG renditions.
    pub fn rendition_extension(&self) -> &'static str {
        if *self == Kind::Jpeg { "jpg" } else { "png" }
    }
}

/// What processing found out about an uploaded image.
#[derive(Debug)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<u32>,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is not a JPEG, PNG, GIF, WebP image or a PDF")]
    UnknownType,
    #[error("the image could not be read: {0}")]
    BrokenImage(String),
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// Decodes the image at `path` (checking it really is one), and writes `{stem}-{width}.{ext}` copies for
/// every rendition width below its own.
pub fn process_image(
    path: &Path,
    kind: Kind,
    stem: &str,
    dir: &Path,
) -> Result<Processed, FileError> {
    let format = kind.image_format().ok_or(FileError::UnknownType)?;
    let mut reader = ImageReader::open(path)?;
    reader.set_format(format);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let image = reader
        .decode()
        .map_err(|e| FileError::BrokenImage(e.to_string()))?;
    let (width, height) = image.dimensions();
    let mut renditions = Vec::new();
    for target in RENDITION_WIDTHS.into_iter().filter(|w| *w < width) {
        let target_height =
            ((u64::from(height) * u64::from(target)) / u64::from(width)).max(1) as u32;
        let resized = image.resize(target, target_height, image::imageops::FilterType::Lanczos3);
        let out = dir.join(format!("{stem}-{target}.{}", kind.rendition_extension()));
        let saved = if kind == Kind::Jpeg {
            let file = std::io::BufWriter::new(std::fs::File::create(&out)?);
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(file, 82);
            resized.to_rgb8().write_with_encoder(encoder)
        } else {
            resized.save_with_format(&out, ImageFormat::Png)
        };
        saved.map_err(|e| FileError::BrokenImage(e.to_string()))?;
        renditions.push(target);
    }
    Ok(Processed {
        width,
        height,
        renditions,
    })
}

/// A new random file stem: 16 hex digits.
pub fn random_stem() -> std::io::Result<String> {
    let mut bytes = [0u8; 8];
    getrandom::fill(&mut bytes).map_err(|e| std::io::Error::other(e.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Writes `bytes` durably: a temporary file in the same folder, flushed to disk, then renamed.
pub fn write_durably(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp: PathBuf = path.with_extension("part");
    let mut file = std::fs::File::create(&tmp)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// Removes a media file and its renditions; missing files are fine.
pub fn remove_all(dir: &Path, file_name: &str) {
    let Some((stem, _)) = file_name.rsplit_once('.') else {
        return;
    };
    let _ = std::fs::remove_file(dir.join(file_name));
    for w in RENDITION_WIDTHS {
        for ext in ["jpg", "png"] {
            let _ = std::fs::remove_file(dir.join(format!("{stem}-{w}.{ext}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_sniffed_from_content_not_names() {
        assert_eq!(Kind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(Kind::Jpeg));
        assert_eq!(Kind::sniff(b"\x89PNG\r\n\x1a\n...."), Some(Kind::Png));
        assert_eq!(Kind::sniff(b"GIF89a.."), Some(Kind::Gif));
        assert_eq!(Kind::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Kind::WebP));
        assert_eq!(Kind::sniff(b"%PDF-1.7"), Some(Kind::Pdf));
        assert_eq!(Kind::sniff(b"MZ\x90\0 a Windows program"), None);
        assert_eq!(Kind::sniff(b"<svg xmlns="), None);
        assert_eq!(Kind::sniff(b""), None);
    }

    #[test]
    fn renditions_are_made_below_the_original_width() {
        let dir = tempfile::tempdir().unwrap();
        let img = image::RgbImage::from_fn(1000, 500, |x, y| {
            image::Rgb([(x % 255) as u8, (y % 255) as u8, 128])
        });
        let path = dir.path().join("orig.jpg");
        img.save_with_format(&path, ImageFormat::Jpeg).unwrap();
        let processed = process_image(&path, Kind::Jpeg, "abc", dir.path()).unwrap();
        assert_eq!((processed.width, processed.height), (1000, 500));
        assert_eq!(processed.renditions, vec![480, 960]);
        let small = image::open(dir.path().join("abc-480.jpg")).unwrap();
        assert_eq!(small.dimensions(), (480, 240));
    }

    #[test]
    fn a_file_that_only_looks_like_an_image_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("fake.png");
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot really a png at all").unwrap();
        assert!(matches!(
            process_image(&path, Kind::Png, "x", dir.path()),
            Err(FileError::BrokenImage(_))
        ));
    }
}
