"""A small headless-Chromium client over the DevTools protocol, for opening maps and testing them.

It speaks the protocol over a pipe (``--remote-debugging-pipe``: commands on file descriptor 3,
replies and events on 4, each a JSON message ending in a NUL byte), so it needs nothing beyond
the standard library and the Debian ``chromium`` package: no WebSocket library, no driver, and
it never downloads a browser. It records what a test wants to assert: console errors, uncaught
exceptions, JavaScript dialogs (``alert``; dismissed at once) and every URL the page requests.
The network is cut three ways: DevTools' offline emulation, a proxy that goes nowhere, and a
host resolver that resolves nothing.

Example::

    from graphkit.browser import Chromium
    with Chromium() as browser:
        browser.open("build/maps/org.html")
        browser.evaluate("network.body.data.nodes.length")
        browser.screenshot("build/screenshots/org.png")
"""

from __future__ import annotations

import base64
import json
import os
import queue
import shutil
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from graphkit.errors import EXIT_RUNTIME, GraphkitError

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps", "--mute-audio", "--no-default-browser-check",
    "--hide-scrollbars", "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
    "--remote-debugging-pipe",
)


class BrowserError(GraphkitError, RuntimeError):
    """Chromium is missing, did not answer in time, or a command failed (exit code 3)."""

    exit_code = EXIT_RUNTIME


class JavaScriptError(BrowserError):
    """An expression evaluated in the page threw."""


def find_chromium() -> str:
    """The path of a Chromium executable (``$CHROMIUM`` first), or raise :class:`BrowserError`."""
    env = os.environ.get("CHROMIUM")
    if env and Path(env).exists():
        return env
    for name in CHROMIUM_CANDIDATES:
        path = shutil.which(name)
        if path:
            return path
    raise BrowserError("no Chromium found: install the Debian package (apt-get install chromium) or set $CHROMIUM")


class Chromium:
    """One headless Chromium with one page. Use as a context manager."""

    def __init__(self, executable: str | None = None, *, width: int = 1400, height: int = 900,
                 offline: bool = True, timeout: float = 30.0):
        self.executable = executable or find_chromium()
        self.width, self.height, self.offline, self.timeout = width, height, offline, timeout
        self.console_errors: list[str] = []
        self.console_messages: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self._proc: subprocess.Popen | None = None
        self._profile: str | None = None
        self._next_id = 0
        self._session: str | None = None
        self._inbox: "queue.Queue[dict[str, Any] | None]" = queue.Queue()
        self._write_fd = -1
        self._lock = threading.Lock()
        self._loaded = threading.Event()

    # ------------------------------------------------------------------ process

    def start(self) -> "Chromium":
        """Launch Chromium with a fresh profile and open one page; return ``self``.

        The DevTools protocol runs over pipes (Chromium reads commands on fd 3 and answers on fd 4);
        the page gets the window size and, with ``offline``, no network.

        Raises:
            BrowserError: Chromium cannot be started or does not answer in time.
        """
        self._profile = tempfile.mkdtemp(prefix="graphkit-chromium-")
        cmd_r, cmd_w = os.pipe()     # we write commands, Chromium reads them on fd 3
        out_r, out_w = os.pipe()     # Chromium writes on fd 4, we read

        def child_fds() -> None:     # runs in the child before exec: put the pipe ends on 3 and 4
            a, b = os.dup(cmd_r), os.dup(out_w)
            os.dup2(a, 3)
            os.dup2(b, 4)

        args = [self.executable, *FLAGS, f"--user-data-dir={self._profile}",
                f"--window-size={self.width},{self.height}", "about:blank"]
        try:
            self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, pass_fds=(3, 4),
                                          preexec_fn=child_fds, close_fds=True)
        except OSError as exc:
            raise BrowserError(f"cannot start {self.executable}: {exc}") from None
        finally:
            os.close(cmd_r)
            os.close(out_w)
        self._write_fd = cmd_w
        threading.Thread(target=self._reader, args=(out_r,), daemon=True).start()
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)["targetId"]
        self._session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True},
                                  session=False)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": self.width, "height": self.height, "deviceScaleFactor": 1, "mobile": False})
        if self.offline:
            self.send("Network.emulateNetworkConditions",
                      {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1})
        return self

    def close(self) -> None:
        """Close the browser (asking first, killing it if it does not exit) and remove its profile.

        Does nothing if the browser is not running.
        """
        if self._proc is None:
            return
        try:
            if self._proc.poll() is None:
                try:
                    self.send("Browser.close", session=False, timeout=5)
                except BrowserError:
                    pass
                try:
                    self._proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait(timeout=10)
        finally:
            try:
                os.close(self._write_fd)
            except OSError:
                pass
            self._proc = None
            if self._profile:
                shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> "Chromium":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # ------------------------------------------------------------------ protocol

    def _reader(self, fd: int) -> None:
        buf = b""
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while True:
                chunk = pipe.read(65536)
                if not chunk:
                    self._inbox.put(None)
                    return
                buf += chunk
                while b"\0" in buf:
                    raw, buf = buf.split(b"\0", 1)
                    try:
                        self._inbox.put(json.loads(raw.decode("utf-8")))
                    except ValueError:
                        continue

    def _write(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode("utf-8") + b"\0"
        with self._lock:
            while data:
                n = os.write(self._write_fd, data)
                data = data[n:]

    def send(self, method: str, params: dict[str, Any] | None = None, *, session: bool = True,
             timeout: float | None = None) -> dict[str, Any]:
        """Send a command and wait for its answer (events that arrive meanwhile are recorded)."""
        if self._proc is None:
            raise BrowserError("the browser is not running")
        self._next_id += 1
        mid = self._next_id
        msg: dict[str, Any] = {"id": mid, "method": method, "params": params or {}}
        if session and self._session:
            msg["sessionId"] = self._session
        self._write(msg)
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            reply = self._receive(deadline, f"{method} got no answer")
            if reply.get("id") == mid:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error'].get('message')}")
                return reply.get("result", {})

    def _receive(self, deadline: float, what: str) -> dict[str, Any]:
        left = deadline - time.monotonic()
        if left <= 0:
            raise BrowserError(f"{what} within {self.timeout:.0f} s")
        try:
            msg = self._inbox.get(timeout=left)
        except queue.Empty:
            raise BrowserError(f"{what} within {self.timeout:.0f} s") from None
        if msg is None:
            raise BrowserError("Chromium closed the DevTools pipe (did it crash?)")
        if "method" in msg:
            self._event(msg["method"], msg.get("params", {}))
        return msg

    def _event(self, method: str, p: dict[str, Any]) -> None:
        if method == "Runtime.consoleAPICalled":
            text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
            self.console_messages.append(f"{p.get('type')}: {text}")
            if p.get("type") in ("error", "assert"):
                self.console_errors.append(text)
        elif method == "Runtime.exceptionThrown":
            d = p.get("exceptionDetails", {})
            self.console_errors.append(d.get("exception", {}).get("description") or d.get("text", "exception"))
        elif method == "Log.entryAdded":
            entry = p.get("entry", {})
            if entry.get("level") == "error":
                self.console_errors.append(f"{entry.get('source')}: {entry.get('text')} {entry.get('url', '')}".strip())
        elif method == "Page.javascriptDialogOpening":
            self.dialogs.append(f"{p.get('type')}: {p.get('message')}")
            self._write({"id": 10 ** 9 + len(self.dialogs), "method": "Page.handleJavaScriptDialog",
                         "params": {"accept": False}, "sessionId": self._session})
        elif method == "Network.requestWillBeSent":
            self.requests.append(p.get("request", {}).get("url", ""))
        elif method == "Page.loadEventFired":
            self._loaded.set()

    # ------------------------------------------------------------------ page

    def open(self, target: str | Path, *, ready: str | None = "typeof window.network === 'object'") -> None:
        """Open a file or URL, wait for the load event and, if given, until ``ready`` is true."""
        url = target if isinstance(target, str) and "://" in target else Path(target).resolve().as_uri()
        self._loaded.clear()
        self.send("Page.navigate", {"url": url})
        deadline = time.monotonic() + self.timeout
        while not self._loaded.is_set():
            try:
                self._receive(deadline, f"{url} did not finish loading")
            except BrowserError:
                if self._loaded.is_set():
                    break
                raise
        if ready:
            self.wait_for(ready)

    def wait_for(self, expression: str, timeout: float | None = None) -> Any:
        """Evaluate ``expression`` until it is truthy; return its value."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            value = self.evaluate(expression)
            if value:
                return value
            if time.monotonic() > deadline:
                raise BrowserError(f"{expression!r} did not become true within {timeout or self.timeout:.0f} s")
            time.sleep(0.05)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page (JSON-serialisable values)."""
        res = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in res:
            d = res["exceptionDetails"]
            raise JavaScriptError(d.get("exception", {}).get("description") or d.get("text", "error"))
        return res.get("result", {}).get("value")

    def mouse_move(self, x: float, y: float) -> None:
        """Move the mouse to the viewport point (``x``, ``y``), in CSS pixels."""
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y})

    def click(self, x: float, y: float) -> None:
        """Click the left mouse button once at the viewport point (``x``, ``y``), in CSS pixels."""
        for kind in ("mousePressed", "mouseReleased"):
            self.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1})

    def screenshot(self, path: str | Path) -> Path:
        """Save a PNG of the viewport."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path.write_bytes(base64.b64decode(data))
        return path
