import type {
  InstanceGroupManagersClient,
  InstancesClient,
  RegionInstanceGroupManagersClient,
  RegionOperationsClient,
  ZoneOperationsClient,
} from '@google-cloud/compute';

/** The Compute clients one provider uses, sharing one credential. */
export interface ComputeClients {
  readonly zonal: InstanceGroupManagersClient;
  readonly regional: RegionInstanceGroupManagersClient;
  readonly instances: InstancesClient;
  readonly zoneOperations: ZoneOperationsClient;
  readonly regionOperations: RegionOperationsClient;
  close(): Promise<void>;
}

export interface ClientSettings {
  /** `https://host[:port]` or `http://127.0.0.1:PORT`; undefined = compute.googleapis.com. */
  readonly apiEndpoint?: string;
  /** A service-account key file instead of Application Default Credentials' search. */
  readonly keyFilename?: string;
}

/** Host, port and protocol of a custom endpoint (`http://host:port`, or a bare `host[:port]` for https), which the client takes separately. */
export function endpointParts(apiEndpoint: string): { apiEndpoint: string; port: number; protocol: 'http' | 'https' } {
  const url = new URL(/^[a-z]+:\/\//i.test(apiEndpoint) ? apiEndpoint : `https://${apiEndpoint}`);
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return { apiEndpoint: url.hostname, port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443, protocol };
}

/**
 * Loads @google-cloud/compute on first use (it is large; only gce-mig groups need it) and
 * builds its clients on the REST transport (`fallback: true`).
 *
 * With a custom endpoint the credential signs its own JWT (`useJWTAccessWithScope`): given
 * scopes, google-auth-library's JWT client otherwise trades a service-account key for a token at
 * Google's token host, which a test server or private endpoint cannot stand in for
 * (google-auth-library src/auth/jwtclient.ts, `getRequestMetadataAsync`).
 */
export async function createComputeClients(settings: ClientSettings): Promise<ComputeClients> {
  const compute = await import('@google-cloud/compute');
  const base = {
    fallback: true as const,
    ...(settings.apiEndpoint ? endpointParts(settings.apiEndpoint) : {}),
    ...(settings.keyFilename ? { keyFilename: settings.keyFilename } : {}),
  };
  const zonal = new compute.InstanceGroupManagersClient(base);
  if (settings.apiEndpoint) zonal.auth.useJWTAccessWithScope = true;
  // One GoogleAuth for all: credentials are found and tokens cached once.
  const shared = { ...base, auth: zonal.auth };
  const regional = new compute.RegionInstanceGroupManagersClient(shared);
  const instances = new compute.InstancesClient(shared);
  const zoneOperations = new compute.ZoneOperationsClient(shared);
  const regionOperations = new compute.RegionOperationsClient(shared);
  const all = [zonal, regional, instances, zoneOperations, regionOperations];
  // Each client's methods start with `this.initialize().catch((err) => { throw err; })`, which
  // turns a credential failure (say, an unreadable key file) into an unhandled rejection.
  // Initializing here, awaited, makes that failure ours; clients that failed are never used.
  try {
    await Promise.all(all.map((c) => c.initialize()));
  } catch (e) {
    await Promise.allSettled(all.map((c) => c.close()));
    throw e;
  }
  return {
    zonal,
    regional,
    instances,
    zoneOperations,
    regionOperations,
    close: async () => {
      await Promise.all(all.map((c) => c.close()));
    },
  };
}
