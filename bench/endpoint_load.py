"""Load on ``graphkit serve``: light clients alone, then beside clients sending heavy queries.

Starts ``graphkit serve`` on a free loopback port over a build, and runs two phases of
``--seconds`` each: ``--light-clients`` clients (default 50) each sending the named queries (with
their example parameters) one after the other, then the same beside ``--heavy-clients`` (default 2)
sending a cross join of all triples, again and again; the heavy clients start two seconds before
the light ones (else, under 50 light clients, they may wait for a worker the whole phase and never
run), and their request in flight at the end is abandoned. For each phase it prints the light
requests, their errors (anything but 200), p50, p95 and the longest wait, the light throughput,
and what the heavy clients got. With ``--baseline REF`` each phase runs on the server of that
commit (checked out into a temporary git worktree, the same Python and build) and then on this
tree's, each server started for its phase and stopped after it, so both see the same machine; a
worker process that outlives its server (a heavy query still running) is killed and counted, so it
takes no CPU from the next phase.

    .venv/bin/python bench/endpoint_load.py --build build/graph --seconds 60
    .venv/bin/python bench/endpoint_load.py --build build/graph --seconds 60 --baseline main
    .venv/bin/python bench/endpoint_load.py --seconds 10          # a quick try

Only loopback is used; every loop stops at its deadline. Not a test: the figures depend on the
machine (docs/benchmarks.md gives them with the machine they were measured on).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
EXAMPLES = {"project": "project:impra", "name": "Cicsene", "fund": "fund:fami", "place": "country:FRA",
            "date": "2017-06-01", "network": "organisation:cop"}


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    seconds: float
    light: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds); status 0: no answer
    heavy: list[tuple[int, float]] = field(default_factory=list)

    def line(self) -> str:
        """One line of figures."""
        lat = sorted(s for _, s in self.light)
        ok = sum(1 for st, _ in self.light if st == 200)
        errors = len(self.light) - ok
        p = (lambda q: lat[min(len(lat) - 1, int(len(lat) * q))]) if lat else (lambda q: float("nan"))
        heavy = Counter(st for st, _ in self.heavy)
        heavy_text = ", ".join(f"{n}x {st or 'no answer'}" for st, n in sorted(heavy.items())) or "-"
        return (f"{self.name:<28} light {len(self.light):6d} req  errors {errors:5d} ({errors / max(1, len(self.light)):6.1%})"
                f"  p50 {p(0.5) * 1000:7.0f} ms  p95 {p(0.95) * 1000:7.0f} ms  max {lat[-1] if lat else float('nan'):6.2f} s"
                f"  {ok / self.seconds:7.1f} answered/s  heavy: {heavy_text}")


def _children(pid: int) -> list[int]:
    """The ids of the processes whose parent is ``pid`` (Linux ``/proc``)."""
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat", encoding="ascii", errors="replace") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        out.append(int(d))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _light_jobs(code: Path) -> list[dict[str, str]]:
    """The named queries with their example parameters, as form fields (read from ``code``'s package)."""
    out = subprocess.run(
        [sys.executable, "-c",
         "import json; from graphkit.queries import list_queries\n"
         "print(json.dumps([[q.text, [p.name for p in q.params]] for q in list_queries()]))"],
        env=dict(os.environ, PYTHONPATH=str(code)), capture_output=True, text=True, check=True, cwd=code).stdout
    import json

    jobs = []
    for text, params in json.loads(out):
        form = {"query": text}
        for p in params:
            form["$" + p] = EXAMPLES[p]
        jobs.append(form)
    return jobs


async def _client(base: str, forms: list[dict[str, str]], deadline: float, out: list, offset: int) -> None:
    async with httpx.AsyncClient(base_url=base, trust_env=False, timeout=120) as http:
        i = offset
        while time.monotonic() < deadline:
            form = forms[i % len(forms)]
            i += 1
            t = time.monotonic()
            try:
                r = await http.post("/sparql", data=form, headers={"Accept": "application/sparql-results+json"})
                status = r.status_code
            except httpx.HTTPError:
                status = 0
            out.append((status, time.monotonic() - t))


async def _phase(base: str, name: str, seconds: float, light: int, heavy: int, forms: list[dict[str, str]]) -> Phase:
    phase = Phase(name, seconds)
    heavy_deadline = time.monotonic() + seconds + (2 if heavy else 0)
    heavy_tasks = [asyncio.create_task(_client(base, [{"query": HEAVY}], heavy_deadline, phase.heavy, 0))
                   for _ in range(heavy)]
    if heavy:
        await asyncio.sleep(2)  # the heavy queries are running when the light clients come
    deadline = time.monotonic() + seconds
    await asyncio.gather(*[_client(base, forms, deadline, phase.light, i) for i in range(light)])
    for t in heavy_tasks:
        t.cancel()  # a heavy request still in flight is abandoned
    await asyncio.gather(*heavy_tasks, return_exceptions=True)
    return phase


class _Server:
    """``graphkit serve`` over ``build`` with the package of ``code``, on a free loopback port."""

    def __init__(self, code: Path, label: str, build: Path, serve_args: list[str]):
        self.code, self.label = code, label
        port = _free_port()
        self.base = f"http://127.0.0.1:{port}"
        cmd = [sys.executable, "-c", "import sys; from graphkit.cli import main; sys.exit(main())", "serve",
               "--build", str(build), "--port", str(port), *serve_args]
        # run in the code's own folder: `python -c` puts the working folder before PYTHONPATH
        self.proc = subprocess.Popen(cmd, env=dict(os.environ, PYTHONPATH=str(code)), cwd=code,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)

    def wait(self) -> None:
        """Wait until the server answers (two minutes at most)."""
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.label}: the server exited: {self.proc.stderr.read() if self.proc.stderr else ''}")
            try:
                httpx.get(self.base + "/api/info", timeout=1, trust_env=False)
                return
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{self.label}: the server did not answer within 120 s") from None
                time.sleep(0.1)

    def stop(self) -> int:
        """Stop the server (by its own process handle), then any of its worker processes that outlived
        it (by their ids, read before the stop); return how many there were."""
        workers = _children(self.proc.pid)
        self.proc.terminate()
        try:
            self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        time.sleep(1.5)
        left = [p for p in workers if _running(p)]
        for p in left:
            try:
                os.kill(p, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return len(left)


def run(codes: list[tuple[Path, str]], build: Path, serve_args: list[str], seconds: float, light: int,
        heavy: int) -> list[Phase]:
    """Each phase on each code's server in turn (light alone, then light beside heavy), a fresh server for
    each, so no heavy query left running by one phase takes CPU from the next; print and return them."""
    phases = []
    for heavy_clients in (0, heavy):
        for code, label in codes:
            server = _Server(code, label, build, serve_args)
            try:
                server.wait()
                forms = _light_jobs(code)
                name = f"{label}: {light} light" + (f" + {heavy_clients} heavy" if heavy_clients else "")
                phase = asyncio.run(_phase(server.base, name, seconds, light, heavy_clients, forms))
            finally:
                left = server.stop()
            print(phase.line() + (f"  ({left} worker(s) outlived the server: killed)" if left else ""), flush=True)
            phases.append(phase)
    return phases


def main(argv: list[str] | None = None) -> None:
    """Parse the arguments and run the benchmark."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", type=Path, default=ROOT / "build" / "graph", help="the build folder (graphkit build)")
    ap.add_argument("--seconds", type=float, default=60.0, help="length of each phase")
    ap.add_argument("--light-clients", type=int, default=50)
    ap.add_argument("--heavy-clients", type=int, default=2)
    ap.add_argument("--baseline", metavar="REF", help="also measure the server of this commit, first")
    ap.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                    help="an argument passed to graphkit serve (repeatable), e.g. --serve-arg=--timeout=30")
    args = ap.parse_args(argv)
    if not (args.build / "dataset.nq").exists():
        raise SystemExit(f"{args.build / 'dataset.nq'} does not exist: run `graphkit build` first")
    print(f"{os.cpu_count()} cores; {args.light_clients} light clients (the named queries), {args.heavy_clients} heavy "
          f"(a cross join of all triples); {args.seconds:g} s per phase", flush=True)
    build = args.build.resolve()
    with tempfile.TemporaryDirectory(prefix="graphkit-baseline-") as tmp:
        codes = []
        tree = Path(tmp) / "tree"
        try:
            if args.baseline:
                subprocess.run(["git", "worktree", "add", "--detach", str(tree), args.baseline], cwd=ROOT, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                codes.append((tree, f"baseline {args.baseline}"))
            codes.append((ROOT, "this tree"))
            run(codes, build, args.serve_arg, args.seconds, args.light_clients, args.heavy_clients)
        finally:
            if args.baseline:
                subprocess.run(["git", "worktree", "remove", "--force", str(tree)], cwd=ROOT, check=False,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


if __name__ == "__main__":
    main()
