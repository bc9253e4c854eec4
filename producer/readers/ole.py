"""OLE compound files (CFB): what Word saves a password-protected DOCX as, and what a Word
97-2003 .doc is. Neither is read; the names in the file's directory tell which it is, so
that the refusal says what to do.

Only the header and the directory's sectors are read, each offset checked against the
file's length and the directory's chain walked a bounded number of sectors (a hostile
file may loop it or point past its end): a file too damaged to walk has no names, and is
refused all the same.
"""

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HEADER = 512
_SECTOR_SHIFTS = (9, 12)  # 512-byte sectors (version 3) or 4,096 (version 4)
_HEADER_FAT_SECTORS = 109  # the FAT sectors the header lists; a longer FAT is not followed
_LAST_SECTOR = 0xFFFFFFFA  # above it: end of chain, free, FAT or DIFAT sector
_DIRECTORY_SECTORS = 1024  # 4,096 entries or more: no Word file has near so many
_ENTRY = 128
_NAMED = {1, 2, 5}  # a storage, a stream, the root


def names(data: bytes) -> set[str]:
    """The names of the storages and streams in a compound file's directory ("WordDocument",
    "EncryptedPackage"); none where it is no compound file or its header is damaged."""
    if len(data) < _HEADER or not data.startswith(MAGIC):
        return set()
    shift = int.from_bytes(data[0x1E:0x20], "little")
    if shift not in _SECTOR_SHIFTS:
        return set()
    found: set[str] = set()
    sector, walked = _u32(data, 0x30), set[int]()
    while sector is not None and sector < _LAST_SECTOR and len(walked) < _DIRECTORY_SECTORS:
        if sector in walked:
            break  # a chain that loops
        walked.add(sector)
        start = (sector + 1) << shift
        for at in range(start, min(start + (1 << shift), len(data) - _ENTRY + 1), _ENTRY):
            found |= _entry_name(data[at : at + _ENTRY])
        sector = _next_sector(data, shift, sector)
    return found


def _entry_name(entry: bytes) -> set[str]:
    """A directory entry's name, if it names a storage or a stream: UTF-16, its length in
    bytes with the closing null."""
    length = int.from_bytes(entry[64:66], "little")
    if entry[66] not in _NAMED or not 2 <= length <= 64 or length % 2:
        return set()
    return {entry[: length - 2].decode("utf-16-le", "replace")}


def _next_sector(data: bytes, shift: int, sector: int) -> int | None:
    """The sector after `sector` in its chain, from the FAT sector the header lists for it;
    None where that is not in the file."""
    which, at = divmod(sector, 1 << (shift - 2))  # a FAT sector holds 4-byte entries
    if which >= _HEADER_FAT_SECTORS:
        return None
    fat_sector = _u32(data, 0x4C + 4 * which)
    if fat_sector is None or fat_sector >= _LAST_SECTOR:
        return None
    return _u32(data, ((fat_sector + 1) << shift) + 4 * at)


def _u32(data: bytes, at: int) -> int | None:
    return int.from_bytes(data[at : at + 4], "little") if at + 4 <= len(data) else None
