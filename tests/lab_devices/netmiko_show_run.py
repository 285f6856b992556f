#!/usr/bin/python3
"""Logs into a lab device with Debian's Netmiko (driver cisco_ios) and prints what
send_command("show running-config") returns. Used by lab_devices tests:
  netmiko_show_run.py HOST PORT USER PASSWORD SECRET
Exit code 0 on success; any exception is printed and exits non-zero."""
import sys

from netmiko import ConnectHandler


def main():
    host, port, user, password, secret = sys.argv[1:6]
    connection = ConnectHandler(
        device_type="cisco_ios",
        host=host,
        port=int(port),
        username=user,
        password=password,
        secret=secret,
        allow_agent=False,
        use_keys=False,
        ssh_strict=False,
        system_host_keys=False,
        alt_host_keys=False,
    )
    try:
        connection.enable()
        output = connection.send_command("show running-config")
    finally:
        connection.disconnect()
    sys.stdout.write(output)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
