"""Where cleaned photos live: content-addressed, behind a small protocol.

The id of a photo is the SHA-256 of its cleaned bytes, so the same photo
uploaded twice is stored once and an id cannot be guessed without the
photo. ``FileMediaStore`` keeps files on local disk (one volume per
deployment); an S3-compatible store implements the same three methods with
objects named the same way and the metadata as object metadata."""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import orjson

from tanggap.intake.domain.media import EXTENSIONS, CleanedImage

MEDIA_ID = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True, slots=True)
class StoredMedia:
    media_id: str
    content_type: str
    sha256: str
    width: int
    height: int
    size: int


class MediaStore(Protocol):
    async def put(self, image: CleanedImage) -> StoredMedia: ...

    async def stat(self, media_id: str) -> StoredMedia | None: ...

    async def read(self, media_id: str) -> tuple[StoredMedia, bytes] | None: ...


class FileMediaStore:
    """``<root>/ab/cd/<sha256>.<ext>`` plus ``<sha256>.json`` with its metadata.
    Writes go to a temporary file first and are renamed into place, so a
    reader never sees half a photo."""

    def __init__(self, root: Path) -> None:
        self._root = root

    async def put(self, image: CleanedImage) -> StoredMedia:
        return await asyncio.to_thread(self._put, image)

    async def stat(self, media_id: str) -> StoredMedia | None:
        if not MEDIA_ID.fullmatch(media_id):
            return None
        return await asyncio.to_thread(self._stat, media_id)

    async def read(self, media_id: str) -> tuple[StoredMedia, bytes] | None:
        if not MEDIA_ID.fullmatch(media_id):
            return None
        return await asyncio.to_thread(self._read, media_id)

    def _folder(self, media_id: str) -> Path:
        return self._root / media_id[:2] / media_id[2:4]

    def _put(self, image: CleanedImage) -> StoredMedia:
        stored = StoredMedia(
            media_id=image.sha256,
            content_type=image.content_type,
            sha256=image.sha256,
            width=image.width,
            height=image.height,
            size=len(image.data),
        )
        folder = self._folder(stored.media_id)
        folder.mkdir(parents=True, exist_ok=True)
        data_path = folder / f"{stored.media_id}.{EXTENSIONS[stored.content_type]}"
        if not data_path.exists():
            _write_atomically(data_path, image.data)
        meta_path = folder / f"{stored.media_id}.json"
        if not meta_path.exists():
            _write_atomically(meta_path, orjson.dumps(_meta(stored)))
        return stored

    def _stat(self, media_id: str) -> StoredMedia | None:
        meta_path = self._folder(media_id) / f"{media_id}.json"
        try:
            meta = orjson.loads(meta_path.read_bytes())
        except FileNotFoundError:
            return None
        return StoredMedia(**meta)

    def _read(self, media_id: str) -> tuple[StoredMedia, bytes] | None:
        stored = self._stat(media_id)
        if stored is None:
            return None
        path = self._folder(media_id) / f"{media_id}.{EXTENSIONS[stored.content_type]}"
        try:
            return stored, path.read_bytes()
        except FileNotFoundError:
            return None


def _meta(stored: StoredMedia) -> dict[str, object]:
    return {
        "media_id": stored.media_id,
        "content_type": stored.content_type,
        "sha256": stored.sha256,
        "width": stored.width,
        "height": stored.height,
        "size": stored.size,
    }


def _write_atomically(path: Path, data: bytes) -> None:
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
