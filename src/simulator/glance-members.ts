/**
 * Glance image members (sharing), write side and single-member reads: add (owner), show, set
 * the status (the member itself, or an admin), remove (owner), after Zed's
 * glance/api/v2/image_members.py with its legacy defaults (`enforce_secure_rbac = False`):
 *
 * - only `shared` images have members; the owner adds them `pending`;
 * - a member accepts or rejects (`pending | accepted | rejected`); the owner may not set it;
 * - a non-admin finds only memberships of its own project or of its own images (the DB query
 *   filters the rest out, so they are 404, never 403).
 */
import { json, type Router, type SimResponse } from './http.js';
import type { GlanceCall } from './glance.js';
import { glanceError } from './glance.js';
import { isoSeconds } from './ids.js';
import type { Image, ImageMember } from './store.js';

type Body = Record<string, unknown>;
const isObject = (v: unknown): v is Body => typeof v === 'object' && v !== null && !Array.isArray(v);
const MEMBER_STATUSES = new Set(['pending', 'accepted', 'rejected']);

export function renderMember(image: Image, m: ImageMember): Record<string, unknown> {
  return {
    created_at: isoSeconds(m.createdAt), image_id: image.id, member_id: m.memberId, schema: '/v2/schemas/member', status: m.status,
    updated_at: isoSeconds(m.updatedAt),
  };
}

/** The image as the members controller looks it up (its own 404 wording). */
function lookupImage(call: GlanceCall): Image | SimResponse {
  const id = call.req.params['id'] ?? '';
  const image = call.ctx.store.images.get(id);
  const caller = call.caller;
  const visible = image && (caller.isAdmin || image.visibility === 'public' || image.visibility === 'community' || image.ownerId === caller.projectId
    || image.members.some((m) => m.memberId === caller.projectId));
  return image && visible ? image : glanceError(call.req, 404, `Image ${id} not found.`);
}

/** The membership as Glance's DB query finds it for the caller (admin: any; others: own image or own project). */
function lookupMember(call: GlanceCall, image: Image): ImageMember | SimResponse {
  const memberId = call.req.params['member'] ?? '';
  const member = image.members.find((m) => m.memberId === memberId);
  const caller = call.caller;
  const findable = member && (caller.isAdmin || image.ownerId === caller.projectId || member.memberId === caller.projectId);
  return member && findable ? member : glanceError(call.req, 404, `${memberId} not found in the member list of the image ${image.id}.`);
}

const isImage = (x: Image | ImageMember | SimResponse): x is Image => 'visibility' in x;
const isMember = (x: ImageMember | SimResponse): x is ImageMember => 'memberId' in x;

export function addGlanceMembers(r: Router<GlanceCall>): void {
  r.add('POST', '/v2/images/:id/members', (req, call) => {
    const image = lookupImage(call);
    if (!isImage(image)) return image;
    const notAllowed = glanceError(req, 403, `Not allowed to create members for image ${image.id}.`);
    if (image.visibility !== 'shared' || (!call.caller.isAdmin && image.ownerId !== call.caller.projectId)) return notAllowed;
    if (!isObject(req.body)) return glanceError(req, 400, 'Body expected in request.');
    if (!('member' in req.body)) return glanceError(req, 400, 'Member to be added not specified');
    const member = String(req.body['member'] ?? '');
    if (member === '') return glanceError(req, 400, "Member can't be empty");
    if (image.members.some((m) => m.memberId === member)) return glanceError(req, 409, `Member ${member} is duplicated for image ${image.id}`);
    const now = Date.now();
    const created: ImageMember = { memberId: member, status: 'pending', createdAt: now, updatedAt: now };
    image.members.push(created);
    return json(200, renderMember(image, created));
  });

  r.get('/v2/images/:id/members/:member', (req, call) => {
    const image = lookupImage(call);
    if (!isImage(image)) return image;
    // Glance turns every refusal here into a 404, so as not to leak what exists.
    if (image.visibility !== 'shared') return glanceError(req, 404, 'Only shared images have members.');
    const member = lookupMember(call, image);
    return isMember(member) ? json(200, renderMember(image, member)) : member;
  });

  r.add('PUT', '/v2/images/:id/members/:member', (req, call) => {
    if (!isObject(req.body)) return glanceError(req, 400, 'Body expected in request.');
    if (!('status' in req.body)) return glanceError(req, 400, 'Status not specified');
    const image = lookupImage(call);
    if (!isImage(image)) return image;
    // The owner shares; only the member (or an admin) says whether it wants the image.
    const notAllowed = glanceError(req, 403, `Not allowed to update members for image ${image.id}.`);
    if (image.visibility !== 'shared' || (!call.caller.isAdmin && image.ownerId === call.caller.projectId)) return notAllowed;
    const member = lookupMember(call, image);
    if (!isMember(member)) return member;
    const status = req.body['status'];
    if (typeof status !== 'string' || !MEMBER_STATUSES.has(status)) {
      return glanceError(req, 400, 'Incorrect request: Status must be "pending", "accepted" or "rejected".');
    }
    member.status = status as ImageMember['status'];
    member.updatedAt = Date.now();
    return json(200, renderMember(image, member));
  });

  r.add('DELETE', '/v2/images/:id/members/:member', (req, call) => {
    const image = lookupImage(call);
    if (!isImage(image)) return image;
    const notAllowed = glanceError(req, 403, `Not allowed to delete members for image ${image.id}.`);
    if (image.visibility !== 'shared' || (!call.caller.isAdmin && image.ownerId !== call.caller.projectId)) return notAllowed;
    const member = lookupMember(call, image);
    if (!isMember(member)) return member;
    image.members = image.members.filter((m) => m !== member);
    return { status: 204 };
  });
}
