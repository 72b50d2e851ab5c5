export * from './labels';
export * from './version-workload';
export * from './version-config';
export * from './service-traffic';
export * from './environment-base';
export * from './autoscaling';
