import { MemoryDocument, StateLedger } from '../../src/apply/ledger.js';
import type { Change, ServerMove } from '../../src/diff/changes.js';
import { SOURCE_METADATA_KEY, SOURCE_TAG_PREFIX } from '../../src/diff/marks.js';
import { RecordingSink } from '../../src/events/sink.js';
import type { ProgressReport, StepContext } from '../../src/executor/runner.js';
import type { StepAction } from '../../src/graph/steps.js';
import { InventoryLookup } from '../../src/inventory/lookup.js';
import type { InventoryResource } from '../../src/inventory/model.js';
import type {
  FloatingIpCreate, FloatingIpOps, FloatingIpView, ImageOps, PortOps, ImageView, ServerOps, ServerStepAdapters, ServerView, SnapshotOps, SnapshotView, VolumeOps, VolumeStepAdapters, VolumeView,
} from '../../src/migrate/adapters.js';
import { MigrationContext } from '../../src/migrate/context.js';
import type { NamedTemporaries, TemporarySpec } from '../../src/migrate/temporaries.js';
import { HttpError } from '../../src/http/errors.js';
import type { Cloud } from '../../src/openstack/index.js';
import { CallLog } from './call-log.js';
import { freshTarget, inventory } from './small-inventory.js';

/**
 * In-memory stand-ins for the clouds behind the migrate steps' adapters (src/migrate/adapters.ts):
 * each keeps its objects, changes them as OpenStack would (a stop makes SHUTOFF, a remove makes
 * the object gone: its GET is a 404), and writes every call to one CallLog (call-log.ts), so a test can
 * check what a runner did, in which order, and what the clouds hold afterwards.
 */

export function httpError(status: 400 | 404 | 409, path: string): HttpError {
  return new HttpError(
    { cloud: 'fake', service: 'fake', method: 'GET', url: `http://127.0.0.1${path}`, path },
    { status, statusText: { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict' }[status], expected: [200] },
  );
}

const marked = (sourceId: string) => (o: { tags?: string[] | undefined }): boolean => (o.tags ?? []).includes(`${SOURCE_TAG_PREFIX}${sourceId}`);

export class FakeServers implements ServerOps {
  readonly servers = new Map<string, ServerView & { name?: string }>();
  /** Called instead of the stop when set (a 409, a failure). */
  failStop?: () => Error;
  private next = 0;
  constructor(private readonly name: string, private readonly log: CallLog, private readonly images?: FakeImages) {}

  add(server: Partial<ServerView> & { id: string; name?: string }): ServerView {
    const full = { status: 'ACTIVE', metadata: {}, tags: [], locked: false, ...server };
    this.servers.set(server.id, full);
    return full;
  }
  create(fields: Omit<ServerView, 'id'> & { name?: string }): string {
    const id = `${this.name.split('.')[0]}-server-${++this.next}`;
    this.servers.set(id, { id, ...fields });
    return id;
  }
  private must(id: string): ServerView {
    const server = this.servers.get(id);
    if (!server) throw httpError(404, `/servers/${id}`);
    return server;
  }
  async get(id: string): Promise<ServerView> {
    return structuredClone(this.must(id));
  }
  async listMarked(sourceId: string): Promise<ServerView[]> {
    this.log.record(`${this.name}.listMarked ${sourceId}`);
    return [...this.servers.values()].filter(marked(sourceId)).map((s) => structuredClone(s));
  }
  async remove(id: string): Promise<void> {
    this.log.record(`${this.name}.remove ${id}`);
    this.servers.delete(id);
  }
  async start(id: string): Promise<void> {
    this.log.record(`${this.name}.start ${id}`);
    this.must(id).status = 'ACTIVE';
  }
  async stop(id: string): Promise<void> {
    this.log.record(`${this.name}.stop ${id}`);
    if (this.failStop) throw this.failStop();
    this.must(id).status = 'SHUTOFF';
  }
  async lock(id: string): Promise<void> {
    this.log.record(`${this.name}.lock ${id}`);
    this.must(id).locked = true;
  }
  async unlock(id: string): Promise<void> {
    this.log.record(`${this.name}.unlock ${id}`);
    this.must(id).locked = false;
  }
  async addMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    this.log.record(`${this.name}.addMetadata ${id} ${Object.keys(metadata).join(',')}`);
    Object.assign(this.must(id).metadata, metadata);
  }
  async snapshot(id: string, name: string, metadata: Record<string, string>): Promise<string> {
    this.log.record(`${this.name}.snapshot ${id}`);
    this.must(id);
    if (!this.images) throw new Error('no images on this fake cloud');
    return this.images.add({ name, properties: { ...metadata } }).id;
  }
}

export class FakeImages implements ImageOps {
  readonly images = new Map<string, ImageView & { name?: string; tags?: string[] }>();
  private next = 0;
  constructor(private readonly name: string, private readonly log: CallLog) {}

  add(image: Partial<ImageView> & { name?: string; tags?: string[] }): ImageView {
    const id = image.id ?? `${this.name.split('.')[0]}-image-${++this.next}`;
    const full = { id, status: 'active', disk_format: 'qcow2', container_format: 'bare', min_disk: 0, min_ram: 0, properties: {}, ...image };
    this.images.set(id, full);
    return full;
  }
  async get(id: string): Promise<ImageView> {
    const image = this.images.get(id);
    if (!image) throw httpError(404, `/images/${id}`);
    return structuredClone(image);
  }
  async listByProperty(key: string, value: string): Promise<ImageView[]> {
    return [...this.images.values()].filter((i) => i.properties[key] === value);
  }
  async setProperties(id: string, properties: Record<string, string>): Promise<void> {
    this.log.record(`${this.name}.setProperties ${id}`);
    const image = this.images.get(id);
    if (!image) throw httpError(404, `/images/${id}`);
    Object.assign(image.properties, properties);
  }
  async remove(id: string): Promise<void> {
    this.log.record(`${this.name}.remove ${id}`);
    this.images.delete(id);
  }
}

/**
 * Neutron's floating IPs on one fake cloud: an address is taken once (a second allocation of it
 * is a 409), and only addresses `inRange` can be asked for (else a 400, as Neutron answers); one
 * allocated without an address comes from the pool (203.0.113.200 on).
 */
export class FakeFloatingIps implements FloatingIpOps {
  readonly floatingIps = new Map<string, FloatingIpView & { description?: string }>();
  inRange: (address: string) => boolean = (address) => address.startsWith('203.0.113.');
  private next = 0;
  constructor(private readonly name: string, private readonly log: CallLog) {}

  add(fip: Partial<FloatingIpView> & { id: string; floating_ip_address: string; description?: string }): FloatingIpView {
    const full = { floating_network_id: 'net', project_id: 'project', port_id: null, tags: [], ...fip };
    this.floatingIps.set(fip.id, full);
    return full;
  }
  /** The floating IPs holding `address`. */
  holding(address: string): FloatingIpView[] {
    return [...this.floatingIps.values()].filter((f) => f.floating_ip_address === address);
  }
  async portOf(id: string): Promise<string | null> {
    return this.floatingIps.get(id)?.port_id ?? null;
  }
  async setPort(id: string, portId: string): Promise<void> {
    this.log.record(`${this.name}.setPort ${id} ${portId}`);
    const fip = this.floatingIps.get(id);
    if (fip) fip.port_id = portId;
    // One the test did not add (a copy made by an earlier step): its association is what counts.
    else this.add({ id, floating_ip_address: '?', port_id: portId });
  }
  async listMarked(sourceId: string): Promise<FloatingIpView[]> {
    return [...this.floatingIps.values()].filter(marked(sourceId)).map((f) => structuredClone(f));
  }
  async listByAddress(address: string, projectId?: string): Promise<FloatingIpView[]> {
    return this.holding(address).filter((f) => projectId === undefined || f.project_id === projectId).map((f) => structuredClone(f));
  }
  async create(body: FloatingIpCreate): Promise<FloatingIpView> {
    this.log.record(`${this.name}.create ${body.floating_ip_address ?? '(any)'}`);
    const wanted = body.floating_ip_address;
    if (wanted !== undefined && this.holding(wanted).length > 0) throw httpError(409, '/floatingips');
    if (wanted !== undefined && !this.inRange(wanted)) throw httpError(400, '/floatingips');
    let address = wanted;
    while (address === undefined || this.holding(address).length > 0) address = `203.0.113.${200 + this.next++}`;
    const id = `${this.name.split('.')[0]}-fip-${this.floatingIps.size + 1}-${address}`;
    return structuredClone(this.add({ id, floating_ip_address: address, floating_network_id: body.floating_network_id, project_id: body.project_id, description: body.description }));
  }
  async setTags(id: string, tags: readonly string[]): Promise<void> {
    this.log.record(`${this.name}.setTags ${id}`);
    const fip = this.floatingIps.get(id);
    if (!fip) throw httpError(404, `/floatingips/${id}`);
    fip.tags = [...tags];
  }
  async remove(id: string): Promise<void> {
    this.log.record(`${this.name}.remove ${id}`);
    if (!this.floatingIps.delete(id)) throw httpError(404, `/floatingips/${id}`);
  }
}

/** Target ports' admin state (true unless set). */
export class FakePorts implements PortOps {
  readonly adminUp = new Map<string, boolean>();
  constructor(private readonly log: CallLog) {}
  async adminStateUp(id: string): Promise<boolean> {
    return this.adminUp.get(id) ?? true;
  }
  async setAdminStateUp(id: string, up: boolean): Promise<void> {
    this.log.record(`target.ports.setAdminStateUp ${id} ${up}`);
    this.adminUp.set(id, up);
  }
}

export class FakeVolumes implements VolumeOps {
  readonly volumes = new Map<string, VolumeView & { name?: string | null; metadata?: Record<string, string> }>();
  private next = 0;
  constructor(private readonly name: string, private readonly log: CallLog, private readonly images?: FakeImages) {}

  add(volume: Partial<VolumeView> & { id?: string; name?: string | null; metadata?: Record<string, string> }): VolumeView {
    const id = volume.id ?? `${this.name.split('.')[0]}-volume-${++this.next}`;
    const full = { id, status: 'available', size: 1, bootable: 'false', attachments: [], ...volume };
    this.volumes.set(id, full);
    return full;
  }
  async get(id: string): Promise<VolumeView> {
    const volume = this.volumes.get(id);
    if (!volume) throw httpError(404, `/volumes/${id}`);
    return structuredClone(volume);
  }
  async listMarked(sourceId: string): Promise<VolumeView[]> {
    return [...this.volumes.values()].filter((v) => v.metadata?.[SOURCE_METADATA_KEY] === sourceId).map((v) => structuredClone(v));
  }
  async create(body: Parameters<VolumeOps['create']>[0]): Promise<VolumeView> {
    this.log.record(`${this.name}.create ${body.name ?? ''}`);
    return this.add({ size: body.size, name: body.name ?? null, metadata: { ...body.metadata }, bootable: body.imageRef ? 'true' : 'false' });
  }
  async remove(id: string): Promise<void> {
    this.log.record(`${this.name}.remove ${id}`);
    this.volumes.delete(id);
  }
  async uploadToImage(id: string, imageName: string): Promise<string> {
    this.log.record(`${this.name}.uploadToImage ${id}`);
    if (!this.images) throw new Error('no images on this fake cloud');
    return this.images.add({ name: imageName, properties: { from_volume: id } }).id;
  }
  async setBootable(id: string, bootable: boolean): Promise<void> {
    this.log.record(`${this.name}.setBootable ${id} ${bootable}`);
    (this.volumes.get(id) as VolumeView).bootable = String(bootable);
  }
  async setImageMetadata(id: string, metadata: Record<string, string>): Promise<void> {
    this.log.record(`${this.name}.setImageMetadata ${id}`);
    const volume = this.volumes.get(id) as VolumeView;
    volume.volume_image_metadata = { ...volume.volume_image_metadata, ...metadata };
  }
  async unsetImageMetadata(id: string, key: string): Promise<void> {
    this.log.record(`${this.name}.unsetImageMetadata ${id} ${key}`);
    delete (this.volumes.get(id) as VolumeView).volume_image_metadata?.[key];
  }
}

export class FakeSnapshots implements SnapshotOps {
  readonly snapshots = new Map<string, SnapshotView & { name: string }>();
  private next = 0;
  constructor(private readonly log: CallLog) {}
  async get(id: string): Promise<SnapshotView> {
    const snapshot = this.snapshots.get(id);
    if (!snapshot) throw httpError(404, `/snapshots/${id}`);
    return structuredClone(snapshot);
  }
  async create(body: { volume_id: string; name: string }): Promise<SnapshotView> {
    this.log.record(`source.snapshots.create ${body.volume_id}`);
    const snapshot = { id: `source-snapshot-${++this.next}`, status: 'available', name: body.name };
    this.snapshots.set(snapshot.id, snapshot);
    return snapshot;
  }
  async remove(id: string): Promise<void> {
    this.log.record(`source.snapshots.remove ${id}`);
    this.snapshots.delete(id);
  }
}

/** Attribute values the target "did not keep", by source address: the read-back shows them instead. */
export type Drift = Map<string, Record<string, unknown>>;

/**
 * The read-back of a fake copy: the source object as the target would describe it, with the
 * copy's own status, lock, metadata and tags (marks included, as Nova returns them) for a server,
 * and `drift` over it; undefined when the copy is gone.
 */
function fakeReadBack(exists: (source: InventoryResource, id: string) => ServerView | VolumeView | boolean, drift: Drift) {
  return async (source: InventoryResource, id: string): Promise<InventoryResource | undefined> => {
    const live = exists(source, id);
    if (!live) return undefined;
    const own = typeof live === 'object' && 'metadata' in live && 'locked' in live
      ? { status: live.status, locked: live.locked ?? false, metadata: live.metadata, tags: live.tags ?? [] }
      : {};
    return { ...source, id, attributes: { ...source.attributes, ...own, ...drift.get(source.address) } };
  };
}

/** Both fake clouds as the server step sees them, with the log of every call. */
export class FakeServerClouds implements ServerStepAdapters {
  readonly log = new CallLog();
  readonly drift: Drift = new Map();
  readonly sourceImages = new FakeImages('source.images', this.log);
  readonly targetImages = new FakeImages('target.images', this.log);
  readonly source = { servers: new FakeServers('source.servers', this.log, this.sourceImages), images: this.sourceImages, floatingIps: new FakeFloatingIps('source.floatingIps', this.log) };
  readonly target = {
    servers: new FakeServers('target.servers', this.log), images: this.targetImages, floatingIps: new FakeFloatingIps('target.floatingIps', this.log), ports: new FakePorts(this.log),
  };
  /** The status a new copy boots into (Nova: ACTIVE). */
  bootsInto = 'ACTIVE';
  /** What each boot asked for. */
  readonly boots: Array<Parameters<ServerStepAdapters['boot']>[3] & { projectId: string }> = [];
  readBack = fakeReadBack((source, id) => (source.kind === 'server' ? this.target.servers.servers.get(id) ?? false : true), this.drift);

  async boot(_ctx: StepContext, _source: InventoryResource, projectId: string, body: Parameters<ServerStepAdapters['boot']>[3]): Promise<string> {
    this.log.record(`target.boot ${body.name}`);
    this.boots.push({ ...structuredClone(body), projectId });
    return this.target.servers.create({ name: body.name, status: this.bootsInto, metadata: { ...body.metadata }, tags: [...(body.tags ?? [])], locked: false });
  }
  async copyImage(_ctx: StepContext, sourceImageId: string, record: () => Record<string, unknown>): Promise<string> {
    this.log.record(`copyImage ${sourceImageId}`);
    const fields = record();
    return this.targetImages.add({ name: String(fields['name']), tags: fields['tags'] as string[], properties: {} }).id;
  }
  async findImageCopy(sourceImageId: string): Promise<{ id: string } | undefined> {
    return [...this.targetImages.images.values()].find(marked(sourceImageId));
  }
  async temporaries(): Promise<NamedTemporaries> {
    return { usable: [], failed: [] };
  }
}

/** Both fake clouds as the volume step sees them. */
export class FakeVolumeClouds implements VolumeStepAdapters {
  readonly log = new CallLog();
  readonly drift: Drift = new Map();
  readonly sourceImages = new FakeImages('source.images', this.log);
  readonly targetImages = new FakeImages('target.images', this.log);
  readonly source = {
    servers: new FakeServers('source.servers', this.log), volumes: new FakeVolumes('source.volumes', this.log, this.sourceImages),
    snapshots: new FakeSnapshots(this.log), images: this.sourceImages,
  };
  readonly target = { volumes: new FakeVolumes('target.volumes', this.log), images: this.targetImages };
  readonly created: Array<{ projectId: string; body: Parameters<VolumeStepAdapters['createVolumeIn']>[1] }> = [];
  readBack = fakeReadBack((_source, id) => this.target.volumes.volumes.get(id) ?? false, this.drift);

  async createVolumeIn(projectId: string, body: Parameters<VolumeStepAdapters['createVolumeIn']>[1]): Promise<VolumeView> {
    this.created.push({ projectId, body: structuredClone(body) });
    return this.target.volumes.create(body);
  }
  async copyImage(_ctx: StepContext, sourceImageId: string, record: () => Record<string, unknown>): Promise<string> {
    this.log.record(`copyImage ${sourceImageId}`);
    return this.targetImages.add({ name: String(record()['name']) }).id;
  }
  /** What a killed run left under the temporary's name. */
  async temporaries(spec: TemporarySpec): Promise<NamedTemporaries> {
    if (spec.cloud !== 'source' || spec.kind !== 'volume-snapshot') return { usable: [], failed: [] };
    const named = [...this.source.snapshots.snapshots.values()].filter((s) => s.name === spec.name);
    return { usable: named.filter((s) => s.status !== 'error').map((s) => s.id), failed: named.filter((s) => s.status === 'error').map((s) => s.id) };
  }
}

export interface ContextOptions {
  resources: InventoryResource[];
  /** Target ids of what the step needs (its steps ran before). */
  mappings?: Record<string, string>;
  /** The plan's change of the step's object: a move by default. */
  change: { address: string; kind: Change['kind']; action?: Change['action']; move?: Partial<ServerMove>; differences?: Change['differences']; target?: Change['target'] };
  /** More changes of the plan (the server a volume is attached to). */
  changes?: Change[];
}

const PUMPHOUSE_USER = 'id-pumphouse';

function changeOf(options: ContextOptions['change']): Change {
  const action = options.action ?? 'migrate';
  const move: ServerMove = { strategy: 'snapshot', volumes: 'attached', source: 'keep-stopped', bytes: 0, downtimeSeconds: 0, ...options.move };
  return {
    address: options.address, kind: options.kind, action, differences: options.differences ?? [], reason: '', impact: action === 'migrate' ? 'downtime' : 'none',
    willNotSurvive: [], ...(action === 'migrate' ? { move } : {}), ...(options.target ? { target: options.target } : {}),
  };
}

/** A MigrationContext over in-memory lookups and ledger; the clouds are the fakes' (never reached through `m`). */
export function fakeContext(options: ContextOptions): { m: MigrationContext; events: RecordingSink } {
  const ledger = new StateLedger(new MemoryDocument());
  for (const [address, id] of Object.entries(options.mappings ?? {})) ledger.setMapping(address, id);
  const target = { label: 'target', session: { info: { user: { id: PUMPHOUSE_USER } } } } as unknown as Cloud;
  const source = { label: 'source' } as unknown as Cloud;
  const events = new RecordingSink();
  const m = new MigrationContext({
    planName: 'unit', settings: { maps: { networks: {}, volumeTypes: { lvm: 'lvm-target' }, availabilityZones: {}, flavors: {} }, passwords: 'skip' },
    source, target, targetConfig: {} as never, sourceLookup: new InventoryLookup(inventory('source', options.resources)), targetLookup: new InventoryLookup(freshTarget()),
    changes: [changeOf(options.change), ...(options.changes ?? [])], ledger, events, passwords: { record: async () => undefined, known: () => undefined },
    connect: async () => target, pollMs: 1, waitTimeoutMs: 2000,
  });
  return { m, events };
}

/** Target ids for every source object but those of `except`'s kinds: `t-<address>`. */
export function mappedExcept(resources: readonly InventoryResource[], ...except: Array<Change['kind']>): Record<string, string> {
  return Object.fromEntries(resources.filter((r) => !except.includes(r.kind)).map((r) => [r.address, `t-${r.address}`]));
}

/** One attempt of a step, as the executor gives it: its checkpoint kept across attempts made with `next`. */
export class FakeStepContext implements StepContext {
  readonly signal = new AbortController().signal;
  readonly phases: string[] = [];
  private saved: Record<string, unknown> | undefined;
  constructor(readonly step: StepContext['step'], readonly attempt = 1, saved?: Record<string, unknown>) {
    this.saved = saved;
  }
  static of(action: StepAction, kind: Change['kind'], address: string): FakeStepContext {
    return new FakeStepContext({ id: `${action}:${address}`, action, kind, address, dependsOn: [] });
  }
  get checkpoint(): Readonly<Record<string, unknown>> | undefined {
    return this.saved;
  }
  progress(report: ProgressReport): void {
    if (report.phase) this.phases.push(report.phase);
  }
  async saveCheckpoint(values: Record<string, unknown>): Promise<void> {
    this.saved = { ...this.saved, ...values };
  }
  /** The next attempt of the same step: a new context, the same checkpoint. */
  next(): FakeStepContext {
    return new FakeStepContext(this.step, this.attempt + 1, this.saved);
  }
}
