"""Offline guard: with DLCOURSE_OFFLINE=1, refuse every non-loopback network connection.

``make test`` puts this folder on PYTHONPATH, so Python imports it at start-up in every
process of the suite - pytest, its workers and every Jupyter kernel that nbgrader or nbclient
starts. A notebook or library that tries to download anything then fails loudly instead of
silently depending on the network. Loopback (the kernels' ZMQ sockets) and Unix sockets stay
allowed. Only Python-level sockets are guarded (a C library opening its own sockets is not).
"""

import os

if os.environ.get("DLCOURSE_OFFLINE") == "1":
    import ipaddress
    import socket

    class OfflineError(ConnectionRefusedError):
        """Raised instead of connecting to the network."""

    def _is_local(address) -> bool:
        if not isinstance(address, tuple):          # AF_UNIX path
            return True
        host = address[0]
        if isinstance(host, bytes):
            host = host.decode()
        if host in ("localhost", ""):
            return True
        try:
            return ipaddress.ip_address(host.split("%")[0]).is_loopback
        except ValueError:                           # a host name: resolving it means going out
            return False

    def _guard(method):
        def guarded(self, address, *args, **kwargs):
            if self.family in (socket.AF_INET, socket.AF_INET6) and not _is_local(address):
                raise OfflineError(
                    f"dlcourse offline guard: refused a connection to {address!r}. Course code must "
                    "not download anything at run time (DLCOURSE_OFFLINE=1, see tests/offline/).")
            return method(self, address, *args, **kwargs)
        guarded.__wrapped__ = method
        return guarded

    socket.socket.connect = _guard(socket.socket.connect)
    socket.socket.connect_ex = _guard(socket.socket.connect_ex)
    socket.OfflineError = OfflineError
