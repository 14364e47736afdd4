// The statistics engine of the campaign reports: pure functions over rollup sufficient statistics.
export * from './arm-summary';
export * from './bayesian';
export * from './compare';
export * from './cuped';
export * from './distributions';
export * from './effect';
export * from './funnel';
export * from './guards';
export * from './means';
export * from './moments';
export * from './multiple-testing';
export * from './power';
export * from './proportions';
export * from './ratio';
export * from './sequential';
export * from './srm';
