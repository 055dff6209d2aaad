"""What a reading command loads: the store's migrations need sqlite-utils (and with it
pandas, about half a second), a reader never does."""

from __future__ import annotations

import subprocess
import sys


def test_reading_the_store_and_exporting_load_no_pandas() -> None:
    code = (
        "import sys, zxkg.ingest.store, zxkg.graph.export, zxkg.graph.query; "
        "print(sorted(m for m in ('pandas', 'numpy', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
