#!/usr/bin/python3
"""pynetbox (Debian's python3-pynetbox), an outside NetBox client, against nbsync-lab's
seeded users: the token limited to site id 1 lists only that site's devices, gets None
(NetBox's 404) for another site's device, and a read-only token's save() is refused with
NetBox's 403. Exits 77 (skipped) when pynetbox is not installed."""
import argparse
import os
import subprocess
import sys
import tempfile

try:
    import pynetbox
except ImportError:
    print("python3-pynetbox is not installed (scripts/deps installs it); skipped")
    sys.exit(77)

ADMIN = "0123456789abcdef0123456789abcdef01234567"
SITE1 = "3" * 40
READER = "2" * 40


def start_lab(binary, workdir):
    token_file = os.path.join(workdir, "token")
    with open(token_file, "w") as f:
        f.write(ADMIN + "\n")
    process = subprocess.Popen([binary, "--devices", "80", "--seed", "5", "--api", "127.0.0.1:0", "--ssh-port", "0",
                                "--token-file", token_file], stdout=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    if not line.startswith("ready "):
        process.kill()
        raise RuntimeError("nbsync-lab did not start: " + line)
    return process, dict(word.split("=", 1) for word in line.split()[1:])["api"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lab", required=True)
    args = parser.parse_args()
    failures = []

    def expect(what, ok):
        print(("ok   " if ok else "FAIL ") + what)
        if not ok:
            failures.append(what)

    with tempfile.TemporaryDirectory() as workdir:
        process, url = start_lab(args.lab, workdir)
        try:
            admin = pynetbox.api(url, token=ADMIN)
            site1 = pynetbox.api(url, token=SITE1)
            everything = {d.id: d.site.id for d in admin.dcim.devices.all()}
            mine = {d.id for d in site1.dcim.devices.all()}
            expected = {i for i, site in everything.items() if site == 1}
            expect(f"site-1 token lists the {len(expected)} devices of site 1 of {len(everything)}",
                   bool(expected) and mine == expected)
            other = next(i for i, site in everything.items() if site != 1)
            expect("another site's device is None (404) for the site-1 token", site1.dcim.devices.get(other) is None)
            expect("its own device comes back", site1.dcim.devices.get(min(expected)) is not None)
            device = pynetbox.api(url, token=READER).dcim.devices.get(other)
            device.description = "changed by a read-only token"
            try:
                device.save()
                expect("a read-only token's save() is refused", False)
            except pynetbox.RequestError as error:
                expect("a read-only token's save() is refused with 403", error.req.status_code == 403)
            expect("nothing changed", admin.dcim.devices.get(other).description == "")
        finally:
            process.terminate()
            process.wait(timeout=10)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
