"""Writing a file the user names (``aivoucher report -o``): checked first, then replaced whole.

:func:`check_target` refuses, before anything is computed or written, a target that is one of
the command's own inputs (the same file by any name: a symlink, a hard link, another path), a
directory, or anything but a regular file (a named pipe would block the command forever, a
device would receive the report). :func:`write_atomic` writes a temporary file next to the
target and renames it over the target, so that a failed write (a full disk, an interruption)
leaves the file that was there untouched and never half a report; a symlink is followed, so it
keeps pointing at the new file.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

from ..errors import InputError

__all__ = ["check_target", "write_atomic"]

_WHY = {
    "is_input": {
        "zh": "输出文件就是输入文件 {input}：写入会覆盖它，请另选文件名",
        "en": "the output is the input file {input}: writing it would destroy it; choose "
        "another file name",
    },
    "directory": {
        "zh": "这是一个目录，不是文件：请给出要写入的文件名",
        "en": "is a directory, not a file: give the name of the file to write",
    },
    "special": {
        "zh": "这不是普通文件（命名管道、设备或套接字）：报告只写入普通文件",
        "en": "is not a regular file (a named pipe, a device or a socket): a report is "
        "written to a regular file only",
    },
    "unwritable": {"zh": "无法写入报告：{why}", "en": "cannot write the report: {why}"},
}


def _message(key: str, **values: str) -> str:
    from .i18n import get_locale

    return _WHY[key][get_locale()].format(**values)


def _unwritable(target: str, why: str) -> InputError:
    return InputError(_message("unwritable", why=why), file=target, code="output.unwritable")


def check_target(target: str | Path, inputs: Iterable[str | Path] = ()) -> Path:
    """The real path to write ``target`` to (symlinks resolved), or :class:`InputError`:
    ``output.is_input`` if it is the same file as one of ``inputs`` (``-``, standard input,
    is skipped), ``output.unwritable`` if it is a directory, not a regular file, or in no
    existing directory."""
    name = str(target)
    path = Path(target)
    try:
        info = os.stat(path)  # follows symlinks: what would be written is the file they name
    except FileNotFoundError:
        real = path.resolve()
        if not real.parent.is_dir():
            raise _unwritable(name, os.strerror(2)) from None  # No such file or directory
        return real
    except OSError as exc:
        raise _unwritable(name, exc.strerror or str(exc)) from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(_message("directory"), file=name, code="output.unwritable")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(_message("special"), file=name, code="output.unwritable")
    for given in inputs:
        if str(given) == "-":
            continue
        with contextlib.suppress(OSError):  # an input that cannot be read is reported elsewhere
            if os.path.samefile(given, path):
                raise InputError(
                    _message("is_input", input=str(given)), file=name, code="output.is_input"
                )
    return path.resolve()


def write_atomic(path: Path, text: str | bytes, *, shown: str | None = None) -> None:
    """Write ``text`` (UTF-8; bytes as they are: a workbook) to ``path`` through a temporary
    file in the same directory, renamed over ``path`` once complete; an existing file keeps
    its permissions. Any failure is :class:`InputError` (``output.unwritable``) naming
    ``shown`` (default: ``path``), and leaves no temporary file behind."""
    name = shown if shown is not None else str(path)
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mode = None
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    try:
        # 0o666 less the umask, as for any new file; O_EXCL: never through someone's link
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise _unwritable(name, exc.strerror or str(exc)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8") if isinstance(text, str) else text)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        if isinstance(exc, OSError):
            raise _unwritable(name, exc.strerror or str(exc)) from None
        raise
