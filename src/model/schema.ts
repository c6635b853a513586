import type { ResourceKind } from '../inventory/model.js';

/**
 * How Pumphouse describes a resource kind: the single place that says what each field of a kind
 * *is*, in the way a Terraform provider's schema describes a resource type. Discovery fills the
 * typed attributes, the diff compares what the classes say, the step graph orders by the
 * references, resolution follows them, and verification reads a copy back against the same
 * classes. A field the API exposes that no kind accounts for fails the coverage test
 * (test/unit/model/coverage.test.ts, over recorded real and simulated responses).
 */

/**
 * The class of an inventory attribute:
 * - `key`: part of the natural key (a different value is a different object);
 * - `essential`: what the object is; a difference on the target is a conflict, never an update;
 * - `settable`: desired state apply writes on create and brings back in line with an update;
 * - `cloud`: set by the cloud (ids, times, status, usage, placement): never compared;
 * - `lost`: cannot be carried to the target; the plan's "Will not survive" list says why.
 */
export type FieldClass = 'key' | 'essential' | 'settable' | 'cloud' | 'lost';

export interface AttributeSpec {
  class: FieldClass;
  /** For `lost`: why it does not survive, as the plan prints it. For others: a note for readers. */
  why?: string;
}

/**
 * How strongly an object depends on a referenced one:
 * - `needs`: it cannot exist without it: resolution brings the referenced object along, and its
 *   step runs after the referenced object's (a grant's project, a subnet's network);
 * - `weak`: a relation the copy carries when the referenced object is on the target or moves in
 *   the same plan (then the step runs after it), and that the plan lists under "Will not survive"
 *   when it is not (a private flavor's access list, an image's members, a user's default project);
 * - `info`: recorded for reading and for other steps (a volume's servers, a router's interface
 *   ports, a server's hypervisor); no edge, nothing carried.
 */
export type ReferenceStrength = 'needs' | 'weak' | 'info';

export interface ReferenceSpec {
  kind: ResourceKind;
  strength: ReferenceStrength;
  /** The role as the plan names it: "access project", "kernel image". */
  why: string;
  /** Whether the diff compares the reference (by the referenced object's address). */
  compared?: boolean;
  /**
   * For a compared reference no API call can change once the object exists (a server's owner is
   * the user who booted it): why. A difference is then a conflict, like an essential attribute's,
   * since no update could bring it back in line.
   */
  fixed?: string;
}

/**
 * Where one field of a raw API response goes: an attribute, a reference, the name or id, or
 * nowhere with a reason. Every field a real OpenStack returns must be listed.
 */
export type ApiField =
  | { to: 'attribute'; attributes: readonly string[]; roles?: readonly string[] }
  | { to: 'reference'; roles: readonly string[] }
  | { to: 'name' }
  | { to: 'cloud'; why: string }
  | { to: 'lost'; why: string };

/** Every field of each response (by response name: `flavor`, `flavor_access`, …) a kind is read from. */
export type ApiResponses = Readonly<Record<string, Readonly<Record<string, ApiField>>>>;

export interface KindModel<A extends object = Record<string, unknown>> {
  kind: ResourceKind;
  /** Every attribute discovery writes, classified. Typed: a field added to A must be classified. */
  attributes: { readonly [P in keyof A]-?: AttributeSpec };
  references: Readonly<Record<string, ReferenceSpec>>;
  api: ApiResponses;
}

/** A kind's model with its attribute type checked against its table. */
export function defineKind<A extends object>(model: KindModel<A>): KindModel<A> {
  return model;
}

// Terse constructors for the tables, so each kind module reads as a list of fields.
export const key: AttributeSpec = { class: 'key' };
export const essential: AttributeSpec = { class: 'essential' };
export const settable: AttributeSpec = { class: 'settable' };
export const cloud: AttributeSpec = { class: 'cloud' };
export const lost = (why: string): AttributeSpec => ({ class: 'lost', why });

export const attr = (...attributes: string[]): ApiField => ({ to: 'attribute', attributes });
/** A field that fills attributes and feeds references (a server's `image`: its id and whether it boots from a volume). */
export const attrAndRef = (attributes: string[], roles: string[]): ApiField => ({ to: 'attribute', attributes, roles });
export const ref = (...roles: string[]): ApiField => ({ to: 'reference', roles });
export const NAME: ApiField = { to: 'name' };
export const ID: ApiField = { to: 'cloud', why: 'the id is the cloud’s; copies are found by mapping, mark or natural key' };
export const LINKS: ApiField = { to: 'cloud', why: 'hypermedia links' };
export const byCloud = (why: string): ApiField => ({ to: 'cloud', why });
export const notCarried = (why: string): ApiField => ({ to: 'lost', why });
export const needs = (kind: ResourceKind, why: string, compared = false): ReferenceSpec => ({ kind, strength: 'needs', why, compared });
export const weak = (kind: ResourceKind, why: string): ReferenceSpec => ({ kind, strength: 'weak', why, compared: true });
/** A weak reference set when the object is made and never after (`fixed`: why). */
export const weakFixed = (kind: ResourceKind, why: string, fixed: string): ReferenceSpec => ({ ...weak(kind, why), fixed });
export const info = (kind: ResourceKind, why: string): ReferenceSpec => ({ kind, strength: 'info', why });
