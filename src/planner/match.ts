import type { Agent } from '../model/agent.js';
import type { Instance } from '../model/node-group.js';

/**
 * The one place where cloud instances are matched to Mesos agents: by hostname
 * (computer name, with or without domain), then by private IP.
 */
export function matchInstance(agent: Agent, instances: readonly Instance[]): Instance | undefined {
  const host = agent.hostname.toLowerCase();
  const short = host.split('.')[0];
  return (
    instances.find((i) => i.hostname !== undefined && i.hostname.toLowerCase() === host) ??
    instances.find((i) => i.hostname !== undefined && i.hostname.toLowerCase().split('.')[0] === short && !isIp(host)) ??
    instances.find((i) => i.privateIp !== undefined && (i.privateIp === agent.ip || i.privateIp === agent.hostname))
  );
}

function isIp(s: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(s) || s.includes(':');
}
