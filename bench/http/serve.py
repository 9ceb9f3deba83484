"""Serve with gunicorn, load with wrk, read the workers' memory.

gunicorn: 2 sync workers, as in ../shared/reference/perf-anchor.md (``--no-control-socket`` where this gunicorn
has it). wrk: ``-t2 -c8 -d<N>s --latency``; its summary is parsed for req/s, p50, p99, non-2xx and socket errors.
"""

import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _gunicorn_flags() -> list[str]:
    help_text = subprocess.run([sys.executable, "-m", "gunicorn", "--help"], capture_output=True, text=True).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


class Server:
    """One gunicorn master with 2 sync workers on a free port; a context manager that stops it."""

    def __init__(self, app: str, env: dict, log_path: Path, label: str):
        self.app, self.env, self.log_path, self.label = app, env, log_path, label
        self.port = free_port()
        self.proc = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.log = open(self.log_path, "a")
        args = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class", "sync", *_gunicorn_flags(),
                "--bind", f"127.0.0.1:{self.port}", "--timeout", "120", self.app]
        self.proc = subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"bench: gunicorn ({self.label}) exited; see {self.log_path}")
            if len(self.worker_pids()) == 2:
                try:
                    urllib.request.urlopen(self.base + "/", timeout=30)
                    return self
                except urllib.error.HTTPError:
                    return self  # the server answers (the ceiling has no "/")
                except OSError:
                    pass
            time.sleep(0.3)
        raise SystemExit(f"bench: gunicorn ({self.label}) did not start; see {self.log_path}")

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        try:
            return [int(pid) for pid in children.read_text().split()]
        except OSError:
            return []

    def worker_rss_mb(self) -> list[float]:
        sizes = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                sizes.append(int(match.group(1)) / 1024)
        return sizes


def check(url: str) -> tuple[int, int]:
    """(status, body bytes) of one GET without following redirects; fails loudly on anything but 200."""
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=60) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        raise SystemExit(f"bench: {url} answered {exc.code}, not 200") from exc


@dataclass
class WrkResult:
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    non_2xx: int
    socket_errors: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", output, re.MULTILINE).group(1))
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", output, re.MULTILINE).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return WrkResult(rps, p50, p99, requests, int(non_2xx.group(1)) if non_2xx else 0,
                     sum(int(g) for g in errors.groups()) if errors else 0)


def wrk(url: str, seconds: int, *, threads: int = 2, connections: int = 8) -> WrkResult:
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "--latency", url]
    result = subprocess.run(args, capture_output=True, text=True, check=True)
    return parse_wrk(result.stdout)


def wrk_version() -> str:
    if not shutil.which("wrk"):
        raise SystemExit("bench: wrk is not installed (apt-get install -y wrk)")
    output = subprocess.run(["wrk", "-v"], capture_output=True, text=True)
    match = re.search(r"wrk (\S+)", output.stdout + output.stderr)
    return match.group(1) if match else "?"
