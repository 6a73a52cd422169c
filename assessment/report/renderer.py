"""The PDF renderers a gunicorn server shares among all its web workers.

gunicorn's master starts them with the server (``gunicorn.conf.py``): it forks a small
supervising process that listens on a Unix socket in a private temporary folder and keeps
``PDF_RENDERERS`` rendering processes running at low priority. Each renderer loads WeasyPrint's
fonts once, then takes one document at a time from the socket. A web worker connects, sends the
HTML and receives the PDF. A renderer that dies is replaced at once; a document sent meanwhile
waits in the socket's queue for the new one.

Outside gunicorn (``flask run``, the tests) nothing here runs and ``shared_address`` is None.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import shutil
import signal
import socket
import struct
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: Renders HTML to PDF: (html, static folder) -> PDF bytes.
Render = Callable[[str, str], bytes]

#: Rendering goes after the web workers when the machine is busy.
NICENESS = 10
#: The request: the lengths of the static folder's path and of the HTML, then both in UTF-8.
_REQUEST = struct.Struct("!II")
#: The answer: its outcome and the length of what follows (the PDF, or why it failed).
_ANSWER = struct.Struct("!BI")
_RENDERED, _UNAVAILABLE, _FAILED = 0, 1, 2
#: How often the supervisor looks for renderers that ended and whether the master still runs.
_WATCH_SECONDS = 0.2
#: A renderer that ends sooner than this after its start is replaced only after a pause, so
#: that one that cannot start does not take a core.
_QUICK_END_SECONDS = 5.0
#: A web worker has this long to send its document once connected.
_RECEIVE_SECONDS = 30.0
#: The processes' names (in ps and /proc/<pid>/comm), told apart from gunicorn's workers.
SUPERVISOR_NAME = "pdf-renderers"
RENDERER_NAME = "pdf-renderer"
#: gunicorn's master handles these; its children must not.
_MASTER_SIGNALS = ("HUP", "QUIT", "INT", "TERM", "TTIN", "TTOU", "USR1", "USR2", "WINCH", "CHLD")

logger = logging.getLogger(__name__)
_address: str | None = None
_running: SharedRenderers | None = None


class RendererUnavailable(OSError):
    """No renderer answered (it died, or none runs), or it could not load its libraries."""


def shared_address() -> str | None:
    """The socket of the server's shared renderers; None where they do not run."""
    return _address


def render_shared(address: str, html: str, static_folder: str, timeout: float) -> bytes:
    """Have a shared renderer turn the HTML into a PDF; waits while every renderer is busy."""
    folder, document = static_folder.encode(), html.encode()
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(timeout)
            connection.connect(address)
            connection.sendall(_REQUEST.pack(len(folder), len(document)) + folder + document)
            outcome, length = _ANSWER.unpack(_receive(connection, _ANSWER.size))
            payload = _receive(connection, length)
    except OSError as error:
        raise RendererUnavailable(f"the PDF renderer did not answer: {error}") from error
    if outcome == _RENDERED:
        return payload
    if outcome == _UNAVAILABLE:
        raise RendererUnavailable(payload.decode())
    raise RuntimeError(f"the PDF renderer failed: {payload.decode()}")


def _receive(connection: socket.socket, size: int) -> bytes:
    """Exactly ``size`` bytes from the connection."""
    data = bytearray(size)
    view, received = memoryview(data), 0
    while received < size:
        count = connection.recv_into(view[received:])
        if count == 0:
            raise ConnectionResetError("the connection closed before the message was complete")
        received += count
    return bytes(data)


@dataclass
class SharedRenderers:
    """The renderers' supervising process and their private folder, as the master sees them."""

    supervisor: int
    folder: str

    def stop(self) -> None:
        """Stop the supervisor (it stops the renderers) and remove the folder."""
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.supervisor, signal.SIGTERM)
        shutil.rmtree(self.folder, ignore_errors=True)


def start_shared(
    render: Render, warm_up: Callable[[], object], count: int, inherited: Iterable[int] = ()
) -> SharedRenderers:
    """Start ``count`` renderers under a supervisor, from gunicorn's master before it forks its
    workers (who then find them with ``shared_address``). ``inherited``: file descriptors of the
    master that its children must close (gunicorn's listening sockets)."""
    global _address, _running
    folder = tempfile.mkdtemp(prefix="digitalcheck-pdf-")  # readable by this user only
    address = os.path.join(folder, "renderer.sock")
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)
    listener.listen(64)
    master = os.getpid()
    pid = os.fork()
    if pid == 0:  # the supervisor
        code = 1
        try:
            _leave_master(inherited)
            _name_process(SUPERVISOR_NAME)
            os.nice(NICENESS)
            _supervise(listener, render, warm_up, count, master)
            code = 0
        except BaseException:
            logger.exception("the PDF renderers' supervisor failed")
        finally:
            os._exit(code)  # never the master's exit handlers
    # Only the supervisor and its renderers hold the socket: should they all end, a worker's
    # connection is refused at once instead of waiting for an answer that never comes.
    listener.close()
    _address = address
    _running = SharedRenderers(supervisor=pid, folder=folder)
    return _running


def stop_shared() -> None:
    """Stop the renderers this process started, if any (gunicorn's master, as it exits)."""
    global _address, _running
    if _running is not None:
        _running.stop()
    _address = _running = None


def _leave_master(inherited: Iterable[int]) -> None:
    """In a child of gunicorn's master: the default signal handlers, none of its sockets."""
    for name in _MASTER_SIGNALS:
        signal.signal(getattr(signal, f"SIG{name}"), signal.SIG_DFL)
    for descriptor in inherited:
        with contextlib.suppress(OSError):
            os.close(descriptor)


def _name_process(name: str) -> None:
    """Name this process in ps and /proc (Linux; elsewhere it keeps the master's name)."""
    with contextlib.suppress(OSError), open("/proc/self/comm", "w") as comm:
        comm.write(name)


def _supervise(
    listener: socket.socket,
    render: Render,
    warm_up: Callable[[], object],
    count: int,
    master: int,
) -> None:
    """Keep ``count`` renderers running until told to stop or the master ends."""
    stopping: list[int] = []
    signal.signal(signal.SIGTERM, lambda number, _frame: stopping.append(number))
    renderers: dict[int, float] = {}  # process id -> when it started
    while not stopping and os.getppid() == master:
        _reap(renderers)
        while len(renderers) < count:
            renderers[_fork_renderer(listener, render, warm_up)] = time.monotonic()
        time.sleep(_WATCH_SECONDS)
    for pid in renderers:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    for pid in renderers:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def _reap(renderers: dict[int, float]) -> None:
    """Forget the renderers that ended, pausing after one that ended right after its start."""
    while renderers:
        pid, status = os.waitpid(-1, os.WNOHANG)
        if pid == 0:
            return
        started = renderers.pop(pid, None)
        if started is None:
            continue
        logger.warning("PDF renderer %s ended (wait status %s); starting another", pid, status)
        if time.monotonic() - started < _QUICK_END_SECONDS:
            time.sleep(1.0)


def _fork_renderer(listener: socket.socket, render: Render, warm_up: Callable[[], object]) -> int:
    """Fork one renderer; its process id."""
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        _name_process(RENDERER_NAME)
        # Fonts and code are loaded before the first document (WeasyPrint starts a thread for
        # its fonts, which is why this happens here and not once in the supervisor).
        warm_up()
        gc.collect()
        gc.freeze()  # WeasyPrint's code and fonts stay: no collection need walk them again
        _serve(listener, render, os.getppid())
        code = 0
    except BaseException:
        logger.exception("a PDF renderer failed")
    finally:
        os._exit(code)


def _serve(listener: socket.socket, render: Render, supervisor: int) -> None:
    """Render the documents that arrive, one at a time, while the supervisor runs."""
    listener.settimeout(1.0)  # to notice a supervisor that ended
    while os.getppid() == supervisor:
        try:
            connection, _peer = listener.accept()
        except TimeoutError:
            continue
        with connection:
            connection.settimeout(_RECEIVE_SECONDS)
            try:
                _answer(connection, render)
            except OSError:
                logger.warning("a web worker went away before its PDF was sent")


def _answer(connection: socket.socket, render: Render) -> None:
    """Read one document, render it and send the PDF, or why it could not be made."""
    folder_size, html_size = _REQUEST.unpack(_receive(connection, _REQUEST.size))
    static_folder = _receive(connection, folder_size).decode()
    html = _receive(connection, html_size).decode()
    try:
        outcome, payload = _RENDERED, render(html, static_folder)
    except OSError as error:  # e.g. WeasyPrint's system libraries are missing
        logger.exception("the PDF could not be rendered")
        outcome, payload = _UNAVAILABLE, str(error).encode()
    except Exception as error:
        logger.exception("the PDF could not be rendered")
        outcome, payload = _FAILED, repr(error).encode()
    connection.sendall(_ANSWER.pack(outcome, len(payload)) + payload)
