/**
 * The Kubernetes 1.27 L1 classes (KubeDeployment, KubeService, ...) that cdk8s-plus-27 ships, loaded
 * on their own: `import { k8s } from 'cdk8s-plus-27'` would also load every L2 construct we do not
 * use, which doubles the start-up time of a synth.
 */
export * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
