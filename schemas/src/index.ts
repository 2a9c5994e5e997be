export * from './schemas.ts';
export type * from './types.gen.ts';
export * from './validators.ts';
