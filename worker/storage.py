"""Where a job's objects go, under the keys of `config.layout`.

Two backends with one interface: `LocalStorage` (files under a directory; `file://` and
`narrate synth`) and `S3Storage` (any S3 API: AWS, MinIO, moto, through boto3's own
configuration: ``AWS_ENDPOINT_URL``, credentials, region). Writes are atomic in both: a file
is renamed into place, an S3 object appears whole or not at all.
"""

import contextlib
import hashlib
import json
import os
import re
import shutil
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from pydantic import BaseModel

from config.errors import OutputError, StorageError
from worker.written import Written

SCRATCH = ".work"  # LocalStorage's folder for work under way (spools, files to move in)
_KEY = re.compile(r"^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*$")


def check_key(key: str) -> str:
    if not _KEY.match(key) or ".." in key.split("/"):
        raise OutputError(f"refusing an object key outside the output: {key!r}")
    return key


def file_sha256(path: Path) -> str:
    with open(path, "rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


class Storage(ABC):
    """A flat namespace of objects under one prefix."""

    @abstractmethod
    def child(self, prefix: str) -> "Storage":
        """The same storage, under a further prefix (e.g. a job id)."""

    @abstractmethod
    def put_bytes(self, key: str, data: bytes) -> None: ...

    @abstractmethod
    def put_file(self, key: str, path: Path, sha256: str | None = None) -> str:
        """Store a local file (moved or uploaded); returns its sha256 (computed unless given:
        a chapter's checksum is known from assembly, and hashing gigabytes twice shows)."""

    @abstractmethod
    def get_bytes(self, key: str) -> bytes: ...

    @abstractmethod
    def local_file(self, key: str, scratch: Path) -> Path:
        """A file on this machine holding the object: the object itself where storage is
        local, else a download into the scratch directory (the caller removes it)."""

    @abstractmethod
    def exists(self, key: str) -> bool: ...

    def contains(self, key: str) -> bool:
        """Whether the object is this storage's own (on S3 every key under the prefix is);
        a folder's file may be a link to one elsewhere (`LocalStorage`)."""
        return True

    @abstractmethod
    def listed(self, prefix: str) -> set[str]:
        """The keys of the objects under prefix (a folder): one request where `exists` is
        one per key (on S3 across a network, tens of milliseconds each)."""

    @abstractmethod
    def sha256(self, key: str) -> str | None:
        """The checksum recorded for an object, or None when it is missing."""

    @abstractmethod
    def scratch(self) -> Path:
        """A local directory for work files (spools, WAVs before upload)."""

    @abstractmethod
    def delete_prefix(self, prefix: str) -> None:
        """Remove every object under prefix (work files once a job is finished)."""

    @abstractmethod
    def tidy_scratch(self) -> None:
        """Once a book is done: its scratch directory removed if the work left it empty (a
        local output's `.work`, not the user's to see); a shared one, as the system's temporary
        directory, stays."""

    def put_model(self, key: str, model: BaseModel) -> None:
        self.put_bytes(key, model.model_dump_json(indent=2).encode())

    def get_json(self, key: str) -> Any:
        return json.loads(self.get_bytes(key))


class LocalStorage(Storage):
    """Objects as files under `root`.

    `written`: the record of what narrate wrote there (`narrate synth`'s folder, which may
    hold the user's own files): each file written is recorded first, none is written over a
    file it does not name, and `delete_prefix` removes only the files it names."""

    def __init__(self, root: Path, create: bool = True, written: Written | None = None) -> None:
        self.root = root
        self.written = written
        if not create:  # only read (`narrate verify`): a typo makes no folder
            return
        try:
            root.mkdir(parents=True, exist_ok=True)
            # Unique per call: threads of one process (the API's) probe the same root at once.
            probe = root / f".narrate-write-test-{os.getpid()}-{uuid.uuid4().hex}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            if root.exists() and not root.is_dir():  # mkdir's "File exists" says too little
                raise OutputError(f"{root}: a file, not a folder to write into") from error
            raise OutputError(f"{root}: cannot write here ({error.strerror})") from error

    def __repr__(self) -> str:
        return f"file://{self.root}"

    def child(self, prefix: str) -> "LocalStorage":
        return LocalStorage(self.root / check_key(prefix))

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def _target(self, key: str) -> Path:
        target = self.path(key)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise OutputError(f"{target.parent}: cannot create ({error.strerror})") from error
        return target

    def _claimed(self, key: str) -> Path:
        target = self._target(key)
        if self.written is not None:
            self.written.claim(key, target)
        return target

    def put_bytes(self, key: str, data: bytes) -> None:
        target = self._claimed(key)
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.write_bytes(data)
            tmp.replace(target)
        except OSError as error:
            _discard(tmp)
            raise OutputError(f"{target}: cannot write ({error.strerror})") from error

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> str:
        target = self._claimed(key)
        digest = sha256 or file_sha256(path)
        tmp = target.with_name(target.name + ".part")
        try:  # never shutil.move onto the key: a folder there would take the file in
            shutil.move(path, tmp)
            tmp.replace(target)
        except OSError as error:
            _discard(tmp)
            raise OutputError(f"{target}: cannot write ({error.strerror})") from error
        return digest

    def get_bytes(self, key: str) -> bytes:
        return self.path(key).read_bytes()

    def local_file(self, key: str, scratch: Path) -> Path:
        return self.path(key)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def contains(self, key: str) -> bool:
        """Not a link, nor a file under a linked folder, leading out of the root: a folder
        shared with others (a tenant's inbox) must not let them name a file of the host's."""
        return self.path(key).resolve().is_relative_to(self.root.resolve())

    def listed(self, prefix: str) -> set[str]:
        folder = self.path(prefix.rstrip("/"))
        return {
            path.relative_to(self.root).as_posix()
            for path in folder.rglob("*")
            if path.is_file() and not path.name.endswith(".part")  # a write under way
        }

    def sha256(self, key: str) -> str | None:
        path = self.path(key)
        return file_sha256(path) if path.is_file() else None

    def scratch(self) -> Path:
        return self._target(f"{SCRATCH}/x").parent

    def tidy_scratch(self) -> None:
        with contextlib.suppress(OSError):  # not empty: a spool of another run, say
            self.path(SCRATCH).rmdir()

    def remove(self, key: str) -> None:
        """One file gone, and the folders it leaves empty; never one reached through a link
        out of the root (a chapters/ linked to a folder other books share)."""
        path = self.path(key)
        if not path.resolve().is_relative_to(self.root.resolve()):
            raise OutputError(f"{path}: not removed, it lies outside {self.root} by a link")
        path.unlink(missing_ok=True)
        self._prune(path)

    def delete_prefix(self, prefix: str) -> None:
        if self.written is not None:  # a folder of the user's may hold a work/m4b/ too
            folder = prefix.rstrip("/") + "/"
            for key in sorted(self.written.keys()):
                if key.startswith(folder):
                    with contextlib.suppress(OutputError):  # work files, reached by a link
                        self.remove(f"{key}.part")  # one a killed run left half-written
                        self.remove(key)
            return
        path = self.path(prefix.rstrip("/"))
        shutil.rmtree(path, ignore_errors=True)
        self._prune(path)

    def _prune(self, path: Path) -> None:
        for parent in path.parents:  # folders left empty go too, up to the root
            if parent == self.root or not parent.is_relative_to(self.root):
                break
            try:
                parent.rmdir()
            except OSError:  # not empty
                break


class S3Storage(Storage):
    """Objects in an S3 bucket under a prefix; boto3 reads endpoint and credentials."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or _s3_client()

    def __repr__(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def child(self, prefix: str) -> "S3Storage":
        joined = f"{self.prefix}/{check_key(prefix)}" if self.prefix else check_key(prefix)
        return S3Storage(self.bucket, joined, self.client)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{check_key(key)}" if self.prefix else check_key(key)

    def put_bytes(self, key: str, data: bytes) -> None:
        digest = hashlib.sha256(data).hexdigest()
        with _s3_errors(self, key):
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(key),
                Body=data,
                ChecksumAlgorithm="SHA256",
                Metadata={"sha256": digest},
            )

    def put_file(self, key: str, path: Path, sha256: str | None = None) -> str:
        # upload_file goes multipart above its threshold and aborts a failed multipart upload.
        digest = sha256 or file_sha256(path)
        with _s3_errors(self, key):
            self.client.upload_file(
                str(path),
                self.bucket,
                self._key(key),
                ExtraArgs={"ChecksumAlgorithm": "SHA256", "Metadata": {"sha256": digest}},
            )
        path.unlink(missing_ok=True)
        return digest

    def get_bytes(self, key: str) -> bytes:
        with _s3_errors(self, key):
            body: bytes = self.client.get_object(Bucket=self.bucket, Key=self._key(key))[
                "Body"
            ].read()
            return body

    def local_file(self, key: str, scratch: Path) -> Path:
        target = scratch / key.replace("/", "-")
        with _s3_errors(self, key):
            self.client.download_file(self.bucket, self._key(key), str(target))
        return target

    def exists(self, key: str) -> bool:
        return self.sha256(key) is not None

    def listed(self, prefix: str) -> set[str]:
        start = len(self.prefix) + 1 if self.prefix else 0
        with _s3_errors(self, prefix):
            return {key[start:] for page in self._pages(prefix) for key in page}

    def _pages(self, prefix: str) -> Iterator[list[str]]:
        """The full keys under prefix (a folder), a page (up to 1,000) at a time."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix.rstrip("/")) + "/"
        )
        for page in pages:
            yield [item["Key"] for item in page.get("Contents", [])]

    def sha256(self, key: str) -> str | None:
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return None
            raise StorageError(f"{self}/{key}: {error}") from error
        digest: str | None = head.get("Metadata", {}).get("sha256")
        return digest or ""

    def scratch(self) -> Path:
        import tempfile

        return Path(tempfile.gettempdir())

    def tidy_scratch(self) -> None:
        pass  # the system's temporary directory: shared

    def delete_prefix(self, prefix: str) -> None:
        with _s3_errors(self, prefix):
            for page in self._pages(prefix):
                if page:
                    objects = [{"Key": key} for key in page]
                    self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": objects})


@contextmanager
def _s3_errors(storage: S3Storage, key: str) -> Iterator[None]:
    """Turn botocore failures into our errors: retryable unless the request itself is bad."""
    from boto3.exceptions import S3UploadFailedError
    from botocore.exceptions import BotoCoreError, ClientError

    where = f"{storage}/{key}"
    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in {"NoSuchBucket", "AccessDenied", "InvalidAccessKeyId", "NoSuchKey"}:
            raise OutputError(f"{where}: {code}") from error
        raise StorageError(f"{where}: {code or error}") from error
    except (BotoCoreError, S3UploadFailedError, OSError) as error:
        raise StorageError(f"{where}: {error}") from error


_clients: dict[int, Any] = {}  # by process id: a forked child makes its own
_clients_lock = threading.Lock()


def _s3_client() -> Any:
    """The process's S3 client. A boto3 client is thread-safe but making one is not (the
    default session is shared), and making one per task cost tens of milliseconds each."""
    with _clients_lock:
        pid = os.getpid()
        if pid not in _clients:
            _clients[pid] = _new_s3_client()
        return _clients[pid]


def _new_s3_client() -> Any:
    import boto3
    from botocore.config import Config

    config = Config(
        retries={"mode": "standard", "max_attempts": 10},
        connect_timeout=5,
        read_timeout=60,
        max_pool_connections=32,  # a threads worker's tasks and their multipart uploads
    )
    return boto3.session.Session().client("s3", config=config)


def file_url(path: Path) -> str:
    """A file:// URL of an absolute path that `open_storage` reads back as that very path:
    only what a URL would take for its own ('%' escapes, '#' a fragment, '?' a query) is
    escaped, so the usual path reads as it is."""
    escaped = str(path).replace("%", "%25").replace("#", "%23").replace("?", "%3F")
    return f"file://{escaped}"


def open_storage(url: str, create: bool = True) -> Storage:
    """`file:///dir`, a plain path, or `s3://bucket/prefix`; a local one is made (and must
    be writable) unless only read from (`create=False`)."""
    parsed = urlparse(url)
    if parsed.scheme == "s3":
        if not parsed.netloc:
            raise OutputError(f"{url}: an s3:// destination needs a bucket")
        return S3Storage(parsed.netloc, parsed.path)
    if parsed.scheme == "file" and parsed.netloc not in {"", "localhost"}:
        # file://out/x would be /x with "out" taken for a host and dropped.
        raise OutputError(f"{url}: a file:// URL names no host; a directory is file:///dir")
    if parsed.scheme == "file":
        return LocalStorage(Path(unquote(parsed.path)), create)
    if not parsed.scheme:
        return LocalStorage(Path(url), create)
    raise OutputError(f"{url}: unsupported destination (use file:///dir or s3://bucket/prefix)")


def _discard(part: Path) -> None:
    """A half-written KEY.part, not left beside the key."""
    with contextlib.suppress(OSError):
        if part.is_file():
            part.unlink()
