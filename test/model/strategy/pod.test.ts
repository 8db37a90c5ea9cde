import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { formatFieldError, type FieldError } from '../../../src/model/errors.js';
import type { Pod, PodSpec } from '../../../src/model/types.js';
import {
  defaultImagePullPolicy,
  defaultPodSpec,
  podStrategy,
  validatePodSpec,
  validatePodTemplateSpec,
  validateResourceRequirements,
  validateTolerations,
} from '../../../src/model/strategy/pod.js';

const fmt = (errs: FieldError[]): string[] => errs.map(formatFieldError);

function pod(spec: Record<string, unknown> = {}): Pod {
  const p = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns' },
    spec: { containers: [{ name: 'ctr', image: 'image' }], ...spec },
  } as unknown as Pod;
  podStrategy.applyDefaults(p);
  return p;
}

function specOf(extra: Record<string, unknown>): PodSpec {
  const s = { containers: [{ name: 'ctr', image: 'image' }], ...extra } as unknown as PodSpec;
  defaultPodSpec(s);
  return s;
}

describe('defaultPodSpec', () => {
  // Ported from kubernetes/kubernetes pkg/apis/core/v1/defaults_test.go (TestSetDefaultPodSpec*,
  // TestSetDefaultProbe, TestSetDefaultContainer*)
  it('fills the PodSpec and container defaults', () => {
    const s = {
      containers: [
        {
          name: 'c',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80 }],
          livenessProbe: { httpGet: { port: 80 } },
          env: [{ name: 'N', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }],
        },
      ],
      initContainers: [{ name: 'i', image: 'busybox' }],
      volumes: [{ name: 'v' }, { name: 's', secret: { secretName: 'x' } }],
    } as unknown as PodSpec;
    defaultPodSpec(s);
    expect(s).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      securityContext: {},
      volumes: [{ name: 'v', emptyDir: {} }, { name: 's', secret: { secretName: 'x', defaultMode: 420 } }],
    });
    const c = s.containers[0]!;
    expect(c).toMatchObject({
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ports: [{ containerPort: 80, protocol: 'TCP' }],
      livenessProbe: {
        timeoutSeconds: 1,
        periodSeconds: 10,
        successThreshold: 1,
        failureThreshold: 3,
        httpGet: { port: 80, path: '/', scheme: 'HTTP' },
      },
    });
    expect(c.env![0]!.valueFrom!.fieldRef!.apiVersion).toBe('v1');
    expect(s.initContainers![0]!.imagePullPolicy).toBe('Always');
    // Pod-only defaults stay off templates (SetDefaults_Pod, not SetDefaults_PodSpec).
    expect(s.enableServiceLinks).toBeUndefined();
  });

  it('keeps values the user set', () => {
    const s = specOf({ restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0 });
    expect(s).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'Default', terminationGracePeriodSeconds: 0 });
  });

  it('ignores malformed input instead of throwing', () => {
    for (const bad of [{ containers: 'x' }, { containers: [1, null] }, { volumes: {} }, 'x', null]) {
      expect(() => defaultPodSpec(bad as unknown as PodSpec)).not.toThrow();
    }
  });
});

// Ported from kubernetes/kubernetes pkg/apis/core/v1/defaults_test.go (TestSetDefaultImagePullPolicy)
// and pkg/util/parsers tests: no tag means latest; a digest counts as pinned.
it.each`
  image                                                                               | expected
  ${'docker.io/library/nginx'}                                                        | ${'Always'}
  ${'nginx'}                                                                          | ${'Always'}
  ${'nginx:latest'}                                                                   | ${'Always'}
  ${'localhost:5000/nginx'}                                                           | ${'Always'}
  ${'localhost:5000/nginx:latest'}                                                    | ${'Always'}
  ${'nginx:1.25'}                                                                     | ${'IfNotPresent'}
  ${'localhost:5000/nginx:v1'}                                                        | ${'IfNotPresent'}
  ${'nginx@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}  | ${'IfNotPresent'}
  ${'nginx:latest@sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'} | ${'Always'}
  ${''}                                                                               | ${'IfNotPresent'}
`('imagePullPolicy for $image is $expected', ({ image, expected }) => {
  expect(defaultImagePullPolicy(image)).toBe(expected);
});

describe('podStrategy.applyDefaults', () => {
  it('applies pod-only defaults: requests from limits, enableServiceLinks, host ports', () => {
    const p = pod({
      hostNetwork: true,
      containers: [
        {
          name: 'c',
          image: 'i:1',
          ports: [{ containerPort: 8080 }],
          resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } },
        },
      ],
    });
    const c = p.spec!.containers[0]!;
    expect(c.resources).toEqual({ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } });
    expect(c.ports![0]!.hostPort).toBe(8080);
    expect(p.spec!.enableServiceLinks).toBe(true);
  });

  const notReady = { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const unreachable = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 };
  const foo = { key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule', tolerationSeconds: 700 };
  const nr700 = { ...notReady, tolerationSeconds: 700 };
  const un700 = { ...unreachable, tolerationSeconds: 700 };
  const unNoEffect = { key: 'node.kubernetes.io/unreachable', operator: 'Exists', tolerationSeconds: 700 };
  const wildcard = { operator: 'Exists', tolerationSeconds: 700 };
  // Ported from kubernetes/kubernetes plugin/pkg/admission/defaulttolerationseconds/admission_test.go
  it.each`
    why                                                     | given                 | expected
    ${'no tolerations: add both'}                           | ${[]}                 | ${[notReady, unreachable]}
    ${'unrelated toleration: add both after it'}            | ${[foo]}              | ${[foo, notReady, unreachable]}
    ${'not-ready tolerated: add unreachable'}               | ${[nr700]}            | ${[nr700, unreachable]}
    ${'unreachable tolerated: add not-ready'}               | ${[un700]}            | ${[un700, notReady]}
    ${'both tolerated: no change'}                          | ${[nr700, un700]}     | ${[nr700, un700]}
    ${'unreachable with empty effect counts as tolerated'}  | ${[unNoEffect]}       | ${[unNoEffect, notReady]}
    ${'wildcard toleration: no change'}                     | ${[wildcard]}         | ${[wildcard]}
  `('DefaultTolerationSeconds: $why', ({ given, expected }) => {
    const p = pod({ tolerations: structuredClone(given) });
    expect(p.spec!.tolerations).toEqual(expected);
  });
});

describe('validatePodSpec / podStrategy.validateCreate', () => {
  it('accepts a defaulted minimal pod', () => {
    expect(podStrategy.validateCreate(pod())).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidatePodSpec,
  // TestValidateContainers, TestValidatePorts, TestValidateProbe success cases)
  it.each([
    ['restartPolicy OnFailure', { restartPolicy: 'OnFailure' }],
    ['dnsPolicy None with nameservers', { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.2.3.4'] } }],
    ['activeDeadlineSeconds max int32', { activeDeadlineSeconds: 2147483647 }],
    ['nodeSelector', { nodeSelector: { 'kubernetes.io/hostname': 'node-1' } }],
    ['named ports', { containers: [{ name: 'c', image: 'i', ports: [{ name: 'http', containerPort: 80 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] }],
    ['probe with tcpSocket', { containers: [{ name: 'c', image: 'i', readinessProbe: { tcpSocket: { port: 'http' } } }] }],
    ['limits above requests', { containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '500m' }, limits: { cpu: '1' } } }] }],
    ['extended resource with equal request and limit', { containers: [{ name: 'c', image: 'i', resources: { requests: { 'example.com/gpu': '2' }, limits: { 'example.com/gpu': '2' } } }] }],
    ['init container with the restartable sidecar policy', { initContainers: [{ name: 'side', image: 'i', restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } } }] }],
    ['volume mounted', { volumes: [{ name: 'data' }], containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] }],
  ])('accepts %s', (_why, extra) => {
    expect(fmt(validatePodSpec(specOf(extra), 'spec'))).toEqual([]);
  });

  // Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidatePodSpec,
  // TestValidateContainers, TestValidatePorts error cases)
  it.each([
    ['no containers', { containers: [] }, 'spec.containers: Required value'],
    ['container without name', { containers: [{ image: 'i' }] }, 'spec.containers[0].name: Required value'],
    ['container name not a label', { containers: [{ name: 'Ab', image: 'i' }] }, 'spec.containers[0].name: Invalid value: "Ab"'],
    ['container without image', { containers: [{ name: 'c' }] }, 'spec.containers[0].image: Required value'],
    ['duplicate container names', { containers: [{ name: 'c', image: 'i' }, { name: 'c', image: 'i' }] }, 'spec.containers[1].name: Duplicate value: "c"'],
    ['init container name clashes', { initContainers: [{ name: 'ctr', image: 'i' }] }, 'spec.initContainers[0].name: Duplicate value: "ctr"'],
    ['bad restartPolicy', { restartPolicy: 'Sometimes' }, 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
    ['bad dnsPolicy', { dnsPolicy: 'Cluster' }, 'spec.dnsPolicy: Unsupported value: "Cluster": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
    ['dnsPolicy None without config', { dnsPolicy: 'None' }, 'spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None'],
    ['activeDeadlineSeconds 0', { activeDeadlineSeconds: 0 }, 'spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive'],
    ['containerPort 0', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 0 }] }] }, 'spec.containers[0].ports[0].containerPort: Required value'],
    ['containerPort too big', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 65536 }] }] }, 'spec.containers[0].ports[0].containerPort: Invalid value: 65536: must be between 1 and 65535, inclusive'],
    ['bad protocol', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: 'ICMP' }] }] }, 'spec.containers[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "SCTP", "TCP", "UDP"'],
    ['port name too long', { containers: [{ name: 'c', image: 'i', ports: [{ name: 'abcdefghijklmnop', containerPort: 80 }] }] }, 'spec.containers[0].ports[0].name: Invalid value: "abcdefghijklmnop": must be no more than 15 characters'],
    ['port name without letter', { containers: [{ name: 'c', image: 'i', ports: [{ name: '123', containerPort: 80 }] }] }, 'spec.containers[0].ports[0].name: Invalid value: "123": must contain at least one letter (a-z)'],
    ['duplicate port names', { containers: [{ name: 'c', image: 'i', ports: [{ name: 'p', containerPort: 80 }, { name: 'p', containerPort: 81 }] }] }, 'spec.containers[0].ports[1].name: Duplicate value: "p"'],
    ['hostPort conflict', { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, hostPort: 80 }, { containerPort: 81, hostPort: 80 }] }] }, 'spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//80"'],
    ['probe without handler', { containers: [{ name: 'c', image: 'i', livenessProbe: {} }] }, 'spec.containers[0].livenessProbe: Required value: must specify a handler type'],
    ['probe with two handlers', { containers: [{ name: 'c', image: 'i', readinessProbe: { exec: { command: ['x'] }, tcpSocket: { port: 80 } } }] }, 'spec.containers[0].readinessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
    ['negative initialDelaySeconds', { containers: [{ name: 'c', image: 'i', readinessProbe: { exec: { command: ['x'] }, initialDelaySeconds: -1 } }] }, 'spec.containers[0].readinessProbe.initialDelaySeconds: Invalid value: -1: must be greater than or equal to 0'],
    ['liveness successThreshold 2', { containers: [{ name: 'c', image: 'i', livenessProbe: { exec: { command: ['x'] }, successThreshold: 2 } }] }, 'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
    ['probe on plain init container', { initContainers: [{ name: 'i', image: 'i', readinessProbe: { exec: { command: ['x'] } } }] }, 'spec.initContainers[0].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always'],
    ['restartPolicy on a regular container', { containers: [{ name: 'c', image: 'i', restartPolicy: 'Always' }] }, 'spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers'],
    ['bad nodeSelector value', { nodeSelector: { a: '-b-' } }, 'spec.nodeSelector: Invalid value: "-b-"'],
    ['hostname not a label', { hostname: 'a.b' }, 'spec.hostname: Invalid value: "a.b": must not contain dots'],
    ['mount of unknown volume', { containers: [{ name: 'c', image: 'i', volumeMounts: [{ name: 'x', mountPath: '/x' }] }] }, 'spec.containers[0].volumeMounts[0].name: Invalid value: "x"'],
    ['maxSkew 0', { topologySpreadConstraints: [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }] }, 'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero'],
    ['empty node selector terms', { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } } }, 'spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one node selector term'],
    ['pod affinity without topologyKey', { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { a: 'b' } } }] } } }, 'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty'],
  ])('rejects %s', (_why, extra, expected) => {
    const msgs = fmt(validatePodSpec(specOf(extra), 'spec'));
    expect(msgs.some((m) => m.startsWith(expected)), msgs.join('\n')).toBe(true);
  });

  it('requires terminationGracePeriodSeconds and the pull policy when not defaulted', () => {
    const msgs = fmt(validatePodSpec({ containers: [{ name: 'c', image: 'i' }] } as unknown as PodSpec, 'spec'));
    expect(msgs).toContain('spec.terminationGracePeriodSeconds: Required value');
    expect(msgs).toContain('spec.containers[0].imagePullPolicy: Required value');
    expect(msgs).toContain('spec.restartPolicy: Required value');
  });

  it('reports wrong JSON types as field errors', () => {
    expect(fmt(validatePodSpec({ containers: 'x' } as unknown as PodSpec, 'spec'))).toContain(
      'spec.containers: Invalid value: "x": must be an array',
    );
    const msgs = fmt(validatePodSpec(specOf({ containers: [{ name: 'c', image: 5, ports: [{ containerPort: '80' }] }] }), 'spec'));
    expect(msgs).toContain('spec.containers[0].image: Invalid value: 5: must be a string');
    expect(msgs).toContain('spec.containers[0].ports[0].containerPort: Invalid value: "80": must be an integer');
  });

  it('rejects pod-only problems on create', () => {
    const p = pod({ containers: [{ name: 'c', image: ' nginx' }], ephemeralContainers: [{ name: 'e', image: 'i' }] });
    const msgs = fmt(podStrategy.validateCreate(p));
    expect(msgs).toContain('spec.containers[0].image: Invalid value: " nginx": must not have leading or trailing whitespace');
    expect(msgs).toContain('spec.ephemeralContainers: Forbidden: cannot be set on create');
  });

  it('validates the pod deletion cost annotation', () => {
    const p = pod();
    p.metadata!.annotations = { 'controller.kubernetes.io/pod-deletion-cost': '10000000000' };
    expect(fmt(podStrategy.validateCreate(p))).toEqual([
      'metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "10000000000": must be a 32bit integer',
    ]);
  });
});

// Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidateTolerations)
describe('validateTolerations', () => {
  it.each([
    [{ key: 'foo', operator: 'Exists', effect: 'NoSchedule' }],
    [{ key: 'foo', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }],
    [{ key: 'foo', value: 'bar', effect: 'NoSchedule' }],
    [{ operator: 'Exists' }],
    [{ key: 'foo', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    [{ key: 'foo', operator: 'Equal', value: 'bar' }],
  ])('accepts %j', (t) => {
    expect(validateTolerations([t], 'tolerations')).toEqual([]);
  });

  it.each`
    toleration                                                                    | expected
    ${{ key: 'nospecialchars^=@', operator: 'Equal', value: 'bar', effect: 'NoSchedule' }} | ${'tolerations[0].key: Invalid value: "nospecialchars^=@": name part must consist of alphanumeric characters'}
    ${{ key: 'foo', operator: 'In', value: 'bar', effect: 'NoSchedule' }}         | ${'tolerations[0].operator: Unsupported value: "In": supported values: "Equal", "Exists"'}
    ${{ key: 'foo', operator: 'Exists', value: 'bar', effect: 'NoSchedule' }}     | ${"tolerations[0].operator: Invalid value: \"bar\": value must be empty when `operator` is 'Exists'"}
    ${{ operator: 'Equal', value: 'bar' }}                                        | ${'tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'}
    ${{ key: 'foo', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 20 }} | ${"tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when `tolerationSeconds` is set"}
    ${{ key: 'foo', operator: 'Exists', effect: 'Sometimes' }}                    | ${'tolerations[0].effect: Unsupported value: "Sometimes": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"'}
  `('rejects $toleration', ({ toleration, expected }) => {
    const msgs = fmt(validateTolerations([toleration], 'tolerations'));
    expect(msgs.some((m) => m.startsWith(expected)), msgs.join('\n')).toBe(true);
  });
});

// Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go
// (TestValidateResourceRequirements, TestValidateContainers resource cases)
describe('validateResourceRequirements', () => {
  it.each([
    [{ limits: { cpu: '10', memory: '10G' }, requests: { cpu: '10', memory: '10G' } }],
    [{ limits: { cpu: '10', memory: '10G' } }],
    [{ requests: { cpu: '10', memory: '10G', 'ephemeral-storage': '1Gi' } }],
    [{ limits: { 'hugepages-2Mi': '2Mi', memory: '1Gi' } }],
    [{ limits: { cpu: 1 } }],
  ])('accepts %j', (r) => {
    expect(fmt(validateResourceRequirements(r, 'resources'))).toEqual([]);
  });

  it.each`
    why                                 | resources                                                                 | expected
    ${'request above limit'}            | ${{ requests: { cpu: '2' }, limits: { cpu: '1' } }}                       | ${'resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1'}
    ${'memory request above limit'}     | ${{ requests: { memory: '2Gi' }, limits: { memory: '1Gi' } }}             | ${'resources.requests: Invalid value: "2Gi": must be less than or equal to memory limit of 1Gi'}
    ${'negative limit'}                 | ${{ limits: { cpu: '-1' } }}                                              | ${'resources.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0'}
    ${'unknown standard name'}          | ${{ limits: { disk: '1' } }}                                              | ${'resources.limits[disk]: Invalid value: "disk": must be a standard resource type or fully qualified'}
    ${'non-container resource'}         | ${{ limits: { pods: '1' } }}                                              | ${'resources.limits[pods]: Invalid value: "pods": must be a standard resource for containers'}
    ${'fractional extended resource'}   | ${{ requests: { 'example.com/gpu': '500m' }, limits: { 'example.com/gpu': '500m' } }} | ${'resources.limits[example.com/gpu]: Invalid value: "500m": must be an integer'}
    ${'extended request below limit'}   | ${{ requests: { 'example.com/gpu': '1' }, limits: { 'example.com/gpu': '2' } }} | ${'resources.requests: Invalid value: "1": must be equal to example.com/gpu limit of 2'}
    ${'extended request without limit'} | ${{ requests: { 'example.com/gpu': '1' } }}                               | ${'resources.limits: Required value: Limit must be set for non overcommitable resources'}
    ${'hugepages alone'}                | ${{ limits: { 'hugepages-2Mi': '2Mi' } }}                                 | ${'resources: Forbidden: HugePages require cpu or memory'}
    ${'unparsable quantity'}            | ${{ limits: { cpu: 'lots' } }}                                            | ${'resources.limits[cpu]: Invalid value: "lots"'}
  `('rejects $why', ({ resources, expected }) => {
    const msgs = fmt(validateResourceRequirements(resources, 'resources'));
    expect(msgs.some((m) => m.startsWith(expected)), msgs.join('\n')).toBe(true);
  });
});

describe('validatePodTemplateSpec', () => {
  it('validates template labels, annotations and spec', () => {
    const t = { metadata: { labels: { '-bad': 'v' } }, spec: specOf({ restartPolicy: 'x' }) };
    const msgs = fmt(validatePodTemplateSpec(t as never, 'spec.template'));
    expect(msgs.some((m) => m.startsWith('spec.template.labels: Invalid value: "-bad"'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('spec.template.spec.restartPolicy: Unsupported value: "x"'))).toBe(true);
  });
  it('requires a template', () => {
    expect(fmt(validatePodTemplateSpec(undefined, 'spec.template'))).toEqual(['spec.template: Required value']);
  });
});

// Ported from kubernetes/kubernetes pkg/apis/core/validation/validation_test.go (TestValidatePodUpdate, selected)
describe('podStrategy.validateUpdate', () => {
  const FORBIDDEN = 'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';
  const update = (oldSpec: Record<string, unknown>, newSpec: Record<string, unknown>): string[] =>
    fmt(podStrategy.validateUpdate(pod(newSpec), pod(oldSpec)));

  it.each`
    why                                    | oldSpec                                 | newSpec
    ${'nothing changed'}                   | ${{}}                                   | ${{}}
    ${'image changed'}                     | ${{ containers: [{ name: 'c', image: 'foo:V1' }] }} | ${{ containers: [{ name: 'c', image: 'foo:V2' }] }}
    ${'activeDeadlineSeconds added'}       | ${{}}                                   | ${{ activeDeadlineSeconds: 30 }}
    ${'activeDeadlineSeconds lowered'}     | ${{ activeDeadlineSeconds: 30 }}        | ${{ activeDeadlineSeconds: 10 }}
    ${'toleration added'}                  | ${{}}                                   | ${{ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] }}
    ${'tolerationSeconds changed'}         | ${{ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 10 }] }} | ${{ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 20 }] }}
    ${'grace period negative to 1'}        | ${{ terminationGracePeriodSeconds: -1 }} | ${{ terminationGracePeriodSeconds: 1 }}
    ${'quantities equal by value'}         | ${{ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1' } } }] }} | ${{ containers: [{ name: 'c', image: 'i', resources: { requests: { cpu: '1000m' } } }] }}
  `('allows: $why', ({ oldSpec, newSpec }) => {
    expect(update(oldSpec, newSpec)).toEqual([]);
  });

  it.each`
    why                                  | oldSpec                                                        | newSpec                                                         | expected
    ${'container added'}                 | ${{}}                                                          | ${{ containers: [{ name: 'ctr', image: 'image' }, { name: 'b', image: 'i' }] }} | ${'spec.containers: Forbidden: pod updates may not add or remove containers'}
    ${'resources changed'}               | ${{ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } } }] }} | ${{ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '2' } } }] }} | ${FORBIDDEN}
    ${'port changed'}                    | ${{ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }] }] }} | ${{ containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 81 }] }] }} | ${FORBIDDEN}
    ${'nodeName changed'}                | ${{ nodeName: 'a' }}                                            | ${{ nodeName: 'b' }}                                            | ${FORBIDDEN}
    ${'activeDeadlineSeconds raised'}    | ${{ activeDeadlineSeconds: 10 }}                                | ${{ activeDeadlineSeconds: 30 }}                                | ${'spec.activeDeadlineSeconds: Invalid value: 30: must be less than or equal to previous value'}
    ${'activeDeadlineSeconds removed'}   | ${{ activeDeadlineSeconds: 10 }}                                | ${{}}                                                           | ${'spec.activeDeadlineSeconds: Invalid value: null: must not update from a positive integer to nil value'}
    ${'toleration removed'}              | ${{ tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }] }} | ${{}}                              | ${'spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds'}
    ${'grace period changed'}            | ${{ terminationGracePeriodSeconds: 30 }}                        | ${{ terminationGracePeriodSeconds: 10 }}                        | ${FORBIDDEN}
    ${'image removed'}                   | ${{}}                                                          | ${{ containers: [{ name: 'ctr', image: '' }] }}                | ${'spec.containers[0].image: Required value'}
  `('rejects: $why', ({ oldSpec, newSpec, expected }) => {
    expect(update(oldSpec, newSpec)).toContain(expected);
  });
});

describe('never throws on malformed input', () => {
  it('validateCreate and validateUpdate accept any JSON', () => {
    const specish = fc.record(
      {
        containers: fc.oneof(fc.jsonValue(), fc.array(fc.dictionary(fc.constantFrom('name', 'image', 'ports', 'resources', 'livenessProbe', 'env', 'volumeMounts'), fc.jsonValue()))),
        tolerations: fc.jsonValue(),
        affinity: fc.jsonValue(),
        volumes: fc.jsonValue(),
        restartPolicy: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), fc.record({ metadata: fc.jsonValue(), spec: fc.oneof(specish, fc.jsonValue()) })), fc.jsonValue(), (obj, old) => {
        const p = structuredClone(obj) as unknown as Pod;
        if (typeof p === 'object' && p !== null) podStrategy.applyDefaults(p);
        podStrategy.validateCreate(p);
        podStrategy.validateUpdate(p, old as unknown as Pod);
      }),
      { numRuns: 300 },
    );
  });
});
