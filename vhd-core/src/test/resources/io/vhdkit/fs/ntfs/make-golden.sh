#!/usr/bin/env bash
# Recreates golden.img.gz of this directory (see README.md): mkntfs (ntfs-3g) and the fixture writer
# fixtures/ntfs/ntfs-fill.c (libntfs-3g). Run it here; it overwrites golden.img.gz and golden.manifest.tsv.
set -euo pipefail
export LC_ALL=C.UTF-8 TZ=UTC
ROOT=$(cd "$(dirname "$0")/../../../../../../../.." && pwd)
HERE=$(pwd)
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
gcc -O2 -Wall -o "$W/ntfs-fill" "$ROOT/fixtures/ntfs/ntfs-fill.c" $(pkg-config --cflags --libs libntfs-3g)
/usr/bin/python3 - "$W" <<'PY'
import hashlib, os, random, struct, sys
w = sys.argv[1]
os.makedirs(w + "/src")
script, manifest = [], []
def src(name, data):
    p = w + "/src/" + hashlib.sha256(name.encode()).hexdigest()[:12]
    open(p, "wb").write(data)
    return p
def text(key, n):
    r = random.Random("golden-text:" + key)
    out = b""
    while len(out) < n:
        out += r.choice([b"alpha ", b"beta ", b"gamma ", b"NTFS ", b"golden ", b"\n"])
    return out[:n]
def put(path, data, cmd="file"):
    script.append((cmd, path, src(path, data)))
    manifest.append((path, len(data), hashlib.sha256(data).hexdigest()))
def reparse(path, tag, body):
    script.append(("reparse", path, (struct.pack("<IHH", tag, len(body), 0) + body).hex()))
def link(tag, sub, relative=False):
    s = sub.encode("utf-16-le")
    if tag == 0xA000000C:
        return struct.pack("<HHHHI", 0, len(s), len(s), len(s), 1 if relative else 0) + s + s
    return struct.pack("<HHHH", 0, len(s), len(s) + 2, len(s)) + s + b"\0\0" + s + b"\0\0"
put("/hello.txt", b"Hello, golden NTFS!\n")
put("/data.bin", random.Random("golden:data").randbytes(10000))
script.append(("file", "/frag.bin", src("empty", b"")))
frag = random.Random("golden:frag").randbytes(6 * 1024 - 100)
script.append(("frag", "/frag.bin", src("/frag.bin", frag), "1024"))
manifest.append(("/frag.bin", len(frag), hashlib.sha256(frag).hexdigest()))
put("/compressed.txt", text("compressed", 40000), "cfile")
script.append(("file", "/sparse.bin", src("empty", b"")))
script.append(("truncate", "/sparse.bin", str(200 * 1024)))
sparse = bytearray(200 * 1024)
head, tail = random.Random("golden:sh").randbytes(3000), random.Random("golden:st").randbytes(2000)
sparse[:3000] = head
sparse[-2000:] = tail
script.append(("write", "/sparse.bin", src("sparse", bytes(sparse)), "0", "3000"))
script.append(("write", "/sparse.bin", src("sparse", bytes(sparse)), str(len(sparse) - 2000), "2000"))
manifest.append(("/sparse.bin", len(sparse), hashlib.sha256(sparse).hexdigest()))
put("/Straße.txt", b"sharp s\n")
script.append(("mkdir", "/dir"))
for i in range(150):
    put("/dir/entry %03d with a name long enough to fill index blocks quickly, %s.txt" % (i, "x" * 40),
        ("%d\n" % i).encode())
script.append(("mkdir", "/links"))
put("/links/target.bin", random.Random("golden:target").randbytes(3000))
for i in range(30):
    script.append(("link", "/links/target.bin", "/links/hard link %02d with a long name to fill the record.bin" % i))
script.append(("mkdir", "/symlinks"))
script.append(("file", "/symlinks/absolute", src("empty", b"")))
reparse("/symlinks/absolute", 0xA000000C, link(0xA000000C, "\\??\\C:\\hello.txt"))
script.append(("file", "/symlinks/relative", src("empty", b"")))
reparse("/symlinks/relative", 0xA000000C, link(0xA000000C, "..\\data.bin", True))
script.append(("mkdir", "/symlinks/junction"))
reparse("/symlinks/junction", 0xA0000003, link(0xA0000003, "\\??\\C:\\dir"))
put("/wof.dll", random.Random("golden:wof").randbytes(2000))
reparse("/wof.dll", 0x80000017, struct.pack("<IIII", 1, 2, 1, 0))
t = (1600000000 + 11644473600) * 10_000_000 + 1234567
for path in [m[0] for m in manifest] + ["/symlinks/absolute", "/symlinks/relative", "/symlinks/junction", "/dir",
                                        "/links", "/symlinks", "/"]:
    script.append(("times", path, str(t)))
open(w + "/golden.script", "w").write("".join("\t".join(c) + "\n" for c in script))
open(w + "/golden.manifest.tsv", "w").write("".join("%s\t%d\t%s\n" % m for m in manifest))
PY
truncate -s 3M "$W/golden.img"
mkntfs -F -Q -T -q -L GOLDEN -s 512 -c 1024 "$W/golden.img" >/dev/null 2>&1
/usr/bin/python3 - "$W/golden.img" <<'PY'
import struct, sys
with open(sys.argv[1], "r+b") as f:
    b = f.read(512)
    total = struct.unpack_from("<q", b, 0x28)[0]
    for at in (0, total * 512):
        f.seek(at + 0x48)
        f.write(struct.pack("<Q", 0x60DE4E7F5C0FFEE0))
PY
"$W/ntfs-fill" "$W/golden.img" "$W/golden.script"
ntfsinfo -f -v -F /frag.bin "$W/golden.img" | grep "Total runs"
ntfsinfo -f -F /compressed.txt "$W/golden.img" | grep "Attribute flags" | tail -1
ntfsinfo -f -F /links/target.bin "$W/golden.img" | grep -c ATTRIBUTE_LIST
gzip -9n -c "$W/golden.img" > "$HERE/golden.img.gz"
cp "$W/golden.manifest.tsv" "$HERE/golden.manifest.tsv"
{ mkntfs --version 2>&1 | grep -m1 mkntfs; echo "libntfs-3g $(pkg-config --modversion libntfs-3g)"; } > "$HERE/golden-tools.txt"
ls -l "$HERE"/golden.*
