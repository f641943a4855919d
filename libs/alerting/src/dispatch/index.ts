export { NotificationDispatcher } from './dispatcher.js';
export { decide } from './decision.js';
export type { Decision, DecisionInput, NotificationLogEntry } from './decision.js';
export { Inhibitor } from './inhibition.js';
export { notificationDispatcherDefaults } from './options.js';
export type { NotificationDispatcherOptions } from './options.js';
export { groupKeyOf, groupLabelsOf, matchRoutes } from './routing.js';
export type { NotificationDispatcherSnapshot } from './snapshot.js';
export type { Acknowledgement, AlertStatus, DispatchedAlert, Notification, NotifiedAlert, NotifyReason } from './types.js';
