#!/usr/bin/env python3
"""Writes the seed corpus of the api_reply_decoder fuzz target: reply
streams as a RouterOS router sends them (and two broken ones)."""
import os

def length(n):
    if n < 0x80:
        return bytes([n])
    if n < 0x4000:
        return (n | 0x8000).to_bytes(2, "big")
    if n < 0x200000:
        return (n | 0xC00000).to_bytes(3, "big")
    if n < 0x10000000:
        return (n | 0xE0000000).to_bytes(4, "big")
    return b"\xf0" + n.to_bytes(4, "big")

def sentence(*words):
    out = b""
    for w in words:
        w = w.encode() if isinstance(w, str) else w
        out += length(len(w)) + w
    return out + b"\x00"

seeds = {
    "login_done": sentence("!done"),
    "login_challenge": sentence("!done", "=ret=ebddd18303a54111e2dea05a92ab46b4"),
    "print_rows": sentence("!re", "=.id=*1", "=name=macsec1", "=comment=", "=cak=a=b", ".tag=1")
    + sentence("!re", "=.id=*2", "=name=macsec2", ".tag=1")
    + sentence("!done", ".tag=1"),
    "add_ret": sentence("!done", "=ret=*7F", ".tag=2"),
    "trap": sentence("!trap", "=category=1", "=message=input does not match any value of interface", ".tag=3")
    + sentence("!done", ".tag=3"),
    "empty": sentence("!empty", ".tag=4") + sentence("!done", ".tag=4"),
    "fatal": sentence("!fatal", "session terminated on request"),
    "long_words": sentence("!re", "=comment=" + "x" * 200) + sentence("!re", "=comment=" + "y" * 0x4000),
    "four_gib_prefix": sentence("!re")[:-1] + b"\xf0\xff\xff\xff\xff",
    "control_byte": sentence("!re")[:-1] + b"\xf8",
}

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "api_reply_decoder")
os.makedirs(here, exist_ok=True)
for name, data in seeds.items():
    with open(os.path.join(here, name), "wb") as f:
        f.write(data)
print(f"{len(seeds)} seeds in {here}")
