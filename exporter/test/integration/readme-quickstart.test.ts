import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFreePort } from '../support/free-port';
import { sampleValue, sleep } from '../support/app';

// The README's Express snippet, pasted verbatim into a new app and run by plain Node against the
// built package (dist/, as users install it): ESM as written, and CommonJS with the require line
// the README gives. Plain Node, not jest, so express is found the way it is in a real app.

const root = join(__dirname, '..', '..', '..');

function readmeSnippet(): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const m = /<!-- quickstart-app[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no quickstart-app code block');
  return m[1]!;
}

function toCommonJs(esm: string): string {
  return esm
    .replace("import express from 'express';", "const express = require('express');")
    .replace(
      "import { createPulse } from '@pulse-apm/exporter';",
      "const { createPulse } = require('@pulse-apm/exporter');",
    );
}

async function runApp(file: string, source: string): Promise<void> {
  const dir = join(root, '.tmp', 'readme-app');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, source);
  const port = await getFreePort();
  const child = spawn(process.execPath, [path], {
    env: { ...process.env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  try {
    const base = `http://127.0.0.1:${port}`;
    let ready = false;
    for (let i = 0; i < 100 && !ready; i++) {
      ready = await fetch(`${base}/metrics`).then(
        (r) => r.ok,
        () => false,
      );
      if (!ready) await sleep(100);
    }
    expect({ ready, stderr }).toEqual({ ready: true, stderr: '' });
    for (const id of ['1', '2', '3']) expect((await fetch(`${base}/users/${id}`)).status).toBe(200);
    await sleep(20);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(sampleValue(text, 'http_server_request_duration_seconds_count', { http_route: '/users/:id' })).toBe(3);
    expect(text).toContain('process_cpu_seconds_total');
  } finally {
    child.kill();
    rmSync(path, { force: true });
  }
}

describe('the README quick start', () => {
  const snippet = readmeSnippet();

  it('has the three lines a user adds', () => {
    expect(snippet).toContain('app.use(pulse.middleware())');
    expect(snippet).toContain('app.use(pulse.errorHandler())');
    expect(snippet).toContain('pulse.mount(app)');
  });

  it('works pasted into a new ESM Express app', () => runApp('app.mjs', snippet), 30_000);

  it('works pasted into a new CommonJS Express app', () => runApp('app.cjs', toCommonJs(snippet)), 30_000);
});
