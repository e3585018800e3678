"""A throw-away PostgreSQL cluster on 127.0.0.1 that a test may stop and start (never the shared server).

``initdb`` in a temporary folder, trust authentication, one database; as ``bench/bench_cluster.py``
runs its own. As root, the cluster runs as the ``postgres`` account (initdb refuses root).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path


def bin_dir() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parents[1].name))
    return found[-1].parent if found else None


class OwnPostgres:
    def __init__(self, port: int) -> None:
        bindir = bin_dir()
        if bindir is None:
            raise FileNotFoundError("no PostgreSQL server binaries under /usr/lib/postgresql")
        self.bin, self.port = bindir, port
        self.dir = Path(tempfile.mkdtemp(prefix="escc-test-pg-"))
        self.data, self.log = self.dir / "data", self.dir / "postgres.log"
        self.url = f"postgres://postgres@127.0.0.1:{port}/escc_worker"

    def _run(self, *args: str) -> None:
        runner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*runner, *args], check=True, capture_output=True, timeout=120)

    def _pg_ctl(self, *args: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.dir} -c fsync=off"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *args)

    def start(self) -> None:
        """Create the cluster and its database, and start it."""
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8")
        self._pg_ctl("start")
        self._run(str(self.bin / "createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "escc_worker")

    def stop(self) -> None:
        """Shut the server down as a restart does (``-m fast``: open connections are ended)."""
        self._pg_ctl("stop", "-m", "fast")

    def resume(self) -> None:
        self._pg_ctl("start")

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self._pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)
