#!/usr/bin/env python3
"""Walks every page of nbsync-lab's /api/dcim/devices/ and reports time and lab memory.

usage: /usr/bin/python3 bench/lab_api_walk.py build/nbsync-lab [DEVICES]
Prints devices, pages, seconds for the whole walk, and the lab's resident memory
(VmRSS after the walk, VmHWM peak) read from /proc.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

TOKEN = "0123456789abcdef0123456789abcdef01234567"


def memory_kib(pid):
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                fields[key] = int(value.split()[0])
    return fields


def main():
    binary = sys.argv[1]
    devices = int(sys.argv[2]) if len(sys.argv) > 2 else 100000
    with tempfile.TemporaryDirectory() as workdir:
        token_file = os.path.join(workdir, "token")
        with open(token_file, "w") as f:
            f.write(TOKEN + "\n")
        started = time.monotonic()
        lab = subprocess.Popen([binary, "--devices", str(devices), "--api", "127.0.0.1:0", "--ssh-port", "0", "--token-file", token_file],
                               stdout=subprocess.PIPE, text=True)
        try:
            line = lab.stdout.readline()
            ready_seconds = time.monotonic() - started
            url = dict(w.split("=", 1) for w in line.split()[1:])["api"]
            idle = memory_kib(lab.pid)
            next_url = url + "/api/dcim/devices/?limit=1000&exclude=config_context"
            seen = pages = 0
            started = time.monotonic()
            while next_url:
                request = urllib.request.Request(next_url, headers={"Authorization": "Token " + TOKEN})
                with urllib.request.urlopen(request, timeout=60) as response:
                    page = json.load(response)
                seen += len(page["results"])
                pages += 1
                next_url = page["next"]
            walk_seconds = time.monotonic() - started
            after = memory_kib(lab.pid)
        finally:
            lab.terminate()
            lab.wait(timeout=30)
    print(f"devices={seen} pages={pages} ready_s={ready_seconds:.2f} walk_s={walk_seconds:.2f} "
          f"lab_rss_idle_mib={idle['VmRSS'] / 1024:.1f} lab_rss_after_mib={after['VmRSS'] / 1024:.1f} "
          f"lab_peak_mib={after['VmHWM'] / 1024:.1f}")
    return 0 if seen == devices else 1


if __name__ == "__main__":
    sys.exit(main())
