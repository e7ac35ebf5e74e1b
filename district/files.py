"""Uploaded files: checked by size and content (not by name), stored outside static/ under random
names, served only after a permission check, always as downloads that no cache keeps
(Cache-Control: no-store), named with the extension of the type their content was checked to
be (a PNG uploaded as x.html is served as x.png). A stored file missing from UPLOAD_DIR answers
404 with a page that says so, and the audit log records it for the admin."""

import hashlib
import secrets
from pathlib import Path

import filetype
from flask import current_app, render_template, request, send_file
from werkzeug.utils import secure_filename

from . import audit
from .db import database
from .i18n import gettext as _
from .models import StoredFile
from .text import clean

# What each kind accepts, by the MIME type that `filetype` reads from the content.
KINDS = {
    "pdf": {"application/pdf"},
    "docx": {"application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
    "xlsx": {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    "image": {"image/jpeg", "image/png", "image/webp", "image/heic"},
}


# The extension a download gets, by the type its content was checked to be.
EXTENSIONS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "image/heic": "heic",
    "text/csv": "csv",
}


class UploadError(ValueError):
    """A file refused; the message is translated and says why."""


def upload_dir():
    path = Path(current_app.config["UPLOAD_DIR"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def read_checked(file_storage, kinds, max_mb=None):
    """The bytes and MIME type of an upload if its content is one of `kinds`, else UploadError."""
    max_mb = max_mb or current_app.config["MAX_UPLOAD_MB"]
    data = file_storage.read(max_mb * 1024 * 1024 + 1)
    if not data:
        raise UploadError(_("Tệp %(name)s trống.", name=file_storage.filename or ""))
    if len(data) > max_mb * 1024 * 1024:
        raise UploadError(
            _("Tệp %(name)s lớn hơn %(mb)s MB.", name=file_storage.filename or "", mb=max_mb)
        )
    allowed = set().union(*(KINDS[k] for k in kinds))
    guess = filetype.guess(data)
    mime = guess.mime if guess else None
    if mime not in allowed:
        raise UploadError(
            _(
                "Tệp %(name)s không phải là %(kinds)s (kiểm tra theo nội dung, không theo tên).",
                name=file_storage.filename or "",
                kinds=", ".join(k.upper() for k in kinds),
            )
        )
    return data, mime


def store(file_storage, kinds, user, max_mb=None):
    """Check and keep one upload; returns its StoredFile row (call inside the service's
    transaction)."""
    data, mime = read_checked(file_storage, kinds, max_mb)
    return store_bytes(data, file_storage.filename or "file", mime, user)


def display_name(original_name):
    """The name shown and offered on download: no folders, no control characters, NFC."""
    name = Path((original_name or "").replace("\\", "/")).name
    name = "".join(ch for ch in clean(name) if ch.isprintable())
    return (name or secure_filename(original_name or "") or "file")[:255]


def store_bytes(data, original_name, mime, user):
    stored_name = secrets.token_hex(16)
    (upload_dir() / stored_name).write_bytes(data)
    return StoredFile.create(
        stored_name=stored_name,
        original_name=display_name(original_name),
        content_type=mime,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )


def download_name(stored):
    """The name offered on download: the name it was uploaded with, its extension replaced by
    the one of the type its content was checked to be."""
    name = stored.original_name or "file"
    extension = EXTENSIONS.get(stored.content_type)
    if not extension:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or not stem:
        stem = name
    return f"{stem}.{extension}"


def no_store(response):
    """No cache (browser, proxy) keeps a copy of this answer."""
    response.headers["Cache-Control"] = "no-store"
    response.headers.pop("Expires", None)
    return response


def send_stored(stored):
    """Serve a StoredFile as a download. The caller has already checked permission."""
    path = upload_dir() / stored.stored_name
    if not path.is_file():
        return _missing(stored)
    response = send_file(
        path,
        mimetype=stored.content_type,
        as_attachment=True,
        download_name=download_name(stored),
        conditional=False,
        etag=False,
        last_modified=None,
        max_age=None,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    return no_store(response)


def _missing(stored):
    """A stored file that is not in UPLOAD_DIR (lost disk, restore without the files): the user
    is told plainly, the audit log keeps it for the admin."""
    current_app.logger.error("stored file %s (%s) missing from %s", stored.id,
                             stored.stored_name, upload_dir())
    with database.atomic():
        audit.record("file.missing", target=stored,
                     details={"name": stored.original_name, "path": request.path})
    page = render_template("errors/error.html", error={
        "code": 404,
        "title": _("Tệp không còn trên máy chủ"),
        "text": _("Tệp “%(name)s” có trong hệ thống nhưng không còn trong kho lưu trữ. Sự việc "
                  "đã được ghi vào nhật ký để quản trị hệ thống khôi phục tệp từ bản sao lưu; "
                  "vui lòng thử lại sau hoặc liên hệ quản trị hệ thống.",
                  name=download_name(stored)),
    })
    return no_store(current_app.make_response((page, 404)))
