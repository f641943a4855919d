export { createKafkaProbe, createRegistryProbe, type ReachabilityProbe } from './probes.js';
