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
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterable
from pathlib import Path, PurePosixPath

# (destination inside the bundle, source file, PyInstaller type code)
Entry = tuple[str, str, str]


def elf_needed(path: str | Path) -> list[str]:
    """The ``DT_NEEDED`` names of an ELF file (empty for anything that is not ELF)."""
    data = Path(path).read_bytes()
    if data[:4] != b"\x7fELF":
        return []
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
        if is64:
            (sh_type,) = struct.unpack_from(endian + "I", data, base + 4)
            sh_offset, sh_size = struct.unpack_from(endian + "QQ", data, base + 0x18)
            (sh_link,) = struct.unpack_from(endian + "I", data, base + 0x28)
        else:
            (sh_type,) = struct.unpack_from(endian + "I", data, base + 4)
            sh_offset, sh_size = struct.unpack_from(endian + "II", data, base + 0x10)
            (sh_link,) = struct.unpack_from(endian + "I", data, base + 0x18)
        sections.append((sh_type, sh_offset, sh_size, sh_link))
    dynamic_type, dt_needed = 6, 1
    names: list[str] = []
    for sh_type, offset, size, link in sections:
        if sh_type != dynamic_type:
            continue
        _strtab_type, str_offset, _str_size, _ = sections[link]
        step = 16 if is64 else 8
        for position in range(offset, offset + size, step):
            if is64:
                tag, value = struct.unpack_from(endian + "qQ", data, position)
            else:
                tag, value = struct.unpack_from(endian + "iI", data, position)
            if tag == 0:
                break
            if tag == dt_needed:
                end = data.index(b"\0", str_offset + value)
                names.append(data[str_offset + value : end].decode())
    return names


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
