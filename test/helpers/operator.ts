import type { SimCloudInfo } from '../../src/simulator/sandbox.js';

/**
 * An operator's own client of a sandbox cloud: plain `fetch` with a token from Keystone and the
 * endpoints of its catalog, as `curl` or the `openstack` CLI would use them. Tests use it to
 * change a cloud behind Pumphouse's back, so nothing of Pumphouse's client takes part.
 */
export type OperatorService = 'identity' | 'compute' | 'image' | 'network' | 'volume';

const VERSIONED: Record<OperatorService, { type: string; suffix: string; headers?: Record<string, string> }> = {
  identity: { type: 'identity', suffix: '/v3' },
  compute: { type: 'compute', suffix: '', headers: { 'OpenStack-API-Version': 'compute 2.93' } },
  image: { type: 'image', suffix: '/v2' },
  network: { type: 'network', suffix: '/v2.0' },
  volume: { type: 'block-storage', suffix: '', headers: { 'OpenStack-API-Version': 'volume 3.0' } },
};

export class OperatorClient {
  private constructor(private readonly token: string, private readonly endpoints: ReadonlyMap<string, string>) {}

  /** Logs in as the cloud's admin, scoped to its admin project. */
  static async login(cloud: SimCloudInfo): Promise<OperatorClient> {
    const res = await fetch(`${cloud.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        auth: {
          identity: { methods: ['password'], password: { user: { name: cloud.username, domain: { name: cloud.userDomainName }, password: cloud.password } } },
          scope: { project: { name: cloud.projectName, domain: { name: cloud.projectDomainName } } },
        },
      }),
    });
    if (res.status !== 201) throw new Error(`login to ${cloud.authUrl}: HTTP ${res.status}`);
    const token = res.headers.get('x-subject-token') ?? '';
    const body = (await res.json()) as { token: { catalog: Array<{ type: string; endpoints: Array<{ interface: string; url: string }> }> } };
    const endpoints = new Map(body.token.catalog.map((s) => [s.type, s.endpoints.find((e) => e.interface === 'public')?.url ?? '']));
    return new OperatorClient(token, endpoints);
  }

  /** Uploads an image's data (Glance `PUT /v2/images/{id}/file`). */
  async uploadImage(id: string, data: Buffer): Promise<void> {
    const res = await fetch(`${this.endpoints.get('image') ?? ''}/v2/images/${id}/file`, {
      method: 'PUT', headers: { 'x-auth-token': this.token, 'content-type': 'application/octet-stream' }, body: data,
    });
    if (res.status !== 204) throw new Error(`upload of image ${id}: HTTP ${res.status} ${(await res.text()).slice(0, 300)}`);
  }

  /** One API call; a status outside 2xx throws with the cloud's answer. Returns the JSON body, if any. */
  async call<T = Record<string, unknown>>(service: OperatorService, method: string, path: string, body?: unknown): Promise<T> {
    const api = VERSIONED[service];
    const base = `${this.endpoints.get(api.type) ?? ''}${api.suffix}`;
    const contentType = service === 'image' && method === 'PATCH' ? 'application/openstack-images-v2.1-json-patch' : 'application/json';
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-auth-token': this.token, accept: 'application/json', ...api.headers, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    if (res.status < 200 || res.status > 299) throw new Error(`${method} ${service}${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }
}
