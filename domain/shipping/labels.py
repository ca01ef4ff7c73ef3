"""Label files written by hand: ZPL II for 4x6 in thermal printers, and a one-page PDF."""

from __future__ import annotations

from dataclasses import dataclass

from domain.addresses import Address


@dataclass(frozen=True, kw_only=True)
class LabelContent:
    """What a label shows."""

    carrier_name: str
    service: str
    tracking_number: str
    ship_from: Address
    ship_to: Address
    weight_grams: int


def address_lines(address: Address) -> list[str]:
    """The address as printed, one line per row, empty parts left out."""
    city_line = " ".join(
        part for part in (address.city, address.region, address.postal_code) if part
    )
    lines = [address.name, address.company, address.line1, address.line2, city_line]
    return [line for line in lines if line] + [address.country]


def zpl_field(text: str) -> str:
    """Field data escaped for ^FH: `_`, `^`, `~` and control characters as `_XX` hex."""
    out = []
    for char in text:
        if char in "_^~" or ord(char) < 32:
            out.append(f"_{ord(char):02X}")
        else:
            out.append(char)
    return "".join(out)


def render_zpl(content: LabelContent) -> bytes:
    """A 4x6 in label at 203 dpi (812x1218 dots) with a Code 128 barcode of the tracking number."""
    commands = ["^XA", "^CI28", "^PW812", "^LL1218", "^LH0,0"]

    def text(x: int, y: int, size: int, value: str) -> None:
        # truncated so that a long line cannot run off the 4 in width
        value = value[: 1400 // size]
        commands.append(f"^FO{x},{y}^A0N,{size},{size}^FH^FD{zpl_field(value)}^FS")

    text(40, 40, 28, "FROM:")
    for row, line in enumerate(address_lines(content.ship_from)):
        text(40, 75 + row * 30, 26, line)
    commands.append("^FO30,300^GB752,4,4^FS")
    text(40, 325, 34, "SHIP TO:")
    for row, line in enumerate(address_lines(content.ship_to)):
        text(60, 370 + row * 45, 40, line)
    commands.append("^FO30,700^GB752,4,4^FS")
    text(40, 725, 50, f"{content.carrier_name.upper()} {content.service.upper()}")
    text(40, 790, 30, f"WEIGHT: {content.weight_grams / 1000:.2f} KG")
    commands.append(f"^FO60,860^BY2^BCN,200,Y,N,N^FD{zpl_field(content.tracking_number)}^FS")
    commands.append("^XZ")
    return ("\n".join(commands) + "\n").encode("utf-8")


def pdf_text(text: str) -> str:
    """A PDF literal string body, in WinAnsi, with `\\`, `(` and `)` escaped."""
    latin = text.encode("cp1252", errors="replace").decode("cp1252")
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def render_pdf(content: LabelContent) -> bytes:
    """A one-page 4x6 in (288x432 pt) PDF showing the label's text, tracking number large."""
    rows: list[tuple[int, str]] = [(9, "FROM:")]
    rows += [(9, line) for line in address_lines(content.ship_from)]
    rows += [(12, ""), (12, "SHIP TO:")]
    rows += [(14, line) for line in address_lines(content.ship_to)]
    rows += [(12, ""), (16, f"{content.carrier_name.upper()} {content.service.upper()}")]
    rows += [(10, f"Weight: {content.weight_grams / 1000:.2f} kg"), (12, "")]
    rows += [(10, "TRACKING NUMBER"), (18, content.tracking_number)]
    stream_lines = ["BT", "/F1 10 Tf", "18 410 Td"]
    for size, line in rows:
        stream_lines += [f"/F1 {size} Tf", f"0 -{size + 4} Td", f"({pdf_text(line)}) Tj"]
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("cp1252")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 288 432] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    return write_pdf(objects)


def write_pdf(objects: list[bytes]) -> bytes:
    """A PDF file of numbered objects (1..n, the first the catalog) with an exact xref table."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)
