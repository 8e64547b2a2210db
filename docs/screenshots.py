"""Screenshots of the reading room for the README, taken in Debian's Chromium.

    .venv/bin/python docs/screenshots.py            # into docs/screenshots/
    .venv/bin/python docs/screenshots.py --db var/archive.db --out /tmp/shots

Without `--db` it reads both seeds and the FRUS Korea records of ../shared into a fresh archive
first. It serves the archive with `archivist serve` on a free loopback port and saves home,
search, the reader (seed 003, a conversation set as a dialogue), a person (Kim Il Sung,
authority id 107176) and the timeline, at 1440 px wide, and the reader at 375 px.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
#: (file name, path, width, height, full page)
SHOTS = [
    ("home.png", "/", 1440, 1000, False),
    ("search.png", "/search?q=Korea&type=telegram", 1440, 1100, False),
    ("reader.png", "/documents/wilson-117838", 1440, 1300, False),
    ("reader-375.png", "/documents/wilson-117838#at-1244", 375, 800, False),
    ("person.png", "/people/107176", 1440, 1200, False),
    ("timeline.png", "/timeline", 1440, 900, False),
    ("network.png", "/network", 1440, 1150, False),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def archivist(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("archivist")), *args]


def ingest_shared(db: Path) -> None:
    corpora = [SHARED / "corpus" / "seeds", SHARED / "corpus" / "frus-korea-1955-57"]
    files = [str(p) for folder in corpora for p in sorted(folder.glob("*.txt"))]
    subprocess.run(archivist("ingest", *files, "--db", str(db)), check=True, stdout=subprocess.DEVNULL)


def serve(db: Path, port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        archivist("serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2).read()
            return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit("archivist serve stopped before answering")
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("archivist serve did not answer within a minute")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="an archive to photograph (default: ../shared read afresh)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    options = parser.parse_args()
    from playwright.sync_api import sync_playwright

    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        db = options.db
        if db is None:
            db = Path(scratch) / "archive.db"
            ingest_shared(db)
        port = free_port()
        server = serve(db, port)
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, path, width, height, full in SHOTS:
                    page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
                    page.goto(f"http://127.0.0.1:{port}{path}")
                    page.wait_for_load_state("networkidle")
                    page.screenshot(path=str(options.out / name), full_page=full)
                    page.close()
                    print(options.out / name)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
