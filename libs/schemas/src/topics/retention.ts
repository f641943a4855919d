/**
 * How long each kind of topic keeps its records (`retention.ms`), and why. Latest state never
 * depends on these: it lives in compacted topics kept forever.
 */
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const topicRetentionMs = {
  /** Kept forever: compacted latest-state topics are the source a restarted manager rebuilds from. */
  forever: -1,
  /**
   * Commands are requests; once handled, their effect is recorded as events. A week is enough to
   * replay a backlog after a long outage or to debug what was asked (Kafka's own default).
   */
  commands: 7 * DAY,
  /**
   * Events are history: CPM read models, reports, insights and audits replay them. Control events
   * are small (one per state change), so a quarter of history costs little.
   */
  events: 90 * DAY,
  /**
   * Metrics are high volume. Monitoring baselines (in Redis) are rebuilt by replaying this topic, so
   * baseline windows must not exceed it; a week also covers weekly seasonality.
   */
  metrics: 7 * DAY,
  /**
   * Alert history: every transition (pending → firing → resolved, acks, silences) is a record here
   * and is queried by time, so the topic is not compacted; 90 days, like other events, covers
   * quarterly incident reviews.
   */
  alerts: 90 * DAY,
  /** Dead letters wait for a human to look and redrive; a month covers holidays and slow triage. */
  deadLetters: 30 * DAY,
  /** Per-pipeline data, by stage. */
  data: {
    /** The replay source: after a transform fix, reprocess the last week from raw. */
    raw: 7 * DAY,
    /** Intermediate, re-derivable from raw; three days cover a weekend outage of the next stage. */
    staged: 3 * DAY,
    processed: 3 * DAY,
    /** What sinks read: a week covers a sink outage and lets a new sink backfill. */
    validated: 7 * DAY,
    /** Need human review and redrive, like dead letters. */
    quarantine: 30 * DAY,
    rejected: 30 * DAY,
  },
} as const;
