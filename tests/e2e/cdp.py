#!/usr/bin/env python3
"""cdp.py: drives a running headless Chromium through the DevTools protocol
(its WebSocket, with only Python's standard library) for tests/e2e/test_ui.sh.

    cdp.py PROFILE goto URL          navigate, wait until the view is ready
    cdp.py PROFILE wait JS [SECS]    poll JS until it is truthy (default 60 s);
                                     print its value; exit 1 if it never is
    cdp.py PROFILE eval JS           print the value of JS
    cdp.py PROFILE shot FILE.png [SCALE]   screenshot of the window, scaled

PROFILE is Chromium's --user-data-dir, started with --remote-debugging-port=0:
Chromium writes the port it chose to PROFILE/DevToolsActivePort."""
import base64
import json
import os
import socket
import struct
import sys
import time
import urllib.parse
import urllib.request


class WebSocket:
    def __init__(self, url):
        u = urllib.parse.urlparse(url)
        self.sock = socket.create_connection((u.hostname, u.port), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\n"
                           "Connection: Upgrade\r\nSec-WebSocket-Key: %s\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n" % (u.path, u.hostname, u.port, key)).encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            if not chunk:
                raise IOError("connection closed during the WebSocket handshake")
            head += chunk
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise IOError("WebSocket handshake refused: %r" % head[:200])

    def _read(self, n):
        buf = b""
        while len(buf) < n:
            chunk = self.sock.recv(n - len(buf))
            if not chunk:
                raise IOError("WebSocket closed")
            buf += chunk
        return buf

    def send(self, text):
        data = text.encode()
        n = len(data)
        head = bytes([0x81])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.sock.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def recv(self):
        message = b""
        while True:
            b0, b1 = self._read(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._read(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._read(8))[0]
            payload = self._read(n)
            opcode = b0 & 0x0F
            if opcode == 8:
                raise IOError("WebSocket closed by Chromium")
            if opcode in (9, 10):
                continue
            message += payload
            if b0 & 0x80:
                return message.decode()


class Page:
    def __init__(self, profile):
        with open(os.path.join(profile, "DevToolsActivePort")) as f:
            port = int(f.readline())
        targets = json.load(urllib.request.urlopen("http://127.0.0.1:%d/json/list" % port))
        page = next(t for t in targets if t["type"] == "page")
        self.ws = WebSocket(page["webSocketDebuggerUrl"])
        self.next_id = 0

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                if "error" in msg:
                    raise IOError("%s: %s" % (method, msg["error"]))
                return msg["result"]

    def eval(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in r:
            return None
        return r["result"].get("value")

    def wait(self, expr, secs=60.0):
        end = time.time() + secs
        while True:
            v = self.eval(expr)
            if v:
                return v
            if time.time() > end:
                return None
            time.sleep(0.2)


def show(v):
    """Prints a JavaScript value as the page would write it."""
    print("" if v is None else json.dumps(v) if isinstance(v, bool) else v)


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    page = Page(sys.argv[1])
    cmd, args = sys.argv[2], sys.argv[3:]
    if cmd == "goto":
        # The marker the view sets when a page is drawn: cleared first, so a
        # change of the #fragment alone (same document) is waited for too.
        page.eval("document.getElementById('main') && delete document.getElementById('main').dataset.ready")
        page.call("Page.navigate", url=args[0])
        ok = page.wait("document.readyState === 'complete' && "
                       "document.getElementById('main') && document.getElementById('main').dataset.ready === '1'")
        sys.exit(0 if ok else 1)
    if cmd == "wait":
        v = page.wait(args[0], float(args[1]) if len(args) > 1 else 60.0)
        if v is None:
            sys.exit(1)
        show(v)
    elif cmd == "eval":
        show(page.eval(args[0]))
    elif cmd == "shot":
        size = page.eval("[window.innerWidth, window.innerHeight]")
        clip = {"x": 0, "y": 0, "width": size[0], "height": size[1],
                "scale": float(args[1]) if len(args) > 1 else 1.0}
        data = page.call("Page.captureScreenshot", format="png", clip=clip)["data"]
        with open(args[0], "wb") as f:
            f.write(base64.b64decode(data))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
