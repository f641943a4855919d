export { redriveDeadLetters, REDRIVE_COUNT_HEADER, type RedriveOptions, type RedriveResult } from './redrive.js';
