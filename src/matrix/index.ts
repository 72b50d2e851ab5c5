export * from './types';
export * from './model';
export * from './naming';
export * from './validate';
export * from './load';
