"""Which shared libraries a bundle really needs, read from the binaries themselves.

PyInstaller collects every library that any collected file links against, transitively. Once the
spec drops unused Qt plugins (the GTK theme, Wayland, EGL, TLS...), the libraries only those
plugins needed (GTK, cairo, pango, QtWaylandClient, QtNetwork...) are still in the list and would
ship for nothing. :func:`prune_unreachable` keeps only what is reachable from the code that runs:
Python's extension modules, the kept Qt plugins and the Python library.

On Linux the direct dependencies (``DT_NEEDED``) are read from the ELF files here, because
``ldd`` (what PyInstaller uses) prints the whole transitive closure as resolved on the build
machine, including the dependencies of system libraries that are deliberately not bundled. On
Windows and macOS PyInstaller's own reader already reports direct imports only.

The symbol versions each ELF file needs (``GLIBC_2.34``...) are read from the same files: they
decide the oldest glibc, and so the oldest Linux, the package can declare (``build.py``).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# (destination inside the bundle, source file, PyInstaller type code)
Entry = tuple[str, str, str]


def _elf_sections(data: bytes) -> tuple[bool, str, list[tuple[int, int, int, int, int]]]:
    """(64-bit?, struct byte order, [(type, offset, size, link, info)] of every section)."""
    is64 = data[4] == 2
    endian = "<" if data[5] == 1 else ">"
    if is64:
        (e_shoff,) = struct.unpack_from(endian + "Q", data, 0x28)
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", data, 0x3A)
    else:
        (e_shoff,) = struct.unpack_from(endian + "I", data, 0x20)
        e_shentsize, e_shnum = struct.unpack_from(endian + "HH", data, 0x2E)
    sections = []
    for index in range(e_shnum):
        base = e_shoff + index * e_shentsize
        (sh_type,) = struct.unpack_from(endian + "I", data, base + 4)
        if is64:
            sh_offset, sh_size = struct.unpack_from(endian + "QQ", data, base + 0x18)
            sh_link, sh_info = struct.unpack_from(endian + "II", data, base + 0x28)
        else:
            sh_offset, sh_size = struct.unpack_from(endian + "II", data, base + 0x10)
            sh_link, sh_info = struct.unpack_from(endian + "II", data, base + 0x18)
        sections.append((sh_type, sh_offset, sh_size, sh_link, sh_info))
    return is64, endian, sections


def _c_string(data: bytes, offset: int) -> str:
    return data[offset : data.index(b"\0", offset)].decode()


def elf_needed(path: str | Path) -> list[str]:
    """The ``DT_NEEDED`` names of an ELF file (empty for anything that is not ELF)."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF":
        return []
    is64, endian, sections = _elf_sections(data)
    dynamic_type, dt_needed = 6, 1
    names: list[str] = []
    for sh_type, offset, size, link, _info in sections:
        if sh_type != dynamic_type:
            continue
        str_offset = sections[link][1]
        step = 16 if is64 else 8
        for position in range(offset, offset + size, step):
            if is64:
                tag, value = struct.unpack_from(endian + "qQ", data, position)
            else:
                tag, value = struct.unpack_from(endian + "iI", data, position)
            if tag == 0:
                break
            if tag == dt_needed:
                names.append(_c_string(data, str_offset + value))
    return names


def elf_version_needs(path: str | Path) -> dict[str, set[str]]:
    """The symbol versions an ELF file needs, per library: ``{"libc.so.6": {"GLIBC_2.34", ...}}``.

    Read from the ``.gnu.version_r`` section (what ``readelf --version-info`` prints as "Version
    needs"): the dynamic loader refuses to start a program when a listed version is missing,
    with "version `GLIBC_2.34' not found". Read here rather than by running binutils so that
    the check needs nothing beyond Python and reads a hundred files in milliseconds; the layout
    is the same for 32- and 64-bit files (``Elf*_Verneed`` and ``Elf*_Vernaux``, 16 bytes each).
    Empty for anything that is not ELF or links against nothing versioned.
    """
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF":
        return {}
    _is64, endian, sections = _elf_sections(data)
    verneed_type = 0x6FFFFFFE  # SHT_GNU_verneed
    needs: dict[str, set[str]] = {}
    for sh_type, offset, _size, link, count in sections:
        if sh_type != verneed_type:
            continue
        str_offset = sections[link][1]
        entry = offset
        for _ in range(count):
            _version, aux_count, file_name, aux, following = struct.unpack_from(
                endian + "HHIII", data, entry
            )
            versions = needs.setdefault(_c_string(data, str_offset + file_name), set())
            position = entry + aux
            for _ in range(aux_count):
                _hash, _flags, _other, name, next_aux = struct.unpack_from(
                    endian + "IHHII", data, position
                )
                versions.add(_c_string(data, str_offset + name))
                position += next_aux
            if not following:
                break
            entry += following
    return needs


# Version names that stand for a glibc release without saying it in their name: a file linked
# with packed relative relocations (``ld -z pack-relative-relocs``) needs glibc 2.36.
_GLIBC_FEATURE_VERSIONS = {"GLIBC_ABI_DT_RELR": (2, 36)}
_GLIBC_VERSION = re.compile(r"^GLIBC_(\d+)\.(\d+)(?:\.\d+)?$")


def glibc_version_needed(version_names: Iterable[str]) -> tuple[int, int] | None:
    """The newest glibc release among symbol version names (``GLIBC_2.34`` -> ``(2, 34)``).

    ``GLIBC_2.2.5`` counts as 2.2 (glibc's own releases have two numbers); ``GLIBC_PRIVATE``
    and other libraries' versions (``GCC_3.0``, ``OPENSSL_3.0.0``) are ignored.
    """
    newest: tuple[int, int] | None = None
    for name in version_names:
        match = _GLIBC_VERSION.match(name)
        found = (int(match[1]), int(match[2])) if match else _GLIBC_FEATURE_VERSIONS.get(name)
        if found is not None and (newest is None or found > newest):
            newest = found
    return newest


def is_root(dest: str) -> bool:
    """Files loaded by the interpreter or by Qt by name, not through another library's imports."""
    path = PurePosixPath(dest.replace("\\", "/"))
    name = path.name
    return (
        name.endswith(".pyd")
        or ".cpython-" in name
        or ".abi3." in name
        or "lib-dynload" in path.parts
        or "plugins" in path.parts
        or name.startswith(("libpython", "python3", "Python"))
    )


def _key(name: str) -> str:
    """Match import names to bundle files: by base name, case-insensitively (Windows)."""
    return PurePosixPath(name.replace("\\", "/")).name.lower()


def prune_unreachable(
    binaries: Iterable[Entry], imports_of: Callable[[str], Iterable[str]]
) -> tuple[list[Entry], list[Entry]]:
    """Split ``binaries`` into (reachable from a root, unreachable); order is preserved.

    ``imports_of(source_path)`` gives the names a binary links against directly.
    """
    entries = list(binaries)
    by_name: dict[str, list[Entry]] = {}
    for entry in entries:
        by_name.setdefault(_key(entry[0]), []).append(entry)
    reachable: set[int] = set()
    pending = [entry for entry in entries if is_root(entry[0])]
    while pending:
        entry = pending.pop()
        if id(entry) in reachable:
            continue
        reachable.add(id(entry))
        for name in imports_of(entry[1]):
            pending.extend(by_name.get(_key(name), []))
    kept = [entry for entry in entries if id(entry) in reachable]
    dropped = [entry for entry in entries if id(entry) not in reachable]
    return kept, dropped


def drop_dangling_symlinks(datas: Iterable[Entry], binaries: Iterable[Entry]) -> list[Entry]:
    """Remove PyInstaller's SYMLINK entries whose target is no longer in the bundle.

    PyInstaller links e.g. ``libQt6Network.so.6`` at the top of the bundle to its copy under
    ``PySide6/Qt/lib``; once that copy is pruned the link would dangle.
    """
    datas = list(datas)

    def norm(path: str) -> str:
        return _normalize(PurePosixPath(path.replace("\\", "/")))

    present = {norm(entry[0]) for entry in binaries}
    present |= {norm(entry[0]) for entry in datas if entry[2] != "SYMLINK"}
    kept = []
    for entry in datas:
        if entry[2] == "SYMLINK":
            parent = PurePosixPath(entry[0].replace("\\", "/")).parent
            target = _normalize(parent / entry[1].replace("\\", "/"))
            if target not in present:
                continue
        kept.append(entry)
    return kept


def _normalize(path: PurePosixPath) -> str:
    """Resolve ``..`` without touching the file system (the bundle does not exist yet)."""
    parts: list[str] = []
    for part in path.parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part not in (".", ""):
            parts.append(part)
    return "/".join(parts)
