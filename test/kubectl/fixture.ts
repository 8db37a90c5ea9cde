/** A small cluster for the kubectl tests: two nodes, a Deployment `web` of two pods, a Service. */
import { createCluster, type Cluster } from '../../src/index.js';

export const WEB = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: 'nginx:1.27', ports: [{containerPort: 80}], resources: {requests: {cpu: 100m, memory: 128Mi}}}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {selector: {app: web}, ports: [{port: 80, targetPort: 80}]}
`;

export function webCluster(): Cluster {
  const c = createCluster({ nodes: 2 });
  c.apply(WEB);
  c.advance('90s');
  return c;
}
