// Loads the captured Claude Code telemetry in fixtures/<version>/otlp-{json,protobuf}/ (arrival
// order) for the telemetry tests and the bench.

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES_DIR = fileURLToPath(new URL('../../../fixtures/', import.meta.url));
export const VERSIONS = ['claude-code-2.1.197', 'claude-code-2.1.330'] as const;
export type Encoding = 'json' | 'protobuf';

export interface FixtureBody { file: string; signal: 'logs' | 'metrics'; body: Buffer }

export function fixtureBodies(version: string, encoding: Encoding): FixtureBody[] {
  const dir = `${FIXTURES_DIR}${version}/otlp-${encoding}/`;
  return readdirSync(dir).sort().map((file) => ({
    file,
    signal: file.includes('-logs.') ? 'logs' as const : 'metrics' as const,
    body: readFileSync(dir + file),
  }));
}

export const CONTENT_TYPE: Record<Encoding, string> = { json: 'application/json', protobuf: 'application/x-protobuf' };
