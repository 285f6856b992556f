// The real stack the browser suite drives: nbsync-lab (NetBox API and SSH devices on
// loopback), two `nbsync run --once` cycles with two devices' configs changed in between (so
// there is history to browse), `nbsync daemon` serving the viewer and NetBox's webhooks on a
// free port, and `nbsync netbox-setup` with the viewer's URL (NetBox's device pages then carry
// the custom link to it, and its event rule sends "back up now" webhooks to the daemon); all
// in a temp dir, every process stopped by its PID at the end, also when a test fails or the
// runner is stopped.
import { spawn, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const superToken = '0123456789abcdef0123456789abcdef01234567';
export const site1Token = '3'.repeat(40); // the lab's site-1 engineer (lab/netbox_tokens.hpp)

const simulated = new Set(['cisco-ios', 'cisco-nxos', 'arista-eos', 'juniper-junos', 'cisco-asa', 'cisco-iosxr',
  'huawei-vrp', 'paloalto-panos', 'linux', 'mikrotik-routeros', 'aruba-aoscx', 'fortinet-fortios']);
const children = new Set();

function stopAll() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
    }
  }
}
process.on('exit', stopAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopAll();
    process.exit(1);
  });
}

// Starts argv and resolves with the first match of `pattern` in its output (stdout or stderr).
function startServer(argv, pattern, what) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within 30 s:\n${output}`)), 30000);
    const look = (chunk) => {
      output += chunk;
      const match = output.match(pattern);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match, output: () => output });
      }
    };
    child.stdout.on('data', look);
    child.stderr.on('data', look);
    child.on('exit', (code) => reject(new Error(`${what} exited (${code}) before it was ready:\n${output}`)));
  });
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGTERM');
  const timeout = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timeout);
  children.delete(child);
}

export class Stack {
  async start() {
    const nbsync = process.env.NBSYNC;
    const labBinary = process.env.NBSYNC_LAB;
    if (!nbsync || !labBinary) {
      throw new Error('NBSYNC and NBSYNC_LAB must name the binaries (CTest sets them: ctest -R browser)');
    }
    this.dir = mkdtempSync(join(tmpdir(), 'nbsync-browser-'));
    writeFileSync(join(this.dir, 'token'), superToken + '\n');
    writeFileSync(join(this.dir, 'webhook.secret'), randomBytes(24).toString('hex') + '\n');
    this.lab = await startServer([labBinary, '--devices', '20', '--seed', '19', '--api', '127.0.0.1:0',
      '--ssh-port', '0', '--token-file', join(this.dir, 'token')],
    /ready api=(\S+) ssh_port=(\d+)/, 'nbsync-lab');
    this.labUrl = this.lab.match[1];
    await this.readInventory();
    this.writeConfig(this.lab.match[2]);
    this.cycle(nbsync);
    for (const device of [this.changed, this.other]) {
      const changed = await this.labRequest('POST', `/lab/devices/${device}/config`, {});
      if (!changed.ok) {
        throw new Error(`the lab did not change device ${device}'s config: ${changed.status}`);
      }
    }
    this.cycle(nbsync);
    this.viewer = await startServer([nbsync, 'daemon', '-c', join(this.dir, 'nbsync.toml')],
      /web: serving (http:\/\/127\.0\.0\.1:\d+)\//, 'nbsync daemon');
    this.base = this.viewer.match[1];
    // What an operator does once the viewer runs: NetBox's device pages link to it, and its
    // event rule sends "back up now" webhooks to it.
    this.writeConfig(this.lab.match[2], `${this.base}/devices/{{ object.id }}`, `${this.base}/netbox/webhook`);
    execFileSync(nbsync, ['netbox-setup', '-c', join(this.dir, 'nbsync.toml')], { stdio: 'pipe', timeout: 60000 });
  }

  async labRequest(method, path, body) {
    return fetch(this.labUrl + path, {
      method,
      headers: { Authorization: `Token ${superToken}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  // The devices nbsync backs up: `changed` (gets a second version) is one at site 1, `other`
  // (also changed) one at another site; `names` maps ids to names.
  async readInventory() {
    const response = await this.labRequest('GET', '/api/dcim/devices/?limit=1000&exclude=config_context');
    const { results } = await response.json();
    const reachable = results.filter((d) => d.status.value === 'active' && d.platform &&
      simulated.has(d.platform.slug) && d.primary_ip4);
    this.names = Object.fromEntries(results.map((d) => [d.id, d.name]));
    this.changed = reachable.find((d) => d.site.id === 1)?.id;
    this.other = reachable.find((d) => d.site.id !== 1)?.id;
    if (!this.changed || !this.other) {
      throw new Error('the lab fleet has no reachable device at site 1 and elsewhere; change the seed');
    }
  }

  // `historyUrl`: netbox.history_url, `webhookUrl`: webhook.url, for netbox-setup.
  writeConfig(sshPort, historyUrl = '', webhookUrl = '') {
    writeFileSync(join(this.dir, 'device.password'), 'lab-password\n');
    writeFileSync(join(this.dir, 'enable.secret'), 'lab-enable-secret\n');
    writeFileSync(join(this.dir, 'nbsync.toml'), `[netbox]
url = "${this.labUrl}"
token_file = "token"
${historyUrl ? `history_url = "${historyUrl}"\n` : ''}[ssh]
port = ${sshPort}
connect_timeout = "2s"
login_timeout = "4s"
command_idle_timeout = "3s"
site_logins_per_second = 0
[credentials]
username = "netops"
password_file = "device.password"
enable_secret_file = "enable.secret"
[storage]
database = "nbsync.db"
[web]
listen = "127.0.0.1:0"
[webhook]
secret_file = "webhook.secret"
${webhookUrl ? `url = "${webhookUrl}"\n` : ''}[daemon]
interval = "1h"
jitter = "0s"
metrics_listen = ""
`);
  }

  cycle(nbsync) {
    execFileSync(nbsync, ['run', '--once', '-c', join(this.dir, 'nbsync.toml')], { stdio: 'pipe', timeout: 240000 });
  }

  viewerLog() {
    return this.viewer ? this.viewer.output() : '';
  }

  async stop({ keepFiles }) {
    for (const server of [this.viewer, this.lab]) {
      if (server) {
        await stop(server.child);
      }
    }
    if (this.dir && !keepFiles) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
