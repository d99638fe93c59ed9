"""Checks of uploaded evidence files (photos, PDF scans, spreadsheets): the type is judged
by the file's first bytes as well as its name, so a renamed executable is refused."""

from django.conf import settings
from django.utils.translation import gettext as _

# extension → the bytes such a file starts with
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".xlsx": (b"PK\x03\x04",),
    ".docx": (b"PK\x03\x04",),
}


def evidence_error(upload) -> str | None:
    """Why an uploaded evidence file is refused, or None when it is acceptable."""
    name = (upload.name or "").lower()
    extension = name[name.rfind("."):] if "." in name else ""
    if extension not in SIGNATURES:
        return _("%(name)s: only PDF, JPEG, PNG, XLSX or DOCX files are accepted as evidence.") % {
            "name": upload.name}
    limit = settings.EVIDENCE_MAX_BYTES
    if upload.size > limit:
        return _("%(name)s is %(size).1f MB; evidence files may be at most %(max).1f MB.") % {
            "name": upload.name, "size": upload.size / 2**20, "max": limit / 2**20}
    if upload.size == 0:
        return _("%(name)s is empty.") % {"name": upload.name}
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(sig) for sig in SIGNATURES[extension]):
        return _("%(name)s is not really a %(ext)s file (its content does not match its name).") % {
            "name": upload.name, "ext": extension.lstrip(".").upper()}
    return None
