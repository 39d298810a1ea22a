"""Small files of every kind a draft upload may meet, made here rather than shipped."""

import io
import zipfile

ODT_MIMETYPE = "application/vnd.oasis.opendocument.text"


def pdf(text: str = "城市数字化转型 公共数据开放接口规范") -> bytes:
    body = f"BT /F1 12 Tf 72 712 Td ({text.encode('unicode_escape').decode()}) Tj ET"
    return (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\nstream\n" + body.encode() +
            b"\nendstream\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def _zip(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx(text: str = "5.2.1 接口应当使用 HTTPS。") -> bytes:
    return _zip({
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": f'<?xml version="1.0"?><w:document><w:t>{text}</w:t></w:document>'.encode(),
    })


def docm() -> bytes:
    return _zip({
        "[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>",
        "word/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro",
    })


def odt() -> bytes:
    return _zip({"mimetype": ODT_MIMETYPE.encode(), "content.xml": b"<office:document-content/>"})


def plain_zip() -> bytes:
    return _zip({"data.csv": b"a,b\n1,2\n"})


def markdown() -> bytes:
    return "# 公共数据开放接口规范\n\n## 5.2.1 传输\n\n接口应当使用 HTTPS。\n".encode()


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00" + b"\x00" * 200


def pe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"PE\x00\x00" + b"\x00" * 200
