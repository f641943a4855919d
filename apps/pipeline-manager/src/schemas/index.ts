export { checkPipelineSchemas, pipelineSubjects, registerPipelineSchemas } from './register.js';
