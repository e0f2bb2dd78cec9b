# thr_cwd.py: a thread's chdir and chroot act for the whole process (CLONE_FS): the main thread
# then resolves relative and absolute paths from there (run_more.bats).
import os, threading
os.makedirs("/tmp/d/jail", exist_ok=True)
open("/tmp/d/f", "w").write("in d\n")
open("/tmp/d/jail/marker", "w").write("in jail\n")
os.chdir("/")
t = threading.Thread(target=os.chdir, args=("/tmp/d",))
t.start(); t.join()
print(open("f").read().strip(), os.getcwd())
t = threading.Thread(target=os.chroot, args=("/tmp/d/jail",))
t.start(); t.join()
print(open("/marker").read().strip(), os.path.exists("/tmp"))
