import { parseConstraint } from '../../marathon/queue.js';
import type { AppConstraint, AppSpec } from '../cluster/types.js';
import { isRecord } from './http-util.js';

const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

/** Number of host ports an app definition asks for (`ports`, `portDefinitions` or container `portMappings`). */
function portCount(body: Record<string, unknown>): number {
  const ports = body['ports'] ?? body['portDefinitions'];
  if (Array.isArray(ports)) return ports.length;
  const container = body['container'];
  if (isRecord(container)) {
    const docker = container['docker'];
    const mappings = container['portMappings'] ?? (isRecord(docker) ? docker['portMappings'] : undefined);
    if (Array.isArray(mappings)) return mappings.length;
  }
  return 0;
}

/**
 * Host ports bound by number: container `portMappings` with a non-zero `hostPort`, or
 * `portDefinitions` / `ports` with `requirePorts: true` (Marathon docs, ports.md).
 */
function fixedPorts(body: Record<string, unknown>): number[] {
  const container = body['container'];
  if (isRecord(container)) {
    const docker = container['docker'];
    const mappings = container['portMappings'] ?? (isRecord(docker) ? docker['portMappings'] : undefined);
    if (Array.isArray(mappings)) return mappings.map((m) => (isRecord(m) ? num(m['hostPort'], 0) : 0)).filter((p) => p > 0);
  }
  if (body['requirePorts'] !== true) return [];
  const defs = body['portDefinitions'];
  if (Array.isArray(defs)) return defs.map((d) => (isRecord(d) ? num(d['port'], 0) : 0)).filter((p) => p > 0);
  const ports = body['ports'];
  return Array.isArray(ports) ? ports.map((p) => num(p, 0)).filter((p) => p > 0) : [];
}

/** A Marathon app definition (`POST /v2/apps`) as an AppSpec; a string lists what is wrong. */
export function parseAppBody(body: unknown, idFromPath?: string): AppSpec | string {
  if (!isRecord(body)) return 'Object is not valid: expected an app definition';
  const id = typeof body['id'] === 'string' ? body['id'] : idFromPath;
  if (!id) return '/id: must be set';
  const constraints: AppConstraint[] = [];
  const rawConstraints = body['constraints'] ?? [];
  if (!Array.isArray(rawConstraints)) return '/constraints: must be a list';
  for (const raw of rawConstraints) {
    if (!Array.isArray(raw) || !raw.every((x): x is string => typeof x === 'string')) return '/constraints: each constraint is [field, operator, value?] of strings';
    const c = parseConstraint(raw);
    if (!c.ok) return `/constraints: ${c.error}`;
    constraints.push(c.value);
  }
  const labels: Record<string, string> = {};
  const rawLabels = body['labels'];
  if (isRecord(rawLabels)) for (const [k, v] of Object.entries(rawLabels)) if (typeof v === 'string') labels[k] = v;
  const instances = num(body['instances'], 1);
  if (instances < 0 || !Number.isInteger(instances)) return '/instances: must be a non-negative integer';
  const role = typeof body['role'] === 'string' ? body['role'] : undefined;
  const rawRoles = body['acceptedResourceRoles'];
  const acceptedRoles = Array.isArray(rawRoles) ? rawRoles.filter((r): r is string => typeof r === 'string') : [];
  const fixed = fixedPorts(body);
  const gpu = labels['GPU_SCHEDULING_BEHAVIOR'];
  return {
    id,
    instances,
    cpus: num(body['cpus'], 1),
    mem: num(body['mem'], 128),
    disk: num(body['disk'], 0),
    gpus: num(body['gpus'], 0),
    ports: portCount(body),
    constraints,
    labels,
    ...(role ? { role } : {}),
    ...(acceptedRoles.length > 0 ? { acceptedRoles } : {}),
    ...(fixed.length > 0 ? { fixedPorts: fixed } : {}),
    ...(gpu === 'restricted' || gpu === 'unrestricted' ? { gpuScheduling: gpu } : {}),
  };
}
