export { installGracefulShutdown, type Closeable, type ShutdownOptions } from './shutdown.js';
