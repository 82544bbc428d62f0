import type { Task } from '../../model/agent.js';
import { marathonAppId } from '../tasks.js';
import { expectEnd, ProtoFormatError, skipValue, subEnd, type Reader } from './message-decode.js';
import { fieldOf, type MessageSpec } from './message-spec.js';

/**
 * Tasks as GET_STATE lists them, read straight off the wire into the model's `Task`: tasks are
 * nine in ten elements of a large state, and building the JSON-shaped object of each (ids,
 * resources, scalars, labels: some twenty objects) only to convert it was most of the cost. The
 * result is what tasks.ts `taskFromV1` makes of the same task in JSON (with the app id as for a
 * Marathon task: the caller drops it for other frameworks once it knows them, as
 * state/build-state.ts does), and the checks are those the JSON path makes (v1-in-place.ts
 * `taskSchema`: required name, ids, resource names, scalar values, range bounds, label keys,
 * persistence ids): test/mesos/proto-get-state.test.ts compares the two.
 */

/** Field numbers of the messages a task is made of, from our definitions (master-read-proto.ts). */
export interface TaskFields {
  readonly task: { name: number; taskId: number; frameworkId: number; agentId: number; state: number; resources: number; labels: number };
  readonly stateNames: ReadonlyMap<number, string>;
  readonly resource: { name: number; scalar: number; ranges: number; role: number; allocationInfo: number; disk: number; revocable: number };
  readonly labels: { labels: number };
  readonly label: { key: number; value: number };
}

export function taskFields(task: MessageSpec): TaskFields {
  const res = fieldOf(task, 'resources').message;
  const labels = fieldOf(task, 'labels').message;
  const label = labels && fieldOf(labels, 'labels').message;
  const state = fieldOf(task, 'state').enumNames;
  if (!res || !labels || !label || !state) throw new Error('mesos.v1.Task: resources, labels or state not as expected');
  return {
    task: {
      name: fieldOf(task, 'name').id,
      taskId: fieldOf(task, 'task_id').id,
      frameworkId: fieldOf(task, 'framework_id').id,
      agentId: fieldOf(task, 'agent_id').id,
      state: fieldOf(task, 'state').id,
      resources: fieldOf(task, 'resources').id,
      labels: fieldOf(task, 'labels').id,
    },
    stateNames: state,
    resource: {
      name: fieldOf(res, 'name').id,
      scalar: fieldOf(res, 'scalar').id,
      ranges: fieldOf(res, 'ranges').id,
      role: fieldOf(res, 'role').id,
      allocationInfo: fieldOf(res, 'allocation_info').id,
      disk: fieldOf(res, 'disk').id,
      revocable: fieldOf(res, 'revocable').id,
    },
    labels: { labels: fieldOf(labels, 'labels').id },
    label: { key: fieldOf(label, 'key').id, value: fieldOf(label, 'value').id },
  };
}

/** Every id message here (`TaskID`, `FrameworkID`, `AgentID`, `Value.Text`, ...) is `{ required string value = 1 }`. */
const VALUE = 1;

function wire(wireType: number, expected: number, what: string): void {
  if (wireType !== expected) throw new ProtoFormatError(`${what}: wire type ${wireType}, expected ${expected}`);
}

/** A message whose only field read is one string (field 1, required): `{value}` ids, `{name}` and the like. */
function readOneString(r: Reader, end: number, what: string): string {
  let value: string | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new ProtoFormatError(`${what}: field number 0`);
    if (tag >>> 3 === VALUE) {
      wire(tag & 7, 2, what);
      value = r.string();
    } else {
      skipValue(r, tag & 7);
    }
  }
  expectEnd(r, end, what);
  if (value === undefined) throw new ProtoFormatError(`${what}: value is required`);
  return value;
}

/** `Value.Scalar { required double value = 1 }`. */
function readScalar(r: Reader, end: number): number {
  let value: number | undefined;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new ProtoFormatError('scalar: field number 0');
    if (tag >>> 3 === 1) {
      wire(tag & 7, 1, 'scalar.value');
      value = r.double();
    } else {
      skipValue(r, tag & 7);
    }
  }
  expectEnd(r, end, 'scalar');
  if (value === undefined) throw new ProtoFormatError('scalar: value is required');
  return value;
}

/** uint64 as a number, rounded once as JSON.parse rounds the master's decimal. */
function uint64(r: Reader): number {
  const v: number | { low: number; high: number } = r.uint64();
  return typeof v === 'number' ? v : (v.high >>> 0) * 4294967296 + (v.low >>> 0);
}

/** `Value.Ranges { repeated Range range = 1 }`, `Range { required uint64 begin = 1; required uint64 end = 2 }`: the count. */
function readRangesCount(r: Reader, end: number): number {
  let count = 0;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new ProtoFormatError('ranges: field number 0');
    if (tag >>> 3 !== 1) {
      skipValue(r, tag & 7);
      continue;
    }
    wire(tag & 7, 2, 'ranges.range');
    const stop = subEnd(r, end, 'range');
    let begin: number | undefined;
    let last: number | undefined;
    while (r.pos < stop) {
      const t = r.uint32();
      const id = t >>> 3;
      if (id === 0) throw new ProtoFormatError('range: field number 0');
      if (id === 1 || id === 2) {
        wire(t & 7, 0, 'range');
        if (id === 1) begin = uint64(r);
        else last = uint64(r);
      } else {
        skipValue(r, t & 7);
      }
    }
    expectEnd(r, stop, 'range');
    if (begin === undefined || last === undefined) throw new ProtoFormatError('range: begin and end are required');
    count += last - begin + 1;
  }
  expectEnd(r, end, 'ranges');
  return count;
}

/** `Resource.DiskInfo`: only checks that a `persistence` has its required `id` (as the JSON path does). */
function checkDisk(r: Reader, end: number): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new ProtoFormatError('disk: field number 0');
    if (tag >>> 3 === 1) {
      wire(tag & 7, 2, 'disk.persistence');
      readOneString(r, subEnd(r, end, 'disk.persistence'), 'disk.persistence');
    } else {
      skipValue(r, tag & 7);
    }
  }
  expectEnd(r, end, 'disk');
}

/** What one task resource adds: resources.ts `sumV1` and `allocationRole`, kept in locals. */
class Sums {
  cpus = 0;
  mem = 0;
  disk = 0;
  gpus = 0;
  ports = 0;
  role: string | undefined;
}

function readResource(r: Reader, end: number, f: TaskFields['resource'], sums: Sums): void {
  let name: string | undefined;
  let scalar: number | undefined;
  let ranges: number | undefined;
  let revocable = false;
  let role: string | undefined;
  let allocationRole: string | undefined;
  let allocated = false;
  while (r.pos < end) {
    const tag = r.uint32();
    const id = tag >>> 3;
    const wt = tag & 7;
    if (id === 0) throw new ProtoFormatError('resource: field number 0');
    if (id === f.name) {
      wire(wt, 2, 'resource.name');
      name = r.string();
    } else if (id === f.scalar) {
      wire(wt, 2, 'resource.scalar');
      scalar = readScalar(r, subEnd(r, end, 'scalar'));
    } else if (id === f.ranges) {
      wire(wt, 2, 'resource.ranges');
      ranges = readRangesCount(r, subEnd(r, end, 'ranges'));
    } else if (id === f.role) {
      wire(wt, 2, 'resource.role');
      role = r.string();
    } else if (id === f.allocationInfo) {
      wire(wt, 2, 'resource.allocation_info');
      allocated = true;
      const stop = subEnd(r, end, 'allocation_info');
      allocationRole = undefined;
      while (r.pos < stop) {
        const t = r.uint32();
        if (t >>> 3 === 0) throw new ProtoFormatError('allocation_info: field number 0');
        if (t >>> 3 === 1) {
          wire(t & 7, 2, 'allocation_info.role');
          allocationRole = r.string();
        } else {
          skipValue(r, t & 7);
        }
      }
      expectEnd(r, stop, 'allocation_info');
    } else if (id === f.disk) {
      wire(wt, 2, 'resource.disk');
      checkDisk(r, subEnd(r, end, 'disk'));
    } else if (id === f.revocable) {
      wire(wt, 2, 'resource.revocable');
      revocable = true;
      // Its contents do not matter; its length must stay inside the resource (subEnd checks).
      r.pos = subEnd(r, end, 'revocable');
    } else {
      skipValue(r, wt);
    }
  }
  expectEnd(r, end, 'resource');
  if (name === undefined) throw new ProtoFormatError('resource: name is required');
  // allocationRole: `allocation_info?.role ?? role`, the first resource with one wins.
  if (sums.role === undefined) {
    const which = allocated && allocationRole !== undefined ? allocationRole : role;
    if (which) sums.role = which;
  }
  if (revocable) return;
  if (name === 'ports') {
    if (ranges !== undefined) sums.ports += ranges;
    return;
  }
  if (scalar === undefined) return;
  if (name === 'cpus') sums.cpus += scalar;
  else if (name === 'mem') sums.mem += scalar;
  else if (name === 'disk') sums.disk += scalar;
  else if (name === 'gpus') sums.gpus += scalar;
}

/** `Labels { repeated Label labels = 1 }` into the record tasks.ts `labelsOf` makes (last key wins, no value is ""). */
function readLabels(r: Reader, end: number, f: TaskFields, out: Record<string, string>): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag >>> 3 === 0) throw new ProtoFormatError('labels: field number 0');
    if (tag >>> 3 !== f.labels.labels) {
      skipValue(r, tag & 7);
      continue;
    }
    wire(tag & 7, 2, 'labels.labels');
    const stop = subEnd(r, end, 'label');
    let key: string | undefined;
    let value = '';
    while (r.pos < stop) {
      const t = r.uint32();
      const id = t >>> 3;
      if (id === 0) throw new ProtoFormatError('label: field number 0');
      if (id === f.label.key) {
        wire(t & 7, 2, 'label.key');
        key = r.string();
      } else if (id === f.label.value) {
        wire(t & 7, 2, 'label.value');
        value = r.string();
      } else {
        skipValue(r, t & 7);
      }
    }
    expectEnd(r, stop, 'label');
    if (key === undefined) throw new ProtoFormatError('label: key is required');
    out[key] = value;
  }
  expectEnd(r, end, 'labels');
}

/**
 * One `mesos.v1.Task` in [r.pos, end), handed to `onTask` with the agent it runs on; statuses,
 * discovery, container, ... are skipped by their length.
 */
export function readTask(r: Reader, end: number, f: TaskFields, onTask: (agentId: string, task: Task) => void): void {
  let name: string | undefined;
  let id: string | undefined;
  let frameworkId: string | undefined;
  let agentId: string | undefined;
  let state = 'TASK_STAGING';
  const sums = new Sums();
  const labels: Record<string, string> = {};
  const t = f.task;
  while (r.pos < end) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wt = tag & 7;
    if (field === 0) throw new ProtoFormatError('mesos.v1.Task: field number 0');
    if (field === t.resources) {
      wire(wt, 2, 'task.resources');
      readResource(r, subEnd(r, end, 'resource'), f.resource, sums);
    } else if (field === t.name) {
      wire(wt, 2, 'task.name');
      name = r.string();
    } else if (field === t.taskId) {
      wire(wt, 2, 'task.task_id');
      id = readOneString(r, subEnd(r, end, 'task_id'), 'task_id');
    } else if (field === t.frameworkId) {
      wire(wt, 2, 'task.framework_id');
      frameworkId = readOneString(r, subEnd(r, end, 'framework_id'), 'framework_id');
    } else if (field === t.agentId) {
      wire(wt, 2, 'task.agent_id');
      agentId = readOneString(r, subEnd(r, end, 'agent_id'), 'agent_id');
    } else if (field === t.state) {
      wire(wt, 0, 'task.state');
      const n = r.int32();
      state = f.stateNames.get(n) ?? String(n);
    } else if (field === t.labels) {
      wire(wt, 2, 'task.labels');
      readLabels(r, subEnd(r, end, 'labels'), f, labels);
    } else {
      skipValue(r, wt);
    }
  }
  expectEnd(r, end, 'mesos.v1.Task');
  if (name === undefined || id === undefined || frameworkId === undefined || agentId === undefined) {
    throw new ProtoFormatError('mesos.v1.Task: name, task_id, framework_id and agent_id are required');
  }
  const appId = marathonAppId(id, labels);
  const resources = { cpus: sums.cpus, mem: sums.mem, disk: sums.disk, gpus: sums.gpus, ports: sums.ports };
  const role = sums.role;
  // The shapes tasks.ts `taskFromV1` builds (same keys, same order).
  let task: Task;
  if (role && appId) task = { id, name, frameworkId, state, resources, labels, role, appId };
  else if (role) task = { id, name, frameworkId, state, resources, labels, role };
  else if (appId) task = { id, name, frameworkId, state, resources, labels, appId };
  else task = { id, name, frameworkId, state, resources, labels };
  onTask(agentId, task);
}
