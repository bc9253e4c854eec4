"""A TCP proxy in front of the S3 server that can misbehave on purpose: while `failing`,
it answers new requests with 503 Slow Down or drops the connection, and cuts the open ones.
Real sockets, real HTTP errors: what a flaky network or an overloaded S3 does."""

import itertools
import socket
import threading
from contextlib import suppress

from tests.services import free_port

_SLOW_DOWN = (
    b"HTTP/1.1 503 Slow Down\r\nContent-Type: application/xml\r\nContent-Length: 67\r\n"
    b"Connection: close\r\n\r\n<Error><Code>SlowDown</Code><Message>Reduce rate</Message></Error>"
)


class FlakyProxy:
    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.port = free_port()
        self.failing = threading.Event()
        self.faults = 0
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._turn = itertools.count()
        self._server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    def fail(self) -> None:
        self.failing.set()
        with self._lock:
            for sock in list(self._open):
                with suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def recover(self) -> None:
        self.failing.clear()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        if self.failing.is_set():
            with self._lock:
                self.faults += 1
            with suppress(OSError):
                if next(self._turn) % 2 == 0:
                    client.recv(65536)
                    client.sendall(_SLOW_DOWN)
            client.close()  # every other one: a dropped connection
            return
        upstream = socket.create_connection(("127.0.0.1", self.target_port))
        with self._lock:
            self._open.update((client, upstream))
        threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()
        self._pipe(client, upstream)

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        with suppress(OSError):
            while data := source.recv(65536):
                sink.sendall(data)
        for sock in (source, sink):
            with suppress(OSError):
                sock.close()
            with self._lock:
                self._open.discard(sock)

    def close(self) -> None:
        self._server.close()
