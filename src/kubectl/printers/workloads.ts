/**
 * `kubectl get deployments | replicasets | replicationcontrollers`.
 *
 * Deployment: NAME READY(ready/spec.replicas) UP-TO-DATE AVAILABLE AGE (+ CONTAINERS IMAGES
 * SELECTOR). ReplicaSet and ReplicationController: NAME DESIRED CURRENT READY AGE (+ the same
 * wide columns). Each kind formats its selector as upstream does: a Deployment's as the bare
 * selector string (possibly empty), a ReplicaSet's with FormatLabelSelector (`<none>` when
 * empty), a ReplicationController's map with FormatLabels.
 *
 * @see kubernetes/kubernetes pkg/printers/internalversion/printers.go (printDeployment,
 *   printReplicaSet, printReplicationController)
 */
import { labelSelectorAsSelector } from '../../model/labels/label-selector.js';
import { age, formatLabels, formatLabelSelector, num } from '../format.js';
import { cols, containerCells, type Loose, type Printer } from './types.js';

const WIDE = ['+Containers', '+Images', '+Selector'];

export const deploymentPrinter: Printer = {
  columns: cols('Name', 'Ready', 'Up-to-date', 'Available', 'Age', ...WIDE),
  row(obj, ctx) {
    const d = obj as Loose;
    const [names, images] = containerCells(d.spec?.template?.spec?.containers);
    let selector: string;
    try {
      selector = labelSelectorAsSelector(d.spec?.selector).toString();
    } catch {
      selector = '<invalid>';
    }
    return [
      obj.metadata.name,
      `${num(d.status?.readyReplicas)}/${num(d.spec?.replicas)}`,
      num(d.status?.updatedReplicas),
      num(d.status?.availableReplicas),
      age(obj.metadata.creationTimestamp, ctx),
      names,
      images,
      selector,
    ];
  },
};

export const replicaSetPrinter: Printer = {
  columns: cols('Name', 'Desired', 'Current', 'Ready', 'Age', ...WIDE),
  row(obj, ctx) {
    const rs = obj as Loose;
    const [names, images] = containerCells(rs.spec?.template?.spec?.containers);
    return [
      obj.metadata.name,
      num(rs.spec?.replicas),
      num(rs.status?.replicas),
      num(rs.status?.readyReplicas),
      age(obj.metadata.creationTimestamp, ctx),
      names,
      images,
      formatLabelSelector(rs.spec?.selector),
    ];
  },
};

export const replicationControllerPrinter: Printer = {
  columns: cols('Name', 'Desired', 'Current', 'Ready', 'Age', ...WIDE),
  row(obj, ctx) {
    const rc = obj as Loose;
    const [names, images] = containerCells(rc.spec?.template?.spec?.containers);
    return [
      obj.metadata.name,
      num(rc.spec?.replicas),
      num(rc.status?.replicas),
      num(rc.status?.readyReplicas),
      age(obj.metadata.creationTimestamp, ctx),
      names,
      images,
      formatLabels(rc.spec?.selector),
    ];
  },
};
