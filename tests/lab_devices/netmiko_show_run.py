#!/usr/bin/python3
"""Logs into a lab device with Debian's Netmiko and prints what send_command(COMMAND)
returns, after the driver's own session preparation (prompt, enable when a secret is
not empty, paging off). Used by lab_devices tests:
  netmiko_show_run.py HOST PORT USER PASSWORD SECRET [DEVICE_TYPE [COMMAND]]
DEVICE_TYPE defaults to cisco_ios, COMMAND to "show running-config".
Exit code 0 on success; any exception is printed and exits non-zero."""
import re
import sys

from netmiko import ConnectHandler


def main():
    host, port, user, password, secret = sys.argv[1:6]
    device_type = sys.argv[6] if len(sys.argv) > 6 else "cisco_ios"
    command = sys.argv[7] if len(sys.argv) > 7 else "show running-config"
    connection = ConnectHandler(
        device_type=device_type,
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
        if secret:
            # Linux's enable() is "sudo su": a backup needs no root, so the test gives none.
            connection.enable()
        expect_string = None
        if device_type == "mikrotik_routeros":
            # RouterOS repaints the command line, prompt included, before the output, and
            # 2.4.2's send_command stops at the first prompt it reads: it would return the
            # repaint alone. Netmiko 4 anchors the prompt at the end of the output
            # (MikrotikBase._prompt_handler); this asks 2.4.2 for the same.
            expect_string = re.escape(connection.find_prompt()) + r"[ \t]*$"
        output = connection.send_command(command, expect_string=expect_string)
    finally:
        connection.disconnect()
    sys.stdout.write(output)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
