export { createDashboard, type PageConfig, pageConfig, runDashboard } from './main.ts';
