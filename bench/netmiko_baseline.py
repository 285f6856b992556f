#!/usr/bin/python3
"""The baseline a network team writes today: Netmiko in a thread pool.

usage: /usr/bin/python3 bench/netmiko_baseline.py --devices-file FILE --out DIR
           [--workers 20] [--user U] [--password-file F] [--secret-file F] [--fast-cli]

FILE has one device a line, "id address port platform-slug" (the same list the floor
client reads). For each device, in a ThreadPoolExecutor of 20 workers: ConnectHandler with
the platform's Netmiko driver, enable() where the platform has an enable mode, then
send_command() of the platform's config command, SHA-256 of the output, and the config
written to DIR/<id>.cfg only when the hash differs from DIR/<id>.sha256 (a file per changed
config). Every device has its own try/except: one failure never stops the run. Netmiko's own
default delays are kept (that is what teams run); --fast-cli sets fast_cli=True.

Prints one JSON line: devices, ok, changed, failed, bytes, wall_seconds, first_failures.
"""
import argparse
import concurrent.futures
import hashlib
import json
import os
import sys
import time

from netmiko import ConnectHandler

# NetBox platform slug -> (Netmiko driver, config command, has an enable mode)
DRIVERS = {
    "cisco-ios": ("cisco_ios", "show running-config", True),
    "cisco-nxos": ("cisco_nxos", "show running-config", False),
    "arista-eos": ("arista_eos", "show running-config", True),
    "juniper-junos": ("juniper_junos", "show configuration", False),
}


def back_up(device, args, password, secret):
    device_id, address, port, platform = device
    driver, command, has_enable = DRIVERS[platform]
    connection = ConnectHandler(
        device_type=driver,
        host=address,
        port=port,
        username=args.user,
        password=password,
        secret=secret,
        fast_cli=args.fast_cli,
        allow_agent=False,
        use_keys=False,
        ssh_strict=False,
        system_host_keys=False,
        alt_host_keys=False,
    )
    try:
        if has_enable:
            connection.enable()
        config = connection.send_command(command)
    finally:
        connection.disconnect()
    if not config.strip():
        raise RuntimeError("empty output")
    digest = hashlib.sha256(config.encode()).hexdigest()
    hash_file = os.path.join(args.out, f"{device_id}.sha256")
    try:
        with open(hash_file) as f:
            previous = f.read().strip()
    except FileNotFoundError:
        previous = None
    changed = previous != digest
    if changed:
        with open(os.path.join(args.out, f"{device_id}.cfg"), "w") as f:
            f.write(config)
        with open(hash_file, "w") as f:
            f.write(digest + "\n")
    return len(config), changed


def read_devices(path):
    devices = []
    with open(path) as f:
        for line in f:
            fields = line.split()
            if len(fields) == 4 and fields[3] in DRIVERS:
                devices.append((int(fields[0]), fields[1], int(fields[2]), fields[3]))
    return devices


def read_secret(path):
    with open(path) as f:
        return f.readline().strip()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices-file", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--user", default="netops")
    parser.add_argument("--password-file", required=True)
    parser.add_argument("--secret-file", required=True)
    parser.add_argument("--fast-cli", action="store_true")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    password = read_secret(args.password_file)
    secret = read_secret(args.secret_file)
    devices = read_devices(args.devices_file)

    ok = changed = failed = total_bytes = 0
    failures = []
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
        futures = {pool.submit(back_up, d, args, password, secret): d for d in devices}
        for future in concurrent.futures.as_completed(futures):
            device = futures[future]
            try:
                size, was_changed = future.result()
                ok += 1
                changed += int(was_changed)
                total_bytes += size
            except Exception as error:  # per device: record and go on
                failed += 1
                if len(failures) < 5:
                    failures.append(f"{device[1]} ({device[3]}): {type(error).__name__}: {str(error)[:160]}")
    wall = time.monotonic() - started
    print(json.dumps({"devices": len(devices), "ok": ok, "changed": changed, "failed": failed, "bytes": total_bytes,
                      "wall_seconds": round(wall, 3), "fast_cli": args.fast_cli, "first_failures": failures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
