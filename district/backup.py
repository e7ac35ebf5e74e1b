"""One archive holds everything a deployment cannot lose: the database and the uploaded files.

`write_archive(target)` writes a tar.gz:

    manifest.json      what is inside (format, database kind, app version, time, file count)
    database.sqlite    SQLite: an online, consistent copy (sqlite3's backup API)
    database.dump      PostgreSQL: pg_dump's custom format (pg_restore reads it)
    uploads/<name>     every file of UPLOAD_DIR, under its stored (random) name

`restore_archive(source)` brings an instance back from it: the database replaced (the SQLite
file swapped in; PostgreSQL through pg_restore --clean), the files put back into UPLOAD_DIR,
then any migration newer than the backup applied. Stop the app before restoring.
"""

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

from flask import current_app

from . import db

FORMAT = 1
# A stored file's name in UPLOAD_DIR (files.store_bytes: 32 hex digits); nothing else is
# restored into it.
STORED_NAME = re.compile(r"[0-9a-f]{32}")


class BackupError(Exception):
    """The backup or restore cannot be done; the message says why and what to do."""


def _pg_tool(name):
    tool = shutil.which(name)
    if tool is None:
        raise BackupError(
            f"{name} is not installed: install the PostgreSQL client of the server's version "
            "(Debian: apt-get install postgresql-client), or follow the steps of "
            "docs/deployment.md (pg_dump, then copy UPLOAD_DIR)")
    return tool


def _run(command):
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise BackupError(f"{Path(command[0]).name} failed: {done.stderr.strip()[-2000:]}")


def _pg_url():
    """The database URL for the PostgreSQL tools (they know postgresql:// only)."""
    url = current_app.config["DATABASE_URL"]
    return "postgresql://" + url.split("://", 1)[1]


def _upload_files():
    folder = Path(current_app.config["UPLOAD_DIR"])
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_file() and STORED_NAME.fullmatch(p.name))


def write_archive(target):
    kind = "sqlite" if db.is_sqlite() else "postgresql"
    files = _upload_files()
    with tempfile.TemporaryDirectory() as tmp:
        if kind == "sqlite":
            dump = Path(tmp) / "database.sqlite"
            db.backup_sqlite(str(dump))
        else:
            dump = Path(tmp) / "database.dump"
            _run([_pg_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
                  f"--file={dump}", _pg_url()])
        manifest = {"format": FORMAT, "database": kind, "version": current_app.config["VERSION"],
                    "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    "files": len(files)}
        (Path(tmp) / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = Path(f"{target}.partial")
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(Path(tmp) / "manifest.json", arcname="manifest.json")
            archive.add(dump, arcname=dump.name)
            for path in files:
                archive.add(path, arcname=f"uploads/{path.name}")
        os.replace(partial, target)  # never a half-written archive under the final name
    return f"{kind} database, {len(files)} uploaded files"


def _members(archive):
    """The archive's members, checked: regular files under the names a backup writes."""
    members = {}
    for member in archive.getmembers():
        name = member.name
        folder, _slash, base = name.rpartition("/")
        allowed = (name in ("manifest.json", "database.sqlite", "database.dump")
                   or (folder == "uploads" and STORED_NAME.fullmatch(base)))
        if not (member.isfile() and allowed):
            raise BackupError(f"not a backup of this application: unexpected member {name!r}")
        members[name] = member
    if "manifest.json" not in members:
        raise BackupError("not a backup of this application: no manifest.json")
    return members


def restore_archive(source):
    try:
        archive = tarfile.open(source, "r:gz")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"cannot read {source}: {exc}") from exc
    with archive:
        members = _members(archive)
        manifest = json.load(archive.extractfile(members["manifest.json"]))
        kind = "sqlite" if db.is_sqlite() else "postgresql"
        if manifest.get("format") != FORMAT or manifest.get("database") != kind:
            raise BackupError(f"this backup holds a {manifest.get('database')} database; this "
                              f"instance uses {kind} (DATABASE_URL)")
        dump_name = "database.sqlite" if kind == "sqlite" else "database.dump"
        if dump_name not in members:
            raise BackupError(f"the archive has no {dump_name}")
        with tempfile.TemporaryDirectory() as tmp:
            dump = Path(tmp) / dump_name
            with archive.extractfile(members[dump_name]) as src, open(dump, "wb") as dst:
                shutil.copyfileobj(src, dst)
            if kind == "sqlite":
                _restore_sqlite(dump)
            else:
                _restore_postgresql(dump)
        folder = Path(current_app.config["UPLOAD_DIR"])
        folder.mkdir(parents=True, exist_ok=True)
        count = 0
        for name, member in members.items():
            if name.startswith("uploads/"):
                target = folder / name.rpartition("/")[2]
                with archive.extractfile(member) as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst)
                count += 1
    applied = db.migrate()
    return (f"{kind} database of {manifest.get('created')}, {count} uploaded files"
            + (f", migrations applied: {', '.join(applied)}" if applied else ""))


def _restore_sqlite(dump):
    """Swap the database file for the copy (written next to it, then renamed over it)."""
    path = Path(db.database.obj.database)
    db.disconnect_all()
    path.parent.mkdir(parents=True, exist_ok=True)
    incoming = path.with_name(path.name + ".restoring")
    db.copy_sqlite(str(dump), str(incoming))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    os.replace(incoming, path)


def _restore_postgresql(dump):
    db.disconnect_all()
    _run([_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--no-privileges",
          "--single-transaction", f"--dbname={_pg_url()}", str(dump)])
