"""XML record files of the n2c2/i2b2 releases: archive members, parsing with line numbers, inline-tagged text.

:func:`parse_xml` builds an :mod:`xml.etree.ElementTree` tree with the expat parser and remembers the line
each element starts on, so that errors about an element name its file and line
(:meth:`XmlTree.error`); a document that does not parse raises :class:`CorpusFormatError` with expat's line.
Members of ``.zip`` and ``.tar.gz`` archives are read in place; their errors name ``archive:member``.
"""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from ..schema import CorpusFormatError

REPORT_END = "[ report_end ]"
"""The marker that closes each record's text in the i2b2 2006-2008 releases."""


def member_path(archive: Path, member: str) -> str:
    """How errors name a member of an archive: ``archive:member``."""
    return f"{archive}:{member}"


@dataclass(frozen=True)
class XmlTree:
    """A parsed XML document, the file (or ``archive:member``) it came from and each element's line."""

    root: ElementTree.Element
    path: str
    lines: dict[int, int] = field(repr=False)

    def line(self, element: ElementTree.Element) -> int:
        """The line on which ``element``'s start tag ends (expat's position)."""
        return self.lines[id(element)]

    def error(self, element: ElementTree.Element, message: str) -> CorpusFormatError:
        """An error about ``element``, naming the file and the element's line."""
        return CorpusFormatError(self.path, f"line {self.line(element)}", message)


def parse_xml(data: bytes, path: str) -> XmlTree:
    """Parse one XML document; a malformed one raises :class:`CorpusFormatError` naming ``path`` and the line."""
    builder = ElementTree.TreeBuilder()
    lines: dict[int, int] = {}
    parser = expat.ParserCreate()
    parser.buffer_text = True

    def start(tag: str, attributes: dict[str, str]) -> None:
        lines[id(builder.start(tag, attributes))] = parser.CurrentLineNumber

    parser.StartElementHandler = start
    parser.EndElementHandler = builder.end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        reason = f"{expat.ErrorString(error.code)} (column {error.offset + 1})"
        raise CorpusFormatError(path, f"line {error.lineno}", f"XML does not parse: {reason}") from None
    return XmlTree(builder.close(), path, lines)


def read_file(path: Path) -> XmlTree:
    """Parse an XML file."""
    return parse_xml(path.read_bytes(), str(path))


def zip_member(archive: Path, member: str) -> bytes:
    """The bytes of one member of a zip archive; a bad archive or a missing member names the archive."""
    try:
        with zipfile.ZipFile(archive) as opened:
            return opened.read(member)
    except zipfile.BadZipFile as error:
        raise CorpusFormatError(archive, "archive", f"not a readable zip archive ({error})") from None
    except KeyError:
        raise CorpusFormatError(archive, "archive", f"no member {member!r} in the archive") from None


def _wanted(name: str, suffix: str) -> bool:
    """A member file ending in ``suffix``, not a hidden file or a macOS resource fork."""
    parts = name.split("/")
    return name.endswith(suffix) and not any(part.startswith(".") or part == "__MACOSX" for part in parts)


def archive_members(archive: Path, suffix: str = ".xml") -> Iterator[tuple[str, bytes]]:
    """``(member name, bytes)`` of every member of a ``.zip`` or ``.tar.gz`` archive whose name ends in ``suffix``,
    in name order (hidden files and ``__MACOSX`` folders left out)."""
    if archive.name.endswith(".zip"):
        try:
            with zipfile.ZipFile(archive) as opened:
                names = sorted(n for n in opened.namelist() if _wanted(n, suffix))
                for name in names:
                    yield name, opened.read(name)
        except zipfile.BadZipFile as error:
            raise CorpusFormatError(archive, "archive", f"not a readable zip archive ({error})") from None
        return
    try:
        with tarfile.open(archive, "r:*") as opened:
            members = sorted((m for m in opened.getmembers() if m.isfile() and _wanted(m.name, suffix)),
                             key=lambda m: m.name)
            for member in members:
                handle = opened.extractfile(member)
                if handle is None:
                    raise CorpusFormatError(archive, member.name, "the member cannot be read")
                yield member.name, handle.read()
    except (tarfile.TarError, EOFError, OSError, zlib.error) as error:
        raise CorpusFormatError(archive, "archive", f"not a readable tar archive ({error})") from None


def inline_spans(element: ElementTree.Element) -> tuple[str, list[tuple[ElementTree.Element, int, int]]]:
    """The text of ``element`` with its child tags removed, and each child with its ``[start, end)`` there.

    For text with inline annotations such as ``... seen by <PHI TYPE="DOCTOR">Dr. Smith</PHI> on ...``.
    """
    pieces = [element.text or ""]
    length = len(pieces[0])
    spans = []
    for child in element:
        inner = "".join(child.itertext())
        spans.append((child, length, length + len(inner)))
        pieces += [inner, child.tail or ""]
        length += len(inner) + len(child.tail or "")
    return "".join(pieces), spans


def trim_report(text: str) -> tuple[str, int]:
    """The record text without outer whitespace and a closing :data:`REPORT_END`; and how many leading
    characters were cut (to shift offsets)."""
    core = text.rstrip()
    if core.endswith(REPORT_END):
        core = core[: -len(REPORT_END)].rstrip()
    stripped = core.lstrip()
    return stripped, len(core) - len(stripped)
