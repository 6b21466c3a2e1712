import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../src/config/app-config';
import { ALERTS_PATH, PROMETHEUS_RULE_PATH, prometheusRule } from './prometheus-rule';

const ROOT = resolve(__dirname, '../..');
const K8S_DIR = join(ROOT, 'deploy/k8s');
const SECRET_NAME = 'schedule-cache-secrets';
const NAME_LABEL = 'app.kubernetes.io/name';
/** What kube-prometheus-stack's Prometheus selects ServiceMonitors and PrometheusRules by. */
const RELEASE_LABEL = 'release';

type Labels = Record<string, string>;

interface HttpProbe {
  httpGet?: { path?: string; port?: string | number };
}

interface Container {
  name: string;
  image?: string;
  ports?: { name?: string; containerPort: number }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string; optional?: boolean } };
  }[];
  startupProbe?: HttpProbe;
  livenessProbe?: HttpProbe;
  readinessProbe?: HttpProbe;
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  securityContext?: {
    runAsNonRoot?: boolean;
    runAsUser?: number;
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
  volumeMounts?: { name: string; mountPath: string }[];
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Labels };
  // Each kind's own spec; read through the typed accessors below.
  spec?: unknown;
  data?: Record<string, unknown>;
  stringData?: Record<string, unknown>;
}

interface DeploymentSpec {
  replicas?: number;
  selector: { matchLabels: Labels };
  template: {
    metadata: { labels: Labels };
    spec: {
      serviceAccountName?: string;
      terminationGracePeriodSeconds?: number;
      securityContext?: { runAsNonRoot?: boolean; runAsUser?: number };
      containers: Container[];
      volumes?: { name: string; emptyDir?: object }[];
    };
  };
}

interface ServiceSpec {
  selector: Labels;
  ports: { name?: string; port: number; targetPort: string | number }[];
}

interface ServiceMonitorSpec {
  selector: { matchLabels: Labels };
  endpoints: { port?: string; path?: string; interval?: string }[];
}

interface HpaSpec {
  scaleTargetRef: { apiVersion: string; kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  metrics: {
    type: string;
    resource?: { name: string; target: { type: string; averageUtilization?: number } };
  }[];
}

interface PdbSpec {
  minAvailable?: number | string;
  selector: { matchLabels: Labels };
}

interface ComposeFile {
  services: Record<
    string,
    {
      image?: string;
      environment?: Record<string, string | number | boolean | null> | string[];
      depends_on?: string[] | Record<string, unknown>;
    }
  >;
}

/** Every document of a YAML file; fails the test on any parse error. */
function parseYaml(path: string): unknown[] {
  const docs = parseAllDocuments(readFileSync(path, 'utf8'));
  if (docs.length === 0) {
    throw new Error(`${path}: no YAML document`);
  }
  return docs.map((doc, index) => {
    if (doc.errors.length > 0) {
      throw new Error(
        `${path} (document ${index}): ${doc.errors.map((e) => e.message).join('; ')}`,
      );
    }
    return doc.toJS() as unknown;
  });
}

const yamlFiles = readdirSync(K8S_DIR).filter((name) => /\.ya?ml$/.test(name));
const parsed = new Map(yamlFiles.map((name) => [name, parseYaml(join(K8S_DIR, name))]));

const kustomization = parsed.get('kustomization.yaml')?.[0] as { resources?: string[] } | undefined;
const resources = (kustomization?.resources ?? []).flatMap(
  (name) => (parsed.get(name) ?? []) as K8sObject[],
);

function only<T>(kind: string): { object: K8sObject; spec: T } {
  const found = resources.filter((object) => object.kind === kind);
  if (found.length !== 1) {
    throw new Error(`expected exactly one ${kind} in the kustomization, found ${found.length}`);
  }
  return { object: found[0], spec: found[0].spec as T };
}

const deployment = only<DeploymentSpec>('Deployment');
const podSpec = deployment.spec.template.spec;
const container = podSpec.containers[0];
const service = only<ServiceSpec>('Service');
const configMap = only<unknown>('ConfigMap').object;
const configData = configMap.data ?? {};
const exampleSecret = (parsed.get('secret.example.yaml') ?? [])[0] as K8sObject | undefined;

const appPort = loadConfig({ UPSTREAM_BASE_URL: 'http://x', AUTH_DISABLED: 'true' }).port;
const envDtoText = readFileSync(join(ROOT, 'src/config/env.dto.ts'), 'utf8');

/** `NAME =`, `NAME!:`, `NAME?:` or `NAME: Type =` at the start of a line of env.dto.ts. */
function isEnvProperty(name: string): boolean {
  return new RegExp(`^\\s*${name}(?:\\s*=|!:|\\?:|:[^=;\\n]+=)`, 'm').test(envDtoText);
}

function secretRefs(): { envName: string; key: string; secret: string; optional: boolean }[] {
  return (container.env ?? []).flatMap((entry) => {
    const ref = entry.valueFrom?.secretKeyRef;
    return ref
      ? [{ envName: entry.name, key: ref.key, secret: ref.name, optional: ref.optional === true }]
      : [];
  });
}

function asEnv(values: Record<string, unknown>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(values).map(([key, value]) => [key, String(value)]));
}

function preStopSleepSeconds(): number {
  const command = container.lifecycle?.preStop?.exec?.command ?? [];
  expect(command[0]).toMatch(/(^|\/)sleep$/);
  const seconds = Number(command[command.length - 1]);
  expect(Number.isFinite(seconds)).toBe(true);
  return seconds;
}

describe('Kubernetes manifests', () => {
  it('should parse every YAML file in deploy/k8s', () => {
    expect(yamlFiles.length).toBeGreaterThan(0);
    for (const [name, docs] of parsed) {
      expect({ name, documents: docs.length > 0 }).toEqual({ name, documents: true });
    }
  });

  it('should list only existing, parseable files in the kustomization, and not the example secret', () => {
    expect(kustomization).toBeDefined();
    const listed = kustomization?.resources ?? [];
    expect(listed.length).toBeGreaterThan(0);
    for (const name of listed) {
      expect({ name, exists: parsed.has(name) }).toEqual({ name, exists: true });
    }
    expect(listed).not.toContain('secret.example.yaml');
    expect(resources.every((object) => object.kind !== 'Secret')).toBe(true);
    expect(new Set(resources.map((object) => object.kind))).toEqual(
      new Set([
        'ServiceAccount',
        'ConfigMap',
        'Deployment',
        'Service',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'ServiceMonitor',
        'PrometheusRule',
      ]),
    );
  });

  it('should label every object with the app name', () => {
    for (const object of [...resources, exampleSecret]) {
      expect(object?.metadata.labels?.[NAME_LABEL]).toBe('schedule-cache');
    }
  });

  it('should expose the app default port as the named container port and in the ConfigMap', () => {
    expect(container.ports).toContainEqual(
      expect.objectContaining({ name: 'http', containerPort: appPort }),
    );
    expect(configData.PORT).toBe(String(appPort));
  });

  it('should probe /health/live for startup and liveness and /health/ready for readiness on the named port', () => {
    expect(container.startupProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.livenessProbe?.httpGet).toEqual({ path: '/health/live', port: 'http' });
    expect(container.readinessProbe?.httpGet).toEqual({ path: '/health/ready', port: 'http' });
  });

  it('should point the Service at the named container port with selectors matching the pods', () => {
    const podLabels = deployment.spec.template.metadata.labels;
    const containerPortNames = (container.ports ?? []).map((port) => port.name);
    expect(service.spec.ports.length).toBeGreaterThan(0);
    for (const port of service.spec.ports) {
      expect(containerPortNames).toContain(port.targetPort);
    }
    expect(podLabels).toEqual(expect.objectContaining(service.spec.selector));
    expect(podLabels).toEqual(expect.objectContaining(deployment.spec.selector.matchLabels));
  });

  it('should scrape /metrics every 30s on a port the Service names, selecting the Service', () => {
    const monitor = only<ServiceMonitorSpec>('ServiceMonitor').spec;
    const servicePortNames = service.spec.ports.map((port) => port.name);
    expect(monitor.endpoints.length).toBeGreaterThan(0);
    for (const endpoint of monitor.endpoints) {
      expect(endpoint.path).toBe('/metrics');
      expect(endpoint.interval).toBe('30s');
      expect(servicePortNames).toContain(endpoint.port);
    }
    expect(service.object.metadata.labels).toEqual(
      expect.objectContaining(monitor.selector.matchLabels),
    );
  });

  it('should carry alerts.yml unchanged in the PrometheusRule (npm run gen:prometheus-rule)', () => {
    const rule = only<{ groups: unknown }>('PrometheusRule');
    const alerts = parseYaml(ALERTS_PATH)[0] as { groups: unknown };

    expect(readFileSync(PROMETHEUS_RULE_PATH, 'utf8')).toBe(
      prometheusRule(readFileSync(ALERTS_PATH, 'utf8')),
    );
    expect(rule.spec.groups).toEqual(alerts.groups);
  });

  it('should label the ServiceMonitor and the PrometheusRule for kube-prometheus-stack alike', () => {
    const monitor = only<unknown>('ServiceMonitor').object;
    const rule = only<unknown>('PrometheusRule').object;

    expect(monitor.metadata.labels?.[RELEASE_LABEL]).toBe('kube-prometheus-stack');
    expect(rule.metadata.labels?.[RELEASE_LABEL]).toBe(monitor.metadata.labels?.[RELEASE_LABEL]);
  });

  it('should give terminationGracePeriodSeconds room for the preStop sleep and SHUTDOWN_GRACE_MS', () => {
    const graceSeconds = podSpec.terminationGracePeriodSeconds ?? 30;
    const shutdownGraceMs = Number(configData.SHUTDOWN_GRACE_MS);
    expect(Number.isInteger(shutdownGraceMs)).toBe(true);
    expect(graceSeconds).toBeGreaterThan(shutdownGraceMs / 1000 + preStopSleepSeconds());
  });

  it('should load the ConfigMap from envFrom and only use accepted config variables', () => {
    expect(container.envFrom).toContainEqual({ configMapRef: { name: configMap.metadata.name } });
    for (const [name, value] of Object.entries(configData)) {
      expect({ name, type: typeof value }).toEqual({ name, type: 'string' });
      expect({ name, known: isEnvProperty(name) }).toEqual({ name, known: true });
    }
  });

  it('should take secrets from schedule-cache-secrets under their own names, all accepted config variables', () => {
    const refs = secretRefs();
    expect(refs.map((ref) => ref.key).sort()).toEqual(
      [
        'ADMIN_API_TOKEN',
        'AUTH_JWT_SECRET',
        'AZURE_STORAGE_CONNECTION_STRING',
        'REDIS_URL',
        'UPSTREAM_API_TOKEN',
      ].sort(),
    );
    for (const ref of refs) {
      expect(ref.secret).toBe(SECRET_NAME);
      expect(ref.envName).toBe(ref.key);
      expect({ key: ref.key, known: isEnvProperty(ref.key) }).toEqual({
        key: ref.key,
        known: true,
      });
    }
    // No secret value may be written into the manifest itself.
    expect((container.env ?? []).every((entry) => entry.value === undefined)).toBe(true);
  });

  it('should describe in secret.example.yaml every key the Deployment requires, and no other', () => {
    const exampleKeys = Object.keys(exampleSecret?.stringData ?? {});
    expect(exampleSecret?.kind).toBe('Secret');
    expect(exampleSecret?.metadata.name).toBe(SECRET_NAME);
    expect(exampleKeys).toEqual(
      expect.arrayContaining(secretRefs().flatMap((ref) => (ref.optional ? [] : [ref.key]))),
    );
    expect(secretRefs().map((ref) => ref.key)).toEqual(expect.arrayContaining(exampleKeys));
  });

  it('should pass loadConfig with the ConfigMap plus the example secret, reaching storage as the workload identity', () => {
    const config = loadConfig(asEnv({ ...configData, ...exampleSecret?.stringData }));
    expect(config.port).toBe(appPort);
    expect(config.shutdownGraceMs).toBe(Number(configData.SHUTDOWN_GRACE_MS));
    expect(config.blob.accountUrl).toBe(configData.AZURE_STORAGE_ACCOUNT_URL);
    expect(new URL(config.redis.url).protocol).toBe('rediss:');
  });

  it('should pass loadConfig with an account key in place of the ConfigMap account URL', () => {
    const { AZURE_STORAGE_ACCOUNT_URL, ...keyBased } = configData;
    const connectionString = 'DefaultEndpointsProtocol=https;AccountName=a;AccountKey=a2V5';

    const config = loadConfig(
      asEnv({
        ...keyBased,
        ...exampleSecret?.stringData,
        AZURE_STORAGE_CONNECTION_STRING: connectionString,
      }),
    );

    expect(AZURE_STORAGE_ACCOUNT_URL).toBeDefined();
    expect(config.blob).toEqual(
      expect.objectContaining({ connectionString, accountUrl: undefined }),
    );
  });

  it('should keep REDIS_URL, which holds the password, out of the ConfigMap', () => {
    expect(Object.keys(configData)).not.toContain('REDIS_URL');
    expect(secretRefs()).toContainEqual(
      expect.objectContaining({ key: 'REDIS_URL', optional: false }),
    );
  });

  it('should run the pods as the ServiceAccount that workload identity federates', () => {
    const account = only<unknown>('ServiceAccount').object as K8sObject & {
      metadata: { annotations?: Record<string, string> };
    };
    expect(podSpec.serviceAccountName).toBe(account.metadata.name);
    expect(account.metadata.annotations).toHaveProperty(['azure.workload.identity/client-id']);
    expect(deployment.spec.template.metadata.labels).toEqual(
      expect.objectContaining({ 'azure.workload.identity/use': 'true' }),
    );
  });

  it('should run as non-root with a read-only root filesystem and a writable /tmp', () => {
    expect(podSpec.securityContext?.runAsNonRoot).toBe(true);
    const security = container.securityContext;
    expect(security?.runAsNonRoot).toBe(true);
    expect(security?.runAsUser).toBe(1000);
    expect(security?.readOnlyRootFilesystem).toBe(true);
    expect(security?.allowPrivilegeEscalation).toBe(false);
    expect(security?.capabilities?.drop).toContain('ALL');
    const tmp = container.volumeMounts?.find((mount) => mount.mountPath === '/tmp');
    expect(podSpec.volumes).toContainEqual(
      expect.objectContaining({ name: tmp?.name, emptyDir: expect.any(Object) }),
    );
  });

  it('should roll out without losing capacity, leaving the replica count to the HPA', () => {
    expect(deployment.spec).not.toHaveProperty('replicas');
    expect(deployment.spec).toEqual(
      expect.objectContaining({
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
      }),
    );
  });

  it('should target the Deployment from the HPA and its pod labels from the PDB', () => {
    const hpa = only<HpaSpec>('HorizontalPodAutoscaler');
    expect(hpa.object.apiVersion).toBe('autoscaling/v2');
    expect(hpa.spec.scaleTargetRef).toEqual({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      name: deployment.object.metadata.name,
    });
    expect(hpa.spec.minReplicas).toBe(2);
    expect(hpa.spec.maxReplicas).toBe(6);
    expect(hpa.spec.metrics).toContainEqual({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } },
    });

    const pdb = only<PdbSpec>('PodDisruptionBudget').spec;
    expect(pdb.minAvailable).toBe(1);
    expect(pdb.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    expect(deployment.spec.template.metadata.labels).toEqual(
      expect.objectContaining(pdb.selector.matchLabels),
    );
  });
});

describe('docker-compose.yml', () => {
  const docs = parseYaml(join(ROOT, 'docker-compose.yml'));
  const compose = docs[0] as ComposeFile;

  function appEnv(): NodeJS.ProcessEnv {
    const environment = compose.services.app?.environment ?? {};
    const entries = Array.isArray(environment)
      ? environment.map((line) => line.split(/=(.*)/s).slice(0, 2))
      : Object.entries(environment);
    return asEnv(Object.fromEntries(entries.map(([key, value]) => [key, value ?? ''])));
  }

  it('should parse as one document with the four services', () => {
    expect(docs).toHaveLength(1);
    expect(Object.keys(compose.services).sort()).toEqual(
      ['app', 'azurite', 'redis', 'upstream-sim'].sort(),
    );
  });

  it('should give the app an environment that passes loadConfig, using only accepted variables', () => {
    const env = appEnv();
    for (const name of Object.keys(env)) {
      expect({ name, known: isEnvProperty(name) }).toEqual({ name, known: true });
    }
    const config = loadConfig(env);
    expect(config.port).toBe(appPort);
    expect(config.adminToken).toBeDefined();
  });

  it('should point the app at the other services by their compose names', () => {
    const config = loadConfig(appEnv());
    expect(new URL(config.redis.url).hostname).toBe('redis');
    expect(new URL(config.upstream.baseUrl).hostname).toBe('upstream-sim');
    expect(config.blob.connectionString).toContain('BlobEndpoint=http://azurite:10000/');
    const dependsOn = compose.services.app?.depends_on ?? [];
    const dependencies = Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn);
    expect(dependencies.sort()).toEqual(['azurite', 'redis', 'upstream-sim']);
  });
});
