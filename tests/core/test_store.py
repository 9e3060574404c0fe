"""The write path: atomic writes, faults at every step, links, modes, conflicts, undo."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from datetime import datetime
from pathlib import Path

import pytest

import notesui.core.store as store_module
from notesui.core.document import Document
from notesui.core.edits import SectionEdit
from notesui.core.store import (
    CONFLICTS,
    Change,
    Conflict,
    Store,
    WriteError,
    atomic_write,
    clean_stale_temps,
    conflict_copy_path,
    is_temp_name,
)

OLD = b"# A\n\nold answer\n\n# B\n\nkeep\n"
NEW = b"# A\n\nnew answer\n\n# B\n\nkeep\n"


@pytest.fixture
def note(tmp_path: Path) -> Path:
    path = tmp_path / "a.md"
    path.write_bytes(OLD)
    return path


def edit_a(text: str = "# A\n\nnew answer\n\n") -> SectionEdit:
    """The change OLD -> NEW as the editor makes it: section "A" replaced."""
    section = Document.parse(OLD, "a.md").headings[0].section
    return SectionEdit("a.md", OLD, section.start, section.end, text, "\n")


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if is_temp_name(p.name)]


def test_write_replaces_the_bytes_and_keeps_the_mode(note: Path) -> None:
    note.chmod(0o640)
    atomic_write(note, NEW)
    assert note.read_bytes() == NEW
    assert stat.S_IMODE(note.stat().st_mode) == 0o640
    assert leftovers(note.parent) == []


def _raiser(code: int, real, fail_on=None):  # type: ignore[no-untyped-def]
    def fake(*args, **kwargs):  # type: ignore[no-untyped-def]
        if fail_on is None or fail_on(*args):
            raise OSError(code, os.strerror(code))
        return real(*args, **kwargs)

    return fake


def test_a_failed_exchange_leaves_the_file_untouched(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_renameat2", _raiser(errno.EIO, None))
    with pytest.raises(WriteError, match="input/output error"):
        Store(note.parent).write("a.md", Change(OLD, NEW))
    assert note.read_bytes() == OLD and leftovers(note.parent) == []


def test_a_save_by_rename_in_the_last_moment_is_seen_and_kept(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another editor saves by rename between notesui's last check and its replace."""
    real = store_module._renameat2
    theirs = OLD.replace(b"keep", b"saved by rename")

    def rename_save_first(source, target, flags):  # type: ignore[no-untyped-def]
        if Path(target) == note and note.read_bytes() != theirs:
            other = note.with_name(".other-editor.swp")
            other.write_bytes(theirs)
            os.replace(other, note)
        return real(source, target, flags)

    monkeypatch.setattr(store_module, "_renameat2", rename_save_first)
    saved = Store(note.parent).write("a.md", Change(OLD, NEW))  # can't be re-applied: a copy
    monkeypatch.undo()
    assert note.read_bytes() == NEW
    assert saved.copy is not None and saved.copy.read_bytes() == theirs and saved.notice
    assert leftovers(note.parent) == [] and not note.with_name(".other-editor.swp").exists()


@pytest.mark.parametrize(
    ("function", "code", "message"),
    [
        ("write", errno.ENOSPC, "the disk is full"),
        ("fsync", errno.EIO, "input/output error"),
        ("fchmod", errno.EPERM, "not permitted"),
        ("replace", errno.EXDEV, "another file system"),
        ("replace", errno.EACCES, "permission denied"),
        ("open", errno.EACCES, "permission denied"),
        ("open", errno.EROFS, "read-only"),
    ],
)
def test_a_fault_at_any_step_leaves_the_file_untouched(
    note: Path, monkeypatch: pytest.MonkeyPatch, function: str, code: int, message: str
) -> None:
    monkeypatch.setattr(os, function, _raiser(code, getattr(os, function)))
    if function == "replace":  # where the atomic exchange is not available
        monkeypatch.setattr(store_module, "_renameat2", lambda *args: False)
    with pytest.raises(WriteError, match=message):
        atomic_write(note, NEW)
    monkeypatch.undo()
    assert note.read_bytes() == OLD
    assert leftovers(note.parent) == []


def test_a_partial_write_is_retried_until_complete(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.write
    monkeypatch.setattr(os, "write", lambda fd, data: real(fd, bytes(data[:3])))
    atomic_write(note, NEW)
    assert note.read_bytes() == NEW


def test_read_only_file_is_refused(note: Path) -> None:
    note.chmod(0o444)
    with pytest.raises(WriteError, match="read-only"):
        atomic_write(note, NEW)
    assert note.read_bytes() == OLD


def test_symlink_chain_is_written_through(tmp_path: Path, note: Path) -> None:
    middle = tmp_path / "middle.md"
    middle.symlink_to(note)
    link = tmp_path / "link.md"
    link.symlink_to(middle)
    atomic_write(link, NEW)
    assert link.is_symlink() and middle.is_symlink()
    assert note.read_bytes() == NEW and not note.is_symlink()


def test_hard_link_is_written_in_place(tmp_path: Path, note: Path) -> None:
    other = tmp_path / "other.md"
    os.link(note, other)
    inode = note.stat().st_ino
    atomic_write(note, NEW)
    assert other.read_bytes() == NEW
    assert note.stat().st_ino == inode == other.stat().st_ino


def test_deleted_file_is_recreated(note: Path) -> None:
    note.unlink()
    atomic_write(note, NEW)
    assert note.read_bytes() == NEW


def test_stale_temp_files_are_cleaned(tmp_path: Path) -> None:
    old = tmp_path / ".a.md.notesui-1234abcd.tmp"
    fresh = tmp_path / ".b.md.notesui-5678abcd.tmp"
    keep = tmp_path / "a.md.tmp"
    for path in (old, fresh, keep):
        path.write_text("x")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    assert clean_stale_temps(tmp_path) == [old]
    assert fresh.exists() and keep.exists() and not old.exists()


# -- the store: conflicts, merge, ledger, undo -------------------------------------


def test_unchanged_content_writes_nothing(note: Path) -> None:
    store = Store(note.parent)
    before = note.stat()
    saved = store.write("a.md", Change(OLD, OLD))
    assert not saved.changed
    assert note.stat().st_mtime_ns == before.st_mtime_ns and note.stat().st_ino == before.st_ino
    assert store.last_write() is None


def test_same_size_change_in_the_same_second_is_a_conflict(note: Path) -> None:
    store = Store(note.parent)
    mtime = note.stat().st_mtime_ns
    note.write_bytes(OLD.replace(b"keep", b"KEEP"))  # same size
    os.utime(note, ns=(mtime, mtime))  # and the same time stamp
    with pytest.raises(Conflict) as raised:
        store.write("a.md", Change(OLD, NEW))  # a change that can't be re-applied
    assert raised.value.disk == OLD.replace(b"keep", b"KEEP")


def test_touched_file_with_the_same_bytes_is_no_conflict(note: Path) -> None:
    store = Store(note.parent)
    os.utime(note, (time.time() + 10, time.time() + 10))
    assert store.write("a.md", edit_a()).changed
    assert note.read_bytes() == NEW


def test_change_is_merged_when_its_original_text_is_still_there(note: Path) -> None:
    store = Store(note.parent)
    note.write_bytes(OLD.replace(b"keep", b"changed outside, longer"))
    saved = store.write("a.md", edit_a())
    assert saved.merged
    assert note.read_bytes() == NEW.replace(b"keep", b"changed outside, longer")  # both kept


def test_change_conflicts_when_its_original_text_changed_too(note: Path) -> None:
    store = Store(note.parent)
    note.write_bytes(OLD.replace(b"old answer", b"their answer"))
    with pytest.raises(Conflict):
        store.write("a.md", edit_a())
    assert note.read_bytes() == OLD.replace(b"old answer", b"their answer")
    copy = store.write_conflict_copy("a.md", NEW)
    assert copy.read_bytes() == NEW
    assert copy.name.startswith("a.conflict-") and copy.suffix == ".md"
    assert copy.parent == note.parent / CONFLICTS


def test_conflict_copy_names_never_collide(tmp_path: Path) -> None:
    when = datetime(2026, 11, 25, 9, 8, 7)
    first = conflict_copy_path(tmp_path, "sub/n.md", when)
    assert first == tmp_path / CONFLICTS / "sub" / "n.conflict-20261125-090807.md"
    first.parent.mkdir(parents=True)
    first.write_text("x")
    assert conflict_copy_path(tmp_path, "sub/n.md", when).name == "n.conflict-20261125-090807-2.md"


def test_own_writes_are_recognised(note: Path) -> None:
    store = Store(note.parent)
    store.write("a.md", edit_a())
    assert store.is_own_write("a.md", note.read_bytes())
    assert not store.is_own_write("a.md", OLD)


def test_undo_restores_the_replaced_bytes_unless_changed_since(note: Path) -> None:
    store = Store(note.parent)
    store.write("a.md", edit_a())
    assert store.undo()[0].what == "edit"
    assert note.read_bytes() == OLD
    with pytest.raises(LookupError):
        store.undo()
    store.write("a.md", edit_a())
    note.write_bytes(b"outside")
    with pytest.raises(Conflict):
        store.undo()
    assert note.read_bytes() == b"outside"


def test_failed_write_keeps_no_undo_record(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store(note.parent)
    monkeypatch.setattr(store_module, "_renameat2", _raiser(errno.ENOSPC, None))
    with pytest.raises(WriteError):
        store.write("a.md", edit_a())
    assert store.last_write() is None and note.read_bytes() == OLD


def test_undo_of_a_write_that_created_the_file_removes_it(note: Path) -> None:
    store = Store(note.parent)
    store.overwrite("new.md", NEW)
    assert (note.parent / "new.md").read_bytes() == NEW
    store.undo()
    assert not (note.parent / "new.md").exists()


# -- in place (hard links, owners that can't be kept): never a partial file ----------


def _linked(note: Path) -> Path:
    other = note.parent / "other.md"
    os.link(note, other)
    return other


def test_an_in_place_write_that_fails_midway_puts_the_original_back(
    note: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _linked(note)
    real = os.pwrite
    calls = []

    def half_then_full(fd, data, offset):  # type: ignore[no-untyped-def]
        calls.append(len(data))
        if len(calls) == 1:
            return real(fd, bytes(data[: len(data) // 2]), offset)
        if len(calls) == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", half_then_full)
    monkeypatch.setattr(store_module, "_allocate", lambda fd, length: None)  # no reservation
    with pytest.raises(WriteError, match=r"disk is full.*put back"):
        Store(note.parent).write("a.md", edit_a("# A\n\n" + "much longer answer " * 50 + "\n\n"))
    monkeypatch.undo()
    assert note.read_bytes() == OLD and other.read_bytes() == OLD


def test_an_in_place_write_that_can_not_be_undone_keeps_the_original_in_a_copy(
    note: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _linked(note)
    real = os.pwrite
    calls = []

    def half_then_fail(fd, data, offset):  # type: ignore[no-untyped-def]
        calls.append(1)
        if len(calls) == 1:
            return real(fd, bytes(data[:5]), offset)
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "pwrite", half_then_fail)
    store = Store(note.parent)
    with pytest.raises(WriteError, match="could not be put back; they are kept in") as raised:
        store.write("a.md", edit_a())
    monkeypatch.undo()
    copies = list((note.parent / CONFLICTS).glob("a.conflict-*.md"))
    assert len(copies) == 1 and copies[0].read_bytes() == OLD
    assert str(copies[0]) in str(raised.value)
    assert store.last_write() is None


def test_no_space_for_an_in_place_write_touches_nothing(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _linked(note)

    def full(fd, length):  # type: ignore[no-untyped-def]
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store_module, "_allocate", full)
    writes = []
    monkeypatch.setattr(os, "pwrite", lambda *args: writes.append(args))
    with pytest.raises(WriteError, match="disk is full"):
        Store(note.parent).write("a.md", edit_a("# A\n\n" + "longer " * 100 + "\n\n"))
    assert writes == [] and note.read_bytes() == OLD


@pytest.fixture
def tiny_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 64 KiB tmpfs (root only: skipped elsewhere)."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    import shutil

    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"can't mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_hard_linked_file_on_a_full_disk_is_never_half_written(tiny_disk: Path) -> None:
    note = tiny_disk / "a.md"
    note.write_bytes(OLD)
    _linked(note)
    filler = tiny_disk / "filler"
    with contextlib.suppress(OSError), open(filler, "wb") as handle:
        while True:
            handle.write(b"x" * 1024)
            handle.flush()
    store = Store(tiny_disk)
    with pytest.raises(WriteError, match="disk is full"):
        store.write("a.md", edit_a("# A\n\n" + "a much longer answer " * 400 + "\n\n"))
    assert note.read_bytes() == OLD
    assert store.last_write() is None
    filler.unlink()
    store.write("a.md", edit_a())
    assert note.read_bytes() == NEW


# -- owners, attributes, long names -------------------------------------------------


def test_owner_and_group_are_kept(note: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a file to another user needs root")
    os.chown(note, 4321, 4321)
    atomic_write(note, NEW)
    assert (note.stat().st_uid, note.stat().st_gid) == (4321, 4321)
    assert note.read_bytes() == NEW


def test_a_file_whose_owner_can_not_be_kept_is_written_in_place(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    os.chown(note, os.getuid(), os.getgid())
    before = note.stat()
    fake = os.stat_result((*before[:4], before.st_uid + 1, *before[5:]))
    real_fstat = os.fstat
    monkeypatch.setattr(
        os, "fstat", lambda fd: fake if os.readlink(f"/proc/self/fd/{fd}") == str(note) else real_fstat(fd)
    )
    monkeypatch.setattr(os, "fchown", _raiser(errno.EPERM, os.fchown))
    atomic_write(note, NEW)
    monkeypatch.undo()
    assert note.read_bytes() == NEW and note.stat().st_ino == before.st_ino
    assert leftovers(note.parent) == []


def test_extended_attributes_are_kept(note: Path) -> None:
    try:
        os.setxattr(note, "user.notesui-test", b"kept")
    except OSError as error:
        pytest.skip(f"no user extended attributes here: {error}")
    atomic_write(note, NEW)
    assert os.getxattr(note, "user.notesui-test") == b"kept"


def test_a_long_file_name_can_be_saved(tmp_path: Path) -> None:
    name = "问" * 80 + ".md"  # 243 bytes: a temp name must not add to it
    assert len(name.encode()) <= 255
    path = tmp_path / name
    path.write_bytes(OLD)
    atomic_write(path, NEW)
    assert path.read_bytes() == NEW and leftovers(tmp_path) == []


# -- changes by another program in the last moment --------------------------------------


def _late_once(monkeypatch: pytest.MonkeyPatch, theirs: bytes, then=None):  # type: ignore[no-untyped-def]
    """The first checked write finds that another program wrote ``theirs`` into the file in
    the last moment; later checked writes call ``then`` (default: as usual)."""
    import notesui.core.store as store_module

    real = store_module.atomic_write
    calls = []

    def fake(path, data, expected=store_module._ANY):  # type: ignore[no-untyped-def]
        if expected is store_module._ANY:
            return real(path, data)
        calls.append(1)
        if len(calls) == 1:
            real(path, data, expected)
            return theirs
        return then(path, data, expected) if then else real(path, data, expected)

    monkeypatch.setattr(store_module, "atomic_write", fake)


def test_a_late_change_that_can_be_re_applied_is(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = OLD.replace(b"keep", b"kept by them")
    _late_once(monkeypatch, theirs)
    change = edit_a()
    saved = Store(note.parent).write("a.md", change)
    assert note.read_bytes() == NEW.replace(b"keep", b"kept by them") == saved.data
    assert saved.data[slice(*change.span_in(saved.data))] == b"# A\n\nnew answer\n\n"  # type: ignore[misc]


def test_the_editor_knows_where_its_text_is_after_a_late_change(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(path, data, expected):  # type: ignore[no-untyped-def]
        raise WriteError("simulated failure of the second write")

    theirs = b"# A\n\nold answer\n\n# B\n\nkept by them\n"
    _late_once(monkeypatch, theirs, then=fail)
    change = edit_a()
    saved = Store(note.parent).write("a.md", change)
    monkeypatch.undo()
    assert saved.copy is not None and saved.copy.read_bytes() == theirs and saved.notice
    assert note.read_bytes() == saved.data == NEW
    span = change.span_in(saved.data)
    assert span is not None and saved.data[slice(*span)] == b"# A\n\nnew answer\n\n"


def test_a_late_change_with_no_room_for_a_copy_is_put_back(note: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    theirs = OLD.replace(b"keep", b"kept by them")
    _late_once(monkeypatch, theirs)
    store = Store(note.parent)

    def no_room(rel, data):  # type: ignore[no-untyped-def]
        raise WriteError("can't keep a conflict copy: the disk is full")

    monkeypatch.setattr(store, "write_conflict_copy", no_room)
    with pytest.raises(WriteError, match="the file is as that program left it"):
        store.write("a.md", Change(OLD, NEW))  # can't be re-applied: a copy is needed
    assert note.read_bytes() == theirs and store.last_write() is None


def test_overwrite_copies_what_is_on_disk_even_if_it_changes_once_more(
    note: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import notesui.core.store as store_module

    real = store_module.atomic_write
    once = []

    def changed_first(path, data, expected=store_module._ANY):  # type: ignore[no-untyped-def]
        if expected is not store_module._ANY and not once:
            once.append(1)
            note.write_bytes(b"changed once more")
            raise store_module.Changed(b"changed once more")
        return real(path, data, expected)

    monkeypatch.setattr(store_module, "atomic_write", changed_first)
    saved = Store(note.parent).overwrite("a.md", NEW)
    monkeypatch.undo()
    assert note.read_bytes() == NEW
    assert saved.copy is not None and saved.copy.read_bytes() == b"changed once more"


def test_a_long_name_gets_a_conflict_copy(tmp_path: Path) -> None:
    name = "问" * 80 + ".md"
    (tmp_path / name).write_bytes(OLD)
    store = Store(tmp_path)
    first = store.write_conflict_copy(name, b"one")
    second = store.write_conflict_copy(name, b"two")
    assert first != second and first.read_bytes() == b"one" and second.read_bytes() == b"two"
    assert all(len(os.fsencode(p.name)) <= 255 for p in (first, second))


def test_undoing_a_write_that_created_a_file_keeps_its_text(note: Path) -> None:
    store = Store(note.parent)
    store.overwrite("again.md", NEW)
    _, copy = store.undo()
    assert not (note.parent / "again.md").exists()
    assert copy is not None and copy.read_bytes() == NEW


def test_a_new_file_gets_the_umask_s_mode_without_changing_the_umask(tmp_path: Path) -> None:
    previous = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.md", NEW)
        assert stat.S_IMODE((tmp_path / "new.md").stat().st_mode) == 0o640
        assert os.umask(0o027) == 0o027  # still what it was
    finally:
        os.umask(previous)
