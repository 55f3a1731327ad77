#!/usr/bin/env python3
"""The desktop client's exact work, in Python, for bench/client.sh to time beside ours.

Reads the username and password from standard input, derives the machine ID from
/etc/machine-id, opens the same sealed device-key file (HKDF-SHA256 and AES-256-GCM),
signs a version-2 proof (ES256) for the server's origin, sends one GET /check and prints
the status and the body. The `cryptography` package does the cryptography (Debian:
python3-cryptography); urllib sends the request.

    printf 'alice\\nPASSWORD\\n' | python3 bench/python_client.py http://127.0.0.1:8080
"""
import base64
import hashlib
import hmac
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import load_der_private_key


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def origin(url):
    parts = urllib.parse.urlsplit(url)
    default = 443 if parts.scheme == "https" else 80
    port = "" if parts.port in (None, default) else ":%d" % parts.port
    return "%s://%s%s" % (parts.scheme.lower(), parts.hostname.lower(), port)


def main():
    server = sys.argv[1].rstrip("/")
    username = sys.stdin.readline().rstrip("\r\n")
    password = sys.stdin.readline().rstrip("\r\n")
    with open("/etc/machine-id") as f:
        raw = f.read().strip().encode()
    machine_id = hmac.new(raw, b"seek-auth machine-id v1", hashlib.sha256).hexdigest()

    config = os.environ.get("XDG_CONFIG_HOME") or os.path.expanduser("~/.config")
    with open(os.path.join(config, "seek-auth", "device-key")) as f:
        lines = f.read().splitlines()
    point, salt, sealed = (unb64url(line.split(" ", 1)[1]) for line in lines[1:4])
    seal = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"seek-auth device key v1").derive(raw)
    private = load_der_private_key(AESGCM(seal).decrypt(sealed[:12], sealed[12:], point), password=None)

    credentials = base64.b64encode(("%s:%s:%s" % (username, password, machine_id)).encode()).decode()
    key, now, nonce = b64url(point), str(int(time.time())), b64url(os.urandom(16))
    signed = "seek-auth-proof-v2\nGET %s/check\n%s\n%s\n%s\n%s" % (origin(server), now, nonce, key, credentials)
    r, s = decode_dss_signature(private.sign(signed.encode(), ec.ECDSA(hashes.SHA256())))
    header = ".".join([credentials, key, now, nonce, b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))])

    request = urllib.request.Request(server + "/check", headers={"SEEK_CUSTOM_AUTH": header})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            status, body = response.status, response.read()
    except urllib.error.HTTPError as refused:
        status, body = refused.code, refused.read()
    print("HTTP %d" % status)
    print(body.decode())
    return 0 if status == 200 else 1


if __name__ == "__main__":
    sys.exit(main())
