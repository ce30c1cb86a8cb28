"""The booking code as a QR code, for the counter's scanner: SVG only, no image libraries."""

import segno


def qr_data_uri(text: str) -> str:
    """A `data:image/svg+xml` URI (the page's CSP allows `img-src data:`, not inline SVG
    scripts). Never a Micro QR: many counter scanners and phone apps cannot read those."""
    return segno.make(text, error="m", micro=False).svg_data_uri(scale=6, border=4)
