import { alertNotifierDefaults } from './channels/index.js';
import { notificationDispatcherDefaults } from './dispatch/index.js';
import { alertEvaluatorDefaults } from './evaluation/index.js';
import { alertingConfigDefaults, ruleFileDefaults } from './rules/index.js';
import { silenceStoreDefaults } from './silences/index.js';

/**
 * Every default of @tributary/alerting in one place (each capability's options.ts owns its part):
 * what a rule file gets for fields it leaves out, and the options of each factory.
 */
export const alertingDefaults = Object.freeze({
  ruleFile: ruleFileDefaults,
  config: alertingConfigDefaults,
  evaluator: alertEvaluatorDefaults,
  silences: silenceStoreDefaults,
  dispatcher: notificationDispatcherDefaults,
  notifier: alertNotifierDefaults,
});
