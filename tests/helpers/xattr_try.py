# xattr_try.py WORKDIR VOLUME - extended-attribute reads on guest paths with symlinks anywhere,
# a directory replaced by a symlink between two calls, a volume reached through a symlink and
# the errors of missing paths: one line per call, the value or the errno name.
import errno
import os
import sys

w, vol = sys.argv[1], sys.argv[2]


def show(label, fn):
    try:
        r = fn()
        if isinstance(r, list):
            r = ",".join(sorted(a for a in r if a.startswith("user."))) or "-"
        elif isinstance(r, bytes):
            r = r.decode()
        print(label, r)
    except OSError as e:
        print(label, errno.errorcode[e.errno])


def tag(path, value):
    os.setxattr(path, "user.t", value.encode(), follow_symlinks=False)


def reads(label, path):
    show(label + " get", lambda: os.getxattr(path, "user.t"))
    show(label + " lget", lambda: os.getxattr(path, "user.t", follow_symlinks=False))
    show(label + " list", lambda: os.listxattr(path))
    show(label + " llist", lambda: os.listxattr(path, follow_symlinks=False))


os.makedirs(w + "/d/sub")
for name, value in (("d/f", "plain"), ("d/sub/f", "deep"), ("d", "dir")):
    if name != "d":
        open(w + "/" + name, "a").close()
    tag(w + "/" + name, value)
os.symlink("d", w + "/rel")  # relative, intermediate
os.symlink(w + "/d", w + "/abs")  # absolute guest path: the host has no such directory
os.symlink(w + "/d/f", w + "/lastabs")  # the last component
os.symlink(vol, w + "/tovol")  # into a volume
open(vol + "/vf", "a").close()
tag(vol + "/vf", "volume")

reads("plain", w + "/d/f")
reads("dir", w + "/d")
reads("rel", w + "/rel/sub/f")
reads("abs", w + "/abs/sub/f")
reads("lastabs", w + "/lastabs")
reads("tovol", w + "/tovol/vf")
reads("vol", vol + "/vf")
reads("missing", w + "/d/nothing")
reads("missingdir", w + "/nothing/f")
reads("notdir", w + "/d/f/x")

# p/f read, then p replaced by an absolute symlink to q: the next read must follow it.
os.makedirs(w + "/p")
os.makedirs(w + "/q")
for name, value in (("p/f", "before"), ("q/f", "after")):
    open(w + "/" + name, "a").close()
    tag(w + "/" + name, value)
reads("replace1", w + "/p/f")
os.rename(w + "/p", w + "/p.old")
os.symlink(w + "/q", w + "/p")
reads("replace2", w + "/p/f")
# and back: a real directory again
os.unlink(w + "/p")
os.rename(w + "/p.old", w + "/p")
reads("replace3", w + "/p/f")
