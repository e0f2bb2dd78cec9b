# unix_sock.py DIR NAME - run in the guest by tests/run_calls.bats: a server binds DIR/NAME,
# a child process connects and sends; then a second socket binds NAME relative to DIR as cwd.
import os, socket, subprocess, sys
d, name = sys.argv[1], sys.argv[2]
os.makedirs(d, exist_ok=True)
p = os.path.join(d, name)
if os.path.exists(p):
    os.unlink(p)
s = socket.socket(socket.AF_UNIX)
s.bind(p)
s.listen(1)
print("bound", s.getsockname(), flush=True)
cl = subprocess.Popen([sys.executable, "-c", """
import socket, sys
c = socket.socket(socket.AF_UNIX)
c.connect(sys.argv[1])
print("peer", c.getpeername(), flush=True)
c.sendall(b"hello over " + sys.argv[1].encode())
"""] + [p])
a, _ = s.accept()
print("got", a.recv(200).decode(), flush=True)
cl.wait()
os.chdir(d)
r = socket.socket(socket.AF_UNIX)
r.bind("rel-" + name)
print("relative", r.getsockname(), os.path.exists("rel-" + name))
