/**
 * What the ReplicationController controller does differently from the ReplicaSet one. Upstream
 * (pkg/controller/replication) runs the ReplicaSet controller on RCs converted to ReplicaSets:
 * the selector map becomes `matchLabels`, controllerRefs say `v1 ReplicationController`, and
 * Events come from `replication-controller`. Here the shared sync takes this description instead
 * of converting objects. The selector is defaulted from the template labels at admission.
 *
 * @see kubernetes/kubernetes pkg/controller/replication/replication_controller.go, conversion.go
 */
import { selectorFromSet } from '../model/labels/selector.js';
import type { ReplicaSetKind } from './replica-set.js';

export const REPLICATION_CONTROLLER_KIND: ReplicaSetKind = {
  kind: 'ReplicationController',
  apiVersion: 'v1',
  controllerName: 'replicationcontroller-controller',
  eventSource: 'replication-controller',
  selectorOf(obj) {
    const selector = (obj.spec as { selector?: Record<string, string> } | undefined)?.selector;
    // conversion.go turns the map into matchLabels: an empty map would select everything, but
    // validation never lets an RC's selector be empty.
    return selectorFromSet(selector ?? {});
  },
};
