/** Shared fixtures for the noderesources scoring tables (upstream's makeNode and resource sets). */
import type { Node } from '../../../../src/model/types.js';
import { makeNode } from '../basic-builders.js';

/** upstream noderesources makeNode: cpu in milli, memory in bytes, scalar resources by value. */
export function resNode(name: string, milliCpu: number, memory: number, scalar: Record<string, number> = {}): Node {
  const r: Record<string, string> = { cpu: `${milliCpu}m`, memory: String(memory) };
  for (const k of Object.keys(scalar)) r[k] = String(scalar[k]);
  return makeNode(name).capacity(r).obj();
}

export const extendedRes = 'abc.com/xyz';
export const defaultResources = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];
export const extendedResourceSet = [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
  { name: extendedRes, weight: 1 },
];
