import { byCloud, cloud, defineKind, ID, NAME, attr, info } from '../schema.js';

export interface VolumeTypeAttributes {
  isPublic: boolean;
  description: string | null;
  extraSpecs: Record<string, string>;
  qosSpecsId: string | null;
}

/** A Cinder volume type: never copied; matched by name or spec.maps.volumeTypes (backends differ). */
export const volumeTypeModel = defineKind<VolumeTypeAttributes>({
  kind: 'volume-type',
  attributes: { isPublic: cloud, description: cloud, extraSpecs: cloud, qosSpecsId: cloud },
  references: { accessProjects: info('project', 'access project') },
  api: {
    volume_type: {
      id: ID, name: NAME, is_public: attr('isPublic'), 'os-volume-type-access:is_public': attr('isPublic'),
      description: attr('description'), extra_specs: attr('extraSpecs'), qos_specs_id: attr('qosSpecsId'),
    },
    volume_type_access: { volume_type_id: ID, project_id: byCloud('the access list of a type the target owns') },
  },
});
