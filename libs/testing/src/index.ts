export { waitFor } from './wait-for.js';
export { uniqueName } from './unique.js';
