"""The packaged program's first step: import PySide6 with the code the program keeps compiled.

PyInstaller runs its own start-up step for PySide6 before the program's first line, and that
step imports PySide6, which compiles part of itself from source at every start (see
``kombo_desktop/ui/pyside_code_cache.py``). Run before it (``runtime_hooks`` in
``kombo_desktop.spec``; PyInstaller runs the program's own steps first), this step imports
PySide6 with that code loaded from the program's cache folder instead; ``main`` saves it after
the first frame. Should anything here fail, PyInstaller's step imports PySide6 as it comes,
and anything really broken is reported by the program itself.
"""


def _import_pyside_with_kept_code() -> None:
    try:
        from kombo_desktop.core.paths import AppPaths
        from kombo_desktop.ui.pyside_code_cache import CACHE_FILE_NAME, import_pyside_early

        import_pyside_early(AppPaths.from_environment().cache_dir / CACHE_FILE_NAME)
    except Exception:  # noqa: S110 (PySide6 is imported next, as it comes)
        pass


_import_pyside_with_kept_code()
