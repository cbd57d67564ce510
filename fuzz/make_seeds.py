#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets: for api_reply_decoder, reply
streams as a RouterOS router sends them (and two broken ones); for
sim_request_decoder, command streams as API clients send them (and a few
broken or oversized ones)."""
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

requests = {
    "login": sentence("/login", "=name=admin", "=password=secret"),
    "login_tagged_then_print": sentence("/login", "=name=admin", "=password=secret", ".tag=1")
    + sentence("/interface/macsec/print", "=.proplist=.id,name", "?name=macsec1", "?disabled=false", "?#|", ".tag=2"),
    "legacy_login": sentence("/login") + sentence("/login", "=name=admin", "=response=00" + "ab" * 16),
    "add_with_key": sentence("/login", "=name=admin", "=password=x")
    + sentence("/interface/macsec/add", "=interface=ether1", "=name=m1", "=cak=" + "7" * 32, "=ckn=" + "0" * 64, "=comment=", ".tag=3"),
    "listen_cancel": sentence("/login", "=name=a", "=password=b")
    + sentence("/interface/listen", ".tag=l")
    + sentence("/cancel", "=tag=l", ".tag=c"),
    "empty_sentences": b"\x00\x00" + sentence("/quit"),
    "non_minimal_prefix": b"\x80\x06/login\x00",
    "long_word": sentence("/login", "=name=admin", "=password=" + "p" * 300)
    + sentence("/system/identity/set", "=name=" + "n" * 0x4001),
    "too_many_words": sentence("/login", *["=w=%d" % i for i in range(20)]),
    "four_gib_prefix": sentence("/login")[:-1] + b"\xf0\xff\xff\xff\xff",
    "control_byte": sentence("/login")[:-1] + b"\xf8",
    "undefined_prefix": b"\xf3\x00\x00\x00\x01x",
}

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
for target, corpus in (("api_reply_decoder", seeds), ("sim_request_decoder", requests)):
    here = os.path.join(root, target)
    os.makedirs(here, exist_ok=True)
    for name, data in corpus.items():
        with open(os.path.join(here, name), "wb") as f:
            f.write(data)
    print(f"{len(corpus)} seeds in {here}")
