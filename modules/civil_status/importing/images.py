"""Scanned register pages: a zip kept with the batch in the commune's storage, from which the pages named by
the rows are copied, one stored file per page, when the acts are loaded."""

from __future__ import annotations

import os
import tempfile
import zipfile
from pathlib import Path, PurePosixPath

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from modules.civil_status.importing.reading import ImportRefused

MAX_PAGE_BYTES = 50 * 1024 * 1024


class PageArchive:
    """The zip of a batch, opened from storage for as long as the `with` block lasts."""

    def __init__(self, stored_name: str):
        self.stored_name = stored_name

    def __enter__(self) -> PageArchive:
        self._file = default_storage.open(self.stored_name, "rb")
        try:
            self._zip = zipfile.ZipFile(self._file)
        except zipfile.BadZipFile:
            self._file.close()
            raise ImportRefused([(0, "", _("The scanned pages must be sent as a zip file."))]) from None
        self._entries = {_entry_name(info.filename): info for info in self._zip.infolist() if not info.is_dir()}
        return self

    def __exit__(self, *exc) -> None:
        self._zip.close()
        self._file.close()

    def names(self) -> set[str]:
        return set(self._entries)

    def read(self, name: str) -> bytes:
        info = self._entries[name]
        if info.file_size > MAX_PAGE_BYTES:
            raise ImportRefused([(0, "image", _("“%(name)s” is larger than %(size)s MB.")
                                  % {"name": name, "size": MAX_PAGE_BYTES // (1024 * 1024)})])
        return self._zip.read(info)


def _entry_name(filename: str) -> str:
    return str(PurePosixPath(filename.replace("\\", "/")))


def store_pages(archive: PageArchive, names: set[str], *, batch_id: int) -> dict[str, str]:
    """Copy the named pages into storage; returns each page's stored name. On failure, removes what it wrote."""
    stored: dict[str, str] = {}
    try:
        for name in sorted(names):
            target = f"civil_status/pages/{batch_id}/{get_valid_filename(PurePosixPath(name).name)}"
            stored[name] = default_storage.save(target, ContentFile(archive.read(name)))
    except BaseException:
        remove_stored(stored.values())
        raise
    return stored


def remove_stored(names) -> None:
    for name in names:
        default_storage.delete(name)


def zip_directory(directory: Path) -> File:
    """The files of a folder (as the command is given them) packed in a temporary zip, names relative to it."""
    handle = tempfile.NamedTemporaryFile(suffix=".zip")  # noqa: SIM115 (closed by whoever stores it)
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as packed:
        for root, _dirs, files in os.walk(directory):
            for file_name in sorted(files):
                path = Path(root) / file_name
                packed.write(path, path.relative_to(directory).as_posix())
    handle.seek(0)
    return File(handle, name=f"{directory.name or 'pages'}.zip")
